import type { SqlClient, SqlExecutor } from '#event-store';

export const TIMERS_CHANNEL = 'ledgerdesk_timers';

export interface Timer {
  /** Deterministic: e.g. `sla-breach:<ticket>:FIRST_RESPONSE:1`, so rescheduling replaces, never duplicates. */
  id: string;
  kind: string;
  dueAt: Date;
  payload: Record<string, unknown>;
}

export async function setupTimers(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:platform:setup'))`);
    await tx.query('CREATE SCHEMA IF NOT EXISTS platform');
    await tx.query(`CREATE TABLE IF NOT EXISTS platform.timers (
      id text PRIMARY KEY,
      kind text NOT NULL,
      due_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      fired_at timestamptz
    )`);
    await tx.query('CREATE INDEX IF NOT EXISTS timers_due ON platform.timers (due_at, id) WHERE fired_at IS NULL');
  });
}

/** Schedules or moves a timer; called by projections inside their batch transaction. */
export async function scheduleTimer(tx: SqlExecutor, timer: Timer): Promise<void> {
  // The NOTIFY rides on the same statement (one round trip); PostgreSQL delivers it once per transaction.
  await tx.query(
    `INSERT INTO platform.timers (id, kind, due_at, payload) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, fired_at = NULL
     RETURNING pg_notify('${TIMERS_CHANNEL}', '')`,
    [timer.id, timer.kind, timer.dueAt, JSON.stringify(timer.payload)],
  );
}

export async function cancelTimer(tx: SqlExecutor, id: string): Promise<void> {
  await tx.query('DELETE FROM platform.timers WHERE id = $1 AND fired_at IS NULL', [id]);
}

export async function nextPendingTimer(sql: SqlExecutor, dueNoLaterThan?: Date): Promise<Timer | null> {
  const rows = await sql.query<{ id: string; kind: string; due_at: Date | string; payload: Record<string, unknown> }>(
    `SELECT id, kind, due_at, payload FROM platform.timers
     WHERE fired_at IS NULL ${dueNoLaterThan ? 'AND due_at <= $1' : ''}
     ORDER BY due_at, id LIMIT 1`,
    dueNoLaterThan ? [dueNoLaterThan] : [],
  );
  const row = rows[0];
  return row ? { id: row.id, kind: row.kind, dueAt: new Date(row.due_at), payload: row.payload } : null;
}

export async function markTimerFired(sql: SqlExecutor, timer: Timer, firedAt: Date): Promise<void> {
  // Only the schedule that fired: a timer moved meanwhile stays pending at its new due time.
  await sql.query('UPDATE platform.timers SET fired_at = $3 WHERE id = $1 AND due_at = $2 AND fired_at IS NULL', [
    timer.id,
    timer.dueAt,
    firedAt,
  ]);
}
