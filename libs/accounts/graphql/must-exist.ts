/** After read-your-writes the row is there; if not, that is a bug, not the client's fault. */
export function mustExist<T>(row: T | null | undefined): T {
  if (row === null || row === undefined) throw new Error('The read model does not show a write it has acknowledged');
  return row;
}
