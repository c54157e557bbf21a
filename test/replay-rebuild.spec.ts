import { describe, expect, it } from 'vitest';
import { PgliteClient, PostgresClient, SqlEventStore, type SqlClient } from '#event-store';
import { setupTimers } from '#platform-kit';
import { ProjectionRunner } from '#projections';
import { PLATFORM_PROJECTIONS } from '../apps/platform/platform.projections.js';
import { generateLog } from '../bench/replay/generate.js';
import { freshPostgresDatabase, TEST_BACKENDS } from './support/test-databases.js';

/** Every read-model table, as sorted JSON rows. */
async function snapshot(sql: SqlClient): Promise<Record<string, string[]>> {
  const tables = await sql.query<{ name: string }>(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
     WHERE table_schema IN ('accounts', 'triage', 'intake', 'sla', 'health_checks', 'audit') AND table_name <> 'slack_threads' ORDER BY 1`,
  );
  const rows: Record<string, string[]> = {};
  for (const { name } of tables) rows[name] = (await sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${name} t`)).map((r) => r.row).sort();
  return rows;
}

describe.each(TEST_BACKENDS)('rebuild on a realistic log (bench:replay generator) (%s)', (backend) => {
  it('a one-pass rebuild of every projection gives the rows the live run built batch by batch', async () => {
    const database = backend === 'postgres' ? await freshPostgresDatabase() : null;
    const sql: SqlClient = database ? new PostgresClient({ connectionString: database.url }) : await PgliteClient.open();
    try {
      const log = await generateLog(sql, 10_000, { writers: 4, longTicketEvents: 300, log: () => undefined });
      const store = await SqlEventStore.open(sql, { ownsClient: false });
      await setupTimers(sql);
      const runner = new ProjectionRunner(store, sql, PLATFORM_PROJECTIONS, { batchSize: 500, waitTimeoutMs: 600_000, rebuildPageSize: 3_000 });
      await runner.start();
      await runner.waitFor((await store.headPosition())!);
      const live = await snapshot(sql);
      expect(live['triage.tickets']).toHaveLength(log.tickets);
      expect(live['sla.ticket_sla']).toHaveLength(log.tickets);
      expect(live['triage.queue_sla'], 'the queue keeps its own SLA columns for every ticket').toHaveLength(log.tickets);

      const report = await runner.rebuildAll();
      expect(report.events).toBe(log.events);
      expect(await snapshot(sql)).toEqual(live);
      await runner.stop();
    } finally {
      await sql.close();
      await database?.drop();
    }
  }, 600_000);
});
