import { randomUUID } from 'node:crypto';
import { GenericContainer, Wait, getContainerRuntimeClient } from 'testcontainers';
import { describe, it } from 'vitest';
import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { testEvent } from '../testing/event-fixtures.js';
import { openKurrentDbEventStore, type KurrentDbEventStore } from './kurrentdb-event-store.js';

const eventStoreUrl = process.env.LEDGERDESK_TEST_EVENTSTORE_URL;
const IMAGE = process.env.LEDGERDESK_TEST_KURRENTDB_IMAGE ?? 'docker.kurrent.io/kurrent-latest/kurrentdb:latest';
const ENGINE_DETECTION_MS = 10_000;

/** null when testcontainers can reach a container engine, else why not (bounded: detection can hang on a dead socket). */
async function containerEngineMissing(): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ENGINE_DETECTION_MS} ms`)), ENGINE_DETECTION_MS);
      }),
    ]);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** A fresh node answers /health/live before it accepts writes: append until one goes through. */
async function waitUntilWritable(store: KurrentDbEventStore, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await store.append(`warmup-${randomUUID()}`, [testEvent('Warmup')], 'no_stream');
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const engineMissing = eventStoreUrl ? null : await containerEngineMissing();

if (eventStoreUrl) {
  describeEventStoreContract('KurrentDB', async () => {
    const store = openKurrentDbEventStore(eventStoreUrl);
    await waitUntilWritable(store);
    return {
      store,
      globallyUniqueEventIds: false,
      reopen: async () => openKurrentDbEventStore(eventStoreUrl),
      dispose: () => store.close(),
    };
  });
} else if (engineMissing === null) {
  describeEventStoreContract('KurrentDB', async () => {
    const container = await new GenericContainer(IMAGE)
      .withEnvironment({
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_RUN_PROJECTIONS: 'All',
        KURRENTDB_ENABLE_ATOM_PUB_OVER_HTTP: 'true',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((status) => status >= 200 && status < 300))
      .withStartupTimeout(100_000)
      .start();
    const connectionString = `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    const store = openKurrentDbEventStore(connectionString);
    try {
      await waitUntilWritable(store);
    } catch (error) {
      await store.close();
      await container.stop();
      throw error;
    }
    return {
      store,
      globallyUniqueEventIds: false,
      reopen: async () => openKurrentDbEventStore(connectionString),
      dispose: async () => {
        await store.close();
        await container.stop();
      },
    };
  });
} else {
  describe.skip(`event store contract: KurrentDB (no LEDGERDESK_TEST_EVENTSTORE_URL and no container engine: ${engineMissing})`, () => {
    it('runs the shared event store contract against KurrentDB', () => undefined);
  });
}
