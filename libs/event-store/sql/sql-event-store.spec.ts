import { describe } from 'vitest';
import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { openTestPglite } from '../testing/test-pglite.js';
import { PostgresClient } from './postgres-client.js';
import { SqlEventStore } from './sql-event-store.js';
import type { SqlClient } from './sql-client.js';

const tamperWith = (sql: SqlClient) => async (stream: string, revision: number) => {
  await sql.query(
    `UPDATE event_store.events SET data = jsonb_set(data, '{tampered}', 'true') WHERE stream = $1 AND revision = $2`,
    [stream, revision],
  );
};

describeEventStoreContract('PGlite', async () => {
  const sql = await openTestPglite();
  const store = await SqlEventStore.open(sql);
  return { store, tamper: tamperWith(sql), dispose: () => store.close() };
});

const databaseUrl = process.env.LEDGERDESK_TEST_DATABASE_URL;
if (databaseUrl) {
  describeEventStoreContract('PostgreSQL', async () => {
    const sql = new PostgresClient({ connectionString: databaseUrl });
    const store = await SqlEventStore.open(sql);
    return {
      store,
      tamper: tamperWith(sql),
      reopen: async () => SqlEventStore.open(new PostgresClient({ connectionString: databaseUrl })),
      dispose: () => store.close(),
    };
  });
} else {
  describe.skip('event store contract: PostgreSQL (set LEDGERDESK_TEST_DATABASE_URL to run)', () => undefined);
}
