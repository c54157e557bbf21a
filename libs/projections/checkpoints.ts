import type { Position, SqlClient, SqlExecutor } from '#event-store';

export async function setupCheckpoints(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:projections:setup'))`);
    await tx.query('CREATE SCHEMA IF NOT EXISTS projections');
    await tx.query(`CREATE TABLE IF NOT EXISTS projections.checkpoints (
      name text PRIMARY KEY,
      commit_position bigint NOT NULL,
      prepare_position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
}

export async function readCheckpoint(sql: SqlExecutor, name: string): Promise<Position | null> {
  const [row] = await sql.query<{ commit_position: string; prepare_position: string }>(
    'SELECT commit_position::text AS commit_position, prepare_position::text AS prepare_position FROM projections.checkpoints WHERE name = $1',
    [name],
  );
  return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : null;
}

/**
 * Records how far a projection got. With `expected` (the checkpoint this writer last saw) the write is a
 * compare-and-set: false when another process moved it meanwhile — its transaction must then roll back, since
 * it applied events the other already had. Without `expected` (a rebuild, which owns the projection) it is plain.
 */
export async function writeCheckpoint(tx: SqlExecutor, name: string, position: Position, expected?: Position | null): Promise<boolean> {
  const params: unknown[] = [name, position.commit.toString(), position.prepare.toString()];
  let guard = '';
  if (expected !== undefined) {
    params.push(expected?.commit.toString() ?? null, expected?.prepare.toString() ?? null);
    guard = 'WHERE checkpoints.commit_position = $4 AND checkpoints.prepare_position = $5';
  }
  const written = await tx.query(
    `INSERT INTO projections.checkpoints (name, commit_position, prepare_position) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET commit_position = EXCLUDED.commit_position,
       prepare_position = EXCLUDED.prepare_position, updated_at = now() ${guard}
     RETURNING 1`,
    params,
  );
  return written.length === 1;
}

export async function deleteCheckpoint(tx: SqlExecutor, name: string): Promise<void> {
  await tx.query('DELETE FROM projections.checkpoints WHERE name = $1', [name]);
}

/** One row of a multi-row checkpoint write: where `name` got, and the checkpoint its writer last saw. */
export interface CheckpointWrite {
  name: string;
  position: Position;
  /** null: the writer saw none (its first write); the row must then not exist yet. */
  expected: Position | null;
}

/** Several checkpoints in one statement: name → position (absent: none recorded yet). */
export async function readCheckpoints(sql: SqlExecutor, names: readonly string[]): Promise<Map<string, Position>> {
  const rows = await sql.query<{ name: string; commit_position: string; prepare_position: string }>(
    'SELECT name, commit_position::text AS commit_position, prepare_position::text AS prepare_position FROM projections.checkpoints WHERE name = ANY($1::text[])',
    [[...names]],
  );
  return new Map(rows.map((row) => [row.name, { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }]));
}

/**
 * Several checkpoints moved in one statement (a multi-row upsert), each compare-and-set against the checkpoint
 * its writer last saw, exactly as `writeCheckpoint` with `expected` does for one: a row another process moved
 * meanwhile is left as it is. Resolves to the names written; a caller whose write must be whole (projections
 * applied in the same transaction) rolls back when one is missing. `asyncCommit` (a write outside a
 * transaction, e.g. a reactor's) lets PostgreSQL commit it without waiting for the disk, as read-model
 * transactions do: a checkpoint lost in a crash only replays events whose effects are idempotent.
 */
export async function writeCheckpoints(sql: SqlExecutor, writes: readonly CheckpointWrite[], options: { asyncCommit?: boolean } = {}): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  const asyncCommit = options.asyncCommit ? `, (SELECT set_config('synchronous_commit', 'off', true)) AS cfg` : '';
  const written = await sql.query<{ name: string }>(
    `INSERT INTO projections.checkpoints AS c (name, commit_position, prepare_position)
     SELECT w.name, w.commit_position, w.prepare_position
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS w(name, commit_position, prepare_position)${asyncCommit}
     ON CONFLICT (name) DO UPDATE SET commit_position = EXCLUDED.commit_position,
       prepare_position = EXCLUDED.prepare_position, updated_at = now()
     WHERE EXISTS (SELECT 1 FROM unnest($1::text[], $4::bigint[], $5::bigint[]) AS e(name, commit_position, prepare_position)
       WHERE e.name = c.name AND e.commit_position = c.commit_position AND e.prepare_position = c.prepare_position)
     RETURNING c.name`,
    [
      writes.map((write) => write.name),
      writes.map((write) => write.position.commit.toString()),
      writes.map((write) => write.position.prepare.toString()),
      writes.map((write) => write.expected?.commit.toString() ?? null),
      writes.map((write) => write.expected?.prepare.toString() ?? null),
    ],
  );
  return new Set(written.map((row) => row.name));
}
