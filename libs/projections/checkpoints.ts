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
