import type { Position, RecordedEvent, SqlClient, SqlExecutor } from '#event-store';

/** An event a reactor gave up on after its retries: kept with its error until ADMIN retries it. */
export interface ParkedEvent {
  reactor: string;
  eventId: string;
  stream: string;
  type: string;
  position: Position;
  error: string;
  attempts: number;
  parkedAt: Date;
}

export async function setupParkedEvents(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:projections:setup'))`);
    await tx.query('CREATE SCHEMA IF NOT EXISTS projections');
    await tx.query(`CREATE TABLE IF NOT EXISTS projections.parked_events (
      reactor text NOT NULL,
      event_id text NOT NULL,
      stream text NOT NULL,
      type text NOT NULL,
      commit_position bigint NOT NULL,
      prepare_position bigint NOT NULL,
      error text NOT NULL,
      attempts int NOT NULL,
      parked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (reactor, event_id)
    )`);
    // Set when ADMIN asks another process than the reactor's to retry it; that process clears it with the outcome.
    await tx.query('ALTER TABLE projections.parked_events ADD COLUMN IF NOT EXISTS retry_requested_at timestamptz');
  });
}

export async function parkEvent(tx: SqlExecutor, reactor: string, event: RecordedEvent, error: string, attempts: number): Promise<void> {
  await tx.query(
    `INSERT INTO projections.parked_events (reactor, event_id, stream, type, commit_position, prepare_position, error, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (reactor, event_id) DO UPDATE SET error = EXCLUDED.error,
       attempts = parked_events.attempts + EXCLUDED.attempts, parked_at = now(), retry_requested_at = NULL`,
    [reactor, event.id, event.stream, event.type, event.position.commit.toString(), event.position.prepare.toString(), error, attempts],
  );
}

export async function unparkEvent(tx: SqlExecutor, reactor: string, eventId: string): Promise<void> {
  await tx.query('DELETE FROM projections.parked_events WHERE reactor = $1 AND event_id = $2', [reactor, eventId]);
}

interface ParkedRow {
  reactor: string;
  event_id: string;
  stream: string;
  type: string;
  commit_position: string;
  prepare_position: string;
  error: string;
  attempts: number;
  parked_at: Date | string;
}

/** Parked events of the given reactors, oldest first. */
export async function listParkedEvents(sql: SqlExecutor, reactors: readonly string[], eventId?: string): Promise<ParkedEvent[]> {
  const rows = await sql.query<ParkedRow>(
    `SELECT reactor, event_id, stream, type, commit_position::text AS commit_position, prepare_position::text AS prepare_position,
            error, attempts, parked_at
       FROM projections.parked_events
      WHERE reactor = ANY($1::text[]) AND ($2::text IS NULL OR event_id = $2)
      ORDER BY commit_position, prepare_position, reactor`,
    [reactors, eventId ?? null],
  );
  return rows.map((row) => ({
    reactor: row.reactor,
    eventId: row.event_id,
    stream: row.stream,
    type: row.type,
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    error: row.error,
    attempts: row.attempts,
    parkedAt: new Date(row.parked_at),
  }));
}

/**
 * Marks a parked event for a retry by the process that runs its reactor. Resolves to the attempts counted so
 * far (the retry's outcome shows as the row gone, or as more attempts), or null when it is not parked.
 */
export async function requestParkedRetry(sql: SqlExecutor, reactor: string, eventId: string): Promise<number | null> {
  const [row] = await sql.query<{ attempts: number }>(
    'UPDATE projections.parked_events SET retry_requested_at = now() WHERE reactor = $1 AND event_id = $2 RETURNING attempts',
    [reactor, eventId],
  );
  return row ? Number(row.attempts) : null;
}

/** Parked events of these reactors another process asked to retry. */
export async function requestedRetries(sql: SqlExecutor, reactors: readonly string[]): Promise<{ reactor: string; eventId: string }[]> {
  const rows = await sql.query<{ reactor: string; event_id: string }>(
    'SELECT reactor, event_id FROM projections.parked_events WHERE reactor = ANY($1::text[]) AND retry_requested_at IS NOT NULL ORDER BY retry_requested_at',
    [reactors],
  );
  return rows.map((row) => ({ reactor: row.reactor, eventId: row.event_id }));
}
