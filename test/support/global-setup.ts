import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Creating a PGlite database (initdb in WebAssembly) takes seconds; loading a dump takes a fraction of
 * that. One empty database is dumped once per run, and tests start theirs from it.
 */
export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerdesk-test-'));
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  const path = join(dir, 'empty-pglite.tar');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  process.env.LEDGERDESK_TEST_PGLITE_SNAPSHOT = path;
  return () => rmSync(dir, { recursive: true, force: true });
}
