import { it } from 'vitest';
import { openKurrentDbEventStore } from './kurrentdb-event-store.js';
import { FakeKurrentDb } from './testing/fake-kurrentdb-server.js';
import { testEvent } from '../testing/event-fixtures.js';

it('handles', async () => {
  const before = process.getActiveResourcesInfo();
  for (const hang of [false, true]) {
    const fake = await new FakeKurrentDb({ hangFeatureProbe: hang }).start();
    const store = openKurrentDbEventStore(fake.connectionString, { deadlineMs: 1000 });
    await store.append('s', [testEvent('X')], 'any').catch((e) => console.log('append', e.message));
    const sub = store.subscribe();
    for await (const e of sub) break;
    await store.close();
    await fake.stop();
    await new Promise((r) => setTimeout(r, 200));
    console.log('hang', hang, 'resources after close', process.getActiveResourcesInfo().filter((x, i) => true), 'before', before);
  }
}, 30000);
