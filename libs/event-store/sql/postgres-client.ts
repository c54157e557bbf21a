import pg from 'pg';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { assertStorableText } from '../text-safety.js';

export interface PostgresClientOptions {
  connectionString: string;
  maxConnections?: number;
  /** Milliseconds a statement may run before PostgreSQL cancels it. */
  statementTimeoutMs?: number;
}

/** Distinct statement texts sent as named prepared statements; beyond that, texts are parsed every time. */
const MAX_PREPARED = 500;
/** SQLSTATEs after which a connection's prepared statements cannot be trusted (a table changed shape under one). */
const STALE_PREPARED = new Set(['0A000', '26000']);

interface Listener {
  client: pg.Client | null;
  callbacks: Set<(payload: string) => void>;
  stopped: boolean;
  /** Settles once the first LISTEN is in place (later subscribers wait for it too). */
  ready: Promise<void>;
}

// int8 and numeric arrive as strings by default; the store asks for ::text where it needs exact bigints.
export class PostgresClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  /** One LISTEN connection per channel, shared by every subscriber of this client. */
  private readonly listeners = new Map<string, Listener>();
  /** Statement text → prepared statement name, the same on every connection of the pool. */
  private readonly prepared = new Map<string, string>();

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

  /**
   * A statement with parameters goes as a named prepared statement: each connection parses and plans its
   * text once (PostgreSQL re-plans it by itself when a table it reads changes), not on every execution.
   */
  private statement(text: string, params: unknown[]): pg.QueryConfig {
    if (params.length === 0) return { text, values: params };
    let name = this.prepared.get(text);
    if (name === undefined && this.prepared.size < MAX_PREPARED) {
      name = `ld_${this.prepared.size + 1}`;
      this.prepared.set(text, name);
    }
    assertStorableText(params, 'parameter');
    return name === undefined ? { text, values: params } : { name, text, values: params };
  }

  async query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
    // The pool drops a connection whose statement failed, and its prepared statements with it.
    const result = await this.pool.query(this.statement(text, params));
    return result.rows as Row[];
  }

  /**
   * Read-model work (projection batches with their checkpoints, timers, migrations) commits asynchronously:
   * visible at once, flushed by the WAL writer within a few milliseconds. A crash can lose at most that much,
   * and since each batch commits with its checkpoint, the projection replays it from the log, which is never
   * written here: appends are autocommit statements, durable before they return. Not waiting for the flush
   * frees the transaction id sooner — and the event store reads the log only below the oldest transaction id
   * still running, so a read-model commit waiting on the disk held every new event back from every reader.
   */
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let stale: Error | undefined;
    try {
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      const tx: SqlExecutor = {
        query: async <Row>(text: string, params: unknown[] = []) => (await client.query(this.statement(text, params))).rows as Row[],
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (STALE_PREPARED.has((error as { code?: string }).code ?? '')) stale = error as Error;
      throw error;
    } finally {
      client.release(stale);
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  /**
   * Every subscriber of a channel shares one LISTEN connection (a NOTIFY reaches the process once, not once
   * per subscriber). A dropped connection reconnects and calls every subscriber once, so nothing notified
   * meanwhile is missed. `onNotify` gets the NOTIFY's payload ('' after a reconnect).
   */
  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let listener = this.listeners.get(channel);
    if (!listener) {
      const created: Listener = { client: null, callbacks: new Set(), stopped: false, ready: Promise.resolve() };
      created.ready = this.connectListener(channel, created).catch((error: unknown) => {
        created.stopped = true; // no reconnecting: the caller hears of the failure
        if (this.listeners.get(channel) === created) this.listeners.delete(channel);
        throw error;
      });
      this.listeners.set(channel, created);
      listener = created;
    }
    listener.callbacks.add(onNotify);
    try {
      await listener.ready;
    } catch (error) {
      listener.callbacks.delete(onNotify);
      throw error;
    }
    const shared = listener;
    return async () => {
      shared.callbacks.delete(onNotify);
      if (shared.callbacks.size > 0 || this.listeners.get(channel) !== shared) return;
      shared.stopped = true;
      this.listeners.delete(channel);
      await shared.client?.end().catch(() => undefined);
    };
  }

  private async connectListener(channel: string, listener: Listener): Promise<void> {
    const next = new pg.Client({ connectionString: this.options.connectionString });
    next.on('notification', (message) => {
      if (message.channel !== channel) return;
      for (const callback of listener.callbacks) callback(message.payload ?? '');
    });
    let failed = false;
    next.on('error', () => {
      if (failed) return;
      failed = true;
      if (listener.client === next) listener.client = null;
      this.reconnectListener(channel, listener);
    });
    await next.connect();
    await next.query(`LISTEN ${quoteIdentifier(channel)}`);
    listener.client = next;
    if (listener.stopped) await next.end().catch(() => undefined);
  }

  private reconnectListener(channel: string, listener: Listener): void {
    if (listener.stopped) return;
    setTimeout(() => {
      if (listener.stopped) return;
      this.connectListener(channel, listener).then(
        () => {
          for (const callback of listener.callbacks) callback('');
        },
        () => this.reconnectListener(channel, listener),
      );
    }, 500);
  }

  async close(): Promise<void> {
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    for (const listener of listeners) listener.stopped = true;
    await Promise.all(listeners.map((listener) => listener.client?.end().catch(() => undefined)));
    await this.pool.end();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
