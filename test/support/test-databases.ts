import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where end-to-end tests run their store and read models: always the embedded PGlite, and PostgreSQL too when
 * LEDGERDESK_TEST_DATABASE_URL names a server (CI creates one), each platform in a database of its own there.
 */
export type TestBackend = 'pglite' | 'postgres';
export const TEST_BACKENDS: TestBackend[] = process.env.LEDGERDESK_TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test server, named after the test database; dropped (connections and all) by drop(). */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  const base = process.env.LEDGERDESK_TEST_DATABASE_URL;
  if (!base) throw new Error('LEDGERDESK_TEST_DATABASE_URL is not set');
  const url = new URL(base);
  const name = `${url.pathname.slice(1) || 'ledgerdesk_test'}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
