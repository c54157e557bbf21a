import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { assertStorableText } from '../text-safety.js';
import { DataDirectoryLock } from './data-directory-lock.js';

export interface PgliteClientOptions {
  /** A directory for durable data; omit for an in-memory database. */
  dataDir?: string;
  /** A tarball from `dumpDataDir()` to start from (tests start from a migrated snapshot). */
  loadDataDir?: Blob | File;
}

/** Embedded PostgreSQL: one connection, so PGlite itself serializes statements and transactions. */
export class PgliteClient implements SqlClient {
  readonly kind = 'pglite' as const;

  private constructor(
    readonly db: PGlite,
    private readonly lock: DataDirectoryLock | null,
  ) {}

  static async open(options: PgliteClientOptions = {}): Promise<PgliteClient> {
    const lock = options.dataDir ? DataDirectoryLock.acquire(options.dataDir) : null;
    try {
      const db = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
      return new PgliteClient(db, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  async query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
    assertStorableText(params, 'parameter');
    return (await this.db.query<Row>(text, params)).rows;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({
        query: async <Row>(text: string, params: unknown[] = []) => {
          assertStorableText(params, 'parameter');
          return (await tx.query<Row>(text, params)).rows;
        },
      }),
    );
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, (payload) => onNotify(payload ?? ''));
    return async () => unlisten();
  }

  /** A snapshot of the whole database, to start other instances from. */
  async dump(): Promise<Blob | File> {
    return this.db.dumpDataDir('none');
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
