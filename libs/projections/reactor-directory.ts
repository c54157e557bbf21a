import type { SqlClient, SqlExecutor } from '#event-store';

/**
 * Which reactors run anywhere on this database, with the event types they handle and their last failure: so
 * that any process answers ADMIN (`reactors`, `parkedEvents`, `/health/ready`) for the reactors of every
 * process of a split deployment, not only its own. A row is written when a process starts the reactor; it
 * stays after the process stops (its checkpoint stays too, and its lag keeps growing — which is what ADMIN
 * must see of a reactor whose process is down).
 */
export interface ReactorEntry {
  name: string;
  eventTypes: string[];
  lastError: string | null;
}

/** A process asks the one running a reactor to retry a parked event: NOTIFY on this channel, payload the reactor's name. */
export const RETRY_PARKED_CHANNEL = 'ledgerdesk_retry_parked';

export async function setupReactorDirectory(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:projections:setup'))`);
    await tx.query('CREATE SCHEMA IF NOT EXISTS projections');
    await tx.query(`CREATE TABLE IF NOT EXISTS projections.reactors (
      name text PRIMARY KEY, event_types text[] NOT NULL, last_error text, updated_at timestamptz NOT NULL DEFAULT now())`);
  });
}

/** Announces the reactors a process runs (their event types as this code has them). */
export async function announceReactors(sql: SqlExecutor, reactors: readonly { name: string; eventTypes: readonly string[] }[]): Promise<void> {
  if (reactors.length === 0) return;
  await sql.query(
    `INSERT INTO projections.reactors (name, event_types, last_error)
     SELECT name, ARRAY(SELECT jsonb_array_elements_text(types)), NULL FROM jsonb_to_recordset($1::jsonb) AS r(name text, types jsonb)
     ON CONFLICT (name) DO UPDATE SET event_types = EXCLUDED.event_types, last_error = NULL, updated_at = now()`,
    [JSON.stringify(reactors.map((reactor) => ({ name: reactor.name, types: reactor.eventTypes })))],
  );
}

export async function recordLastError(sql: SqlExecutor, name: string, error: string | null): Promise<void> {
  await sql.query('UPDATE projections.reactors SET last_error = $2, updated_at = now() WHERE name = $1', [name, error]);
}

export async function listReactors(sql: SqlExecutor): Promise<ReactorEntry[]> {
  const rows = await sql.query<{ name: string; event_types: string[]; last_error: string | null }>(
    'SELECT name, event_types, last_error FROM projections.reactors ORDER BY name',
  );
  return rows.map((row) => ({ name: row.name, eventTypes: row.event_types, lastError: row.last_error }));
}
