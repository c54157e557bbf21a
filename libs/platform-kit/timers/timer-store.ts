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
    // A timer whose handler kept failing leaves the queue parked, with its error, until an ADMIN retries it.
    await tx.query('ALTER TABLE platform.timers ADD COLUMN IF NOT EXISTS parked_at timestamptz');
    await tx.query('ALTER TABLE platform.timers ADD COLUMN IF NOT EXISTS error text');
    await tx.query('ALTER TABLE platform.timers ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0');
  });
}

/** Schedules or moves a timer; called by projections inside their batch transaction. */
export async function scheduleTimer(tx: SqlExecutor, timer: Timer): Promise<void> {
  // The NOTIFY rides on the same statement (one round trip); PostgreSQL delivers it once per transaction.
  await tx.query(
    `INSERT INTO platform.timers (id, kind, due_at, payload) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, fired_at = NULL,
       parked_at = NULL, error = NULL, attempts = 0
     RETURNING pg_notify('${TIMERS_CHANNEL}', '')`,
    [timer.id, timer.kind, timer.dueAt, JSON.stringify(timer.payload)],
  );
}

export async function cancelTimer(tx: SqlExecutor, id: string): Promise<void> {
  await tx.query('DELETE FROM platform.timers WHERE id = $1 AND fired_at IS NULL', [id]);
}

/**
 * The earliest pending timer of one of `kinds` — the kinds this process has handlers for: processes that share
 * the table (the split deployment) each fire their own context's timers and leave the others' alone.
 */
export async function nextPendingTimer(sql: SqlExecutor, kinds: readonly string[], dueNoLaterThan?: Date): Promise<Timer | null> {
  if (kinds.length === 0) return null;
  const rows = await sql.query<{ id: string; kind: string; due_at: Date | string; payload: Record<string, unknown> }>(
    `SELECT id, kind, due_at, payload FROM platform.timers
     WHERE fired_at IS NULL AND kind = ANY($1::text[]) ${dueNoLaterThan ? 'AND due_at <= $2' : ''}
     ORDER BY due_at, id LIMIT 1`,
    dueNoLaterThan ? [kinds, dueNoLaterThan] : [kinds],
  );
  const row = rows[0];
  return row ? { id: row.id, kind: row.kind, dueAt: new Date(row.due_at), payload: row.payload } : null;
}

export interface ParkedTimer extends Timer {
  parkedAt: Date;
  error: string;
  attempts: number;
}

/** Takes the schedule that failed out of the queue, keeping why. */
export async function parkTimer(sql: SqlExecutor, timer: Timer, at: Date, error: string, attempts: number): Promise<void> {
  await sql.query(
    'UPDATE platform.timers SET fired_at = $3, parked_at = $3, error = $4, attempts = $5 WHERE id = $1 AND due_at = $2 AND fired_at IS NULL',
    [timer.id, timer.dueAt, at, error, attempts],
  );
}

export async function parkedTimers(sql: SqlExecutor): Promise<ParkedTimer[]> {
  const rows = await sql.query<{ id: string; kind: string; due_at: Date | string; payload: Record<string, unknown>; parked_at: Date | string; error: string; attempts: number }>(
    'SELECT id, kind, due_at, payload, parked_at, error, attempts FROM platform.timers WHERE parked_at IS NOT NULL ORDER BY due_at, id',
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    dueAt: new Date(row.due_at),
    payload: row.payload,
    parkedAt: new Date(row.parked_at),
    error: row.error,
    attempts: Number(row.attempts),
  }));
}

/** Puts a parked timer back in the queue at its due time (it fires at once, being past due). False: not parked. */
export async function unparkTimer(sql: SqlExecutor, id: string): Promise<boolean> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE platform.timers SET fired_at = NULL, parked_at = NULL, error = NULL, attempts = 0 WHERE id = $1 AND parked_at IS NOT NULL
     RETURNING id, pg_notify('${TIMERS_CHANNEL}', '')`,
    [id],
  );
  return rows.length > 0;
}

export async function markTimerFired(sql: SqlExecutor, timer: Timer, firedAt: Date): Promise<void> {
  // Only the schedule that fired: a timer moved meanwhile stays pending at its new due time.
  await sql.query('UPDATE platform.timers SET fired_at = $3 WHERE id = $1 AND due_at = $2 AND fired_at IS NULL', [
    timer.id,
    timer.dueAt,
    firedAt,
  ]);
}
