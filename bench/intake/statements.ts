/**
 * BENCH_STATEMENTS=1: counts every SQL statement the platform sends while the load is measured, by kind, so
 * that a change in the statements per ticket shows (pg_stat_statements is not available on the bench machine).
 * Installed before the platform boots; only the bench loads this file. Counted where each backend sends:
 * PostgreSQL at `pg.Client.prototype.query` (the pool's queries and transactions go through it; one call is
 * one round trip, `BEGIN; SET LOCAL …` included), PGlite at `PgliteClient`'s query and its transactions'
 * queries (BEGIN and COMMIT are counted per transaction, as PGlite runs them).
 */
import pg from 'pg';
import { PgliteClient, type SqlExecutor } from '#event-store';

export class StatementCounter {
  private recording = false;
  private readonly counts = new Map<string, number>();
  /** Checkpoint upserts by checkpoint name (parameter $1). */
  private readonly checkpoints = new Map<string, number>();
  total = 0;

  private count(text: string, params: unknown[] | undefined): void {
    if (!this.recording) return;
    this.total += 1;
    const name = statementKind(text);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    if (name === 'checkpoint upsert') {
      // A multi-row upsert names several checkpoints: count each (the names are the text parameters).
      for (const param of params ?? []) {
        if (typeof param === 'string' && /^[a-z-]+\.[a-z0-9.-]+$/.test(param)) this.checkpoints.set(param, (this.checkpoints.get(param) ?? 0) + 1);
        if (Array.isArray(param)) for (const item of param) if (typeof item === 'string' && /^[a-z-]+\.[a-z0-9.-]+$/.test(item)) this.checkpoints.set(item, (this.checkpoints.get(item) ?? 0) + 1);
      }
    }
  }

  install(): void {
    const counter = this;
    const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client & { benchSampler?: boolean }, ...args: unknown[]) {
      if (!this.benchSampler) {
        const config = args[0] as string | { text?: string; values?: unknown[] } | undefined;
        const text = typeof config === 'string' ? config : (config?.text ?? '');
        const values = typeof config === 'string' ? (args[1] as unknown[] | undefined) : config?.values;
        counter.count(text, values);
      }
      return clientQuery.apply(this, args);
    };

    const proto = PgliteClient.prototype as unknown as {
      query: (text: string, params?: unknown[]) => Promise<unknown>;
      transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T>;
    };
    const query = proto.query;
    proto.query = function (this: PgliteClient, text: string, params?: unknown[]) {
      counter.count(text, params);
      return query.call(this, text, params);
    };
    const transaction = proto.transaction;
    proto.transaction = function <T>(this: PgliteClient, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      counter.count('BEGIN', undefined);
      return transaction
        .call(this, (tx: SqlExecutor) =>
          work({
            query: (text, params) => {
              counter.count(text, params);
              return tx.query(text, params);
            },
          }),
        )
        .finally(() => counter.count('COMMIT', undefined)) as Promise<T>;
    };
  }

  start(): void {
    this.counts.clear();
    this.checkpoints.clear();
    this.total = 0;
    this.recording = true;
  }

  stop(): void {
    this.recording = false;
  }

  /** A markdown table of statements per ticket opened, the most frequent first. */
  table(tickets: number): string {
    const per = (n: number) => (n / Math.max(1, tickets)).toFixed(2);
    const rows = [...this.counts.entries()].sort(([, a], [, b]) => b - a);
    const checkpoints = [...this.checkpoints.entries()].sort(([, a], [, b]) => b - a);
    return [
      '| statement | total | per ticket |',
      '|---|--:|--:|',
      `| **all statements** | ${this.total} | **${per(this.total)}** |`,
      ...rows.slice(0, 30).map(([name, n]) => `| ${name} | ${n} | ${per(n)} |`),
      ...(rows.length > 30 ? [`| (${rows.length - 30} other kinds) | ${rows.slice(30).reduce((s, [, n]) => s + n, 0)} | |`] : []),
      '',
      '| checkpoint written (rows of the checkpoint upserts) | total | per ticket |',
      '|---|--:|--:|',
      ...checkpoints.map(([name, n]) => `| ${name} | ${n} | ${per(n)} |`),
    ].join('\n');
  }
}

/** A statement's kind: the known ones by name, the others by the start of their text. */
export function statementKind(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim();
  if (q.startsWith('INSERT INTO event_store.streams')) return 'append: lock stream head';
  if (q.startsWith('WITH inserted AS')) return 'append: insert events + NOTIFY';
  if (q === 'COMMIT') return 'COMMIT';
  if (q.startsWith('BEGIN')) return 'BEGIN';
  if (q.includes('EXISTS ( SELECT 1 FROM event_store.events')) return 'poll: hidden events?';
  if (q.includes('FROM event_store.events WHERE transaction_id <')) return 'poll: readAll';
  if (q.startsWith('WITH guard AS MATERIALIZED')) return 'poll: readPage (+ hidden?)';
  if (q.includes('FROM event_store.events WHERE stream =')) return 'load stream';
  if (q.startsWith('INSERT INTO projections.checkpoints') || q.startsWith('WITH wanted') || q.includes('projections.checkpoints AS c')) return 'checkpoint upsert';
  if (q.includes('FROM projections.checkpoints')) return 'checkpoint read';
  if (q.startsWith('LISTEN')) return 'LISTEN';
  if (q === 'ROLLBACK') return 'ROLLBACK';
  if (q.startsWith('SELECT pg_notify')) return 'NOTIFY (separate statement)';
  return q.slice(0, 90).replaceAll('|', '/');
}
