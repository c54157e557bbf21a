import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteClient, type SqlClient, type SqlExecutor } from '#event-store';
import { setupCheckpoints, writeCheckpoint } from './checkpoints.js';
import { waitForCheckpoint } from './checkpoint-wait.js';

/** Read-your-writes across processes: waits on checkpoints share one polling loop per database. */
describe('waitForCheckpoint', () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await PgliteClient.open();
    await setupCheckpoints(sql);
  });
  afterAll(async () => {
    await sql?.close();
  });

  const at = (commit: number) => ({ commit: BigInt(commit), prepare: 0n });

  it('resolves each wait once its checkpoint passes, many waits costing one read per poll', async () => {
    let reads = 0;
    const counting: SqlExecutor = { query: (text: string, params?: unknown[]) => ((reads += 1), sql.query(text, params)) } as SqlExecutor;
    const signal = AbortSignal.timeout(5_000);
    const waits = [
      ...Array.from({ length: 20 }, (_, i) => waitForCheckpoint(counting, 'triage.tickets', at(100 + i), signal)),
      ...Array.from({ length: 20 }, (_, i) => waitForCheckpoint(counting, 'sla.tickets', at(100 + i), signal)),
    ];
    await writeCheckpoint(sql, 'triage.tickets', at(200));
    await writeCheckpoint(sql, 'sla.tickets', at(200));
    expect(await Promise.all(waits)).toEqual(waits.map(() => true));
    // 40 waits polled separately would read at least 40 times.
    expect(reads).toBeLessThan(10);
  });

  it('answers false when the signal aborts before the checkpoint gets there, and true at once when it is there', async () => {
    const aborted = new AbortController();
    const waiting = waitForCheckpoint(sql, 'intake.directory', at(50), aborted.signal);
    aborted.abort();
    expect(await waiting).toBe(false);
    await writeCheckpoint(sql, 'intake.directory', at(50));
    expect(await waitForCheckpoint(sql, 'intake.directory', at(50), AbortSignal.timeout(1_000))).toBe(true);
  });
});
