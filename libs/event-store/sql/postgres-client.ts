import pg from 'pg';
import type { SqlClient, SqlExecutor } from './sql-client.js';

export interface PostgresClientOptions {
  connectionString: string;
  maxConnections?: number;
  /** Milliseconds a statement may run before PostgreSQL cancels it. */
  statementTimeoutMs?: number;
}

// int8 and numeric arrive as strings by default; the store asks for ::text where it needs exact bigints.
export class PostgresClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly listeners = new Set<pg.Client>();

  constructor(private readonly options: PostgresClientOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 20,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client that loses its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query(text, params);
    return result.rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = {
        query: async <Row>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as Row[],
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: this.options.connectionString });
      next.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      // A dropped listener reconnects and wakes its subscriber once, so nothing notified meanwhile is missed.
      next.on('error', () => {
        this.listeners.delete(next);
        if (!stopped) setTimeout(() => void connect().then(onNotify, () => undefined), 500);
      });
      await next.connect();
      await next.query(`LISTEN ${quoteIdentifier(channel)}`);
      client = next;
      this.listeners.add(next);
    };
    await connect();
    return async () => {
      stopped = true;
      if (client) {
        this.listeners.delete(client);
        await client.end().catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((client) => client.end().catch(() => undefined)));
    await this.pool.end();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
