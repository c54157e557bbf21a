import { readFileSync } from 'node:fs';
import { PgliteClient } from '../sql/pglite-client.js';

/** An in-memory PGlite for a test, started from the run's snapshot when there is one (fast). */
export async function openTestPglite(): Promise<PgliteClient> {
  const snapshot = process.env.LEDGERDESK_TEST_PGLITE_SNAPSHOT;
  if (!snapshot) return PgliteClient.open();
  return PgliteClient.open({ loadDataDir: new Blob([readFileSync(snapshot)]) });
}
