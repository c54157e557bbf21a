import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresClient, type EventStore } from '#event-store';
import { ProjectionRunner, type Projection } from '#projections';
import { freshPostgresDatabase, type TestDatabase } from './support/test-databases.js';

// Processes that start together on one database (npm run start:split) each create the read models' tables:
// `CREATE … IF NOT EXISTS` is not safe against a concurrent creator in PostgreSQL (duplicate key in
// pg_type_typname_nsp_index), and a context app failed to start. Needs LEDGERDESK_TEST_DATABASE_URL.
const DATABASE = process.env.LEDGERDESK_TEST_DATABASE_URL;

const tables = (schema: string): Projection => ({
  name: `test.${schema}`,
  eventTypes: [],
  async setup(sql) {
    await sql.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (let i = 0; i < 15; i++) await sql.query(`CREATE TABLE IF NOT EXISTS ${schema}.t${i} (id text PRIMARY KEY, data jsonb NOT NULL)`);
  },
  async reset() {},
  async apply() {},
});

describe.skipIf(!DATABASE)(`read-model setup by processes starting together${DATABASE ? '' : ' (skipped: set LEDGERDESK_TEST_DATABASE_URL)'}`, () => {
  let database: TestDatabase;
  const clients: PostgresClient[] = [];
  beforeAll(async () => {
    database = await freshPostgresDatabase();
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await database?.drop();
  });

  it('creates every table once, whichever of six processes gets there first', async () => {
    // Six "processes": each its own pool, the same projections (as five apps sharing triage's core do).
    const runners = Array.from({ length: 6 }, () => {
      const client = new PostgresClient({ connectionString: database.url, maxConnections: 2 });
      clients.push(client);
      return new ProjectionRunner(null as unknown as EventStore, client, [tables('race_a'), tables('race_b')]);
    });
    const outcomes = await Promise.allSettled(runners.map((runner) => runner.setup()));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual([]);
    const [count] = await clients[0]!.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE schemaname IN ('race_a', 'race_b')`);
    expect(count!.n).toBe('30');
  });
});
