import {
  openKurrentDbEventStore,
  PgliteClient,
  PostgresClient,
  SqlEventStore,
  type EventStore,
  type SqlClient,
} from '#event-store';
import { ManualClock, type Clock } from './clock/clock.js';
import { resumeManualClock } from './clock/manual-clock.store.js';
import type { LedgerdeskConfig } from './config/config.js';

export interface Infrastructure {
  store: EventStore;
  /** Where read models, checkpoints and timers live. */
  readDb: SqlClient;
  close(): Promise<void>;
}

/**
 * Opens the configured event store and the read-model database. PGlite and PostgreSQL keep both in one
 * database (read models commit with their checkpoints); with KurrentDB the read models go to DATABASE_URL,
 * or to an embedded PGlite when none is given.
 */
export interface InfrastructureOptions {
  /** Opens the embedded database instead of the default (tests start from a snapshot). */
  openEmbedded?: () => Promise<PgliteClient>;
}

export async function openInfrastructure(config: LedgerdeskConfig, clock: Clock, options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const infrastructure = await openStores(config, clock, options);
  if (clock instanceof ManualClock) {
    await resumeManualClock(infrastructure.readDb, clock, config.clockStart).catch(async (error: unknown) => {
      await infrastructure.close();
      throw error;
    });
  }
  return infrastructure;
}

async function openStores(config: LedgerdeskConfig, clock: Clock, options: InfrastructureOptions): Promise<Infrastructure> {
  const now = () => clock.now();
  const embedded = () =>
    options.openEmbedded?.() ?? PgliteClient.open(config.dataDir.startsWith('memory://') ? {} : { dataDir: config.dataDir });
  if (config.eventStore === 'pglite') {
    const sql = await embedded();
    const store = await SqlEventStore.open(sql, { now, ownsClient: false });
    return { store, readDb: sql, close: () => sql.close() };
  }
  if (config.eventStore === 'postgres') {
    const sql = new PostgresClient({ connectionString: config.databaseUrl! });
    const store = await SqlEventStore.open(sql, { now, ownsClient: false });
    return { store, readDb: sql, close: () => sql.close() };
  }
  const store = await openKurrentDbEventStore(config.eventStoreUrl!, { now });
  const readDb = config.databaseUrl ? new PostgresClient({ connectionString: config.databaseUrl }) : await embedded();
  return {
    store,
    readDb,
    close: async () => {
      await store.close();
      await readDb.close();
    },
  };
}
