/**
 * A place in the global log. Two numbers, compared in order, because neither store has one counter that
 * matches what readers see: PostgreSQL orders by (transaction id, sequence) so that a reader never skips
 * an event committed late; KurrentDB has (commit, prepare) positions.
 */
export interface Position {
  commit: bigint;
  prepare: bigint;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function isAfter(a: Position, b: Position | null | undefined): boolean {
  return b == null || comparePositions(a, b) > 0;
}

/** "commit/prepare": the form positions take in the API, checkpoints and bundles. */
export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): Position {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text);
  if (!match) throw new Error(`Not a log position: ${text}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}
