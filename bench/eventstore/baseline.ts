/**
 * The BASELINE the event store is measured against: plain SQL on a table with the same columns and the
 * same unique constraints as `event_store.events`, written through the same SqlClient (so the same
 * driver and pool), without the head row, the hash chain or the NOTIFY. Like the store's append, each write
 * is one autocommit statement, durable when it returns (`SqlClient.transaction` commits read-model work
 * asynchronously on PostgreSQL, which would make the baseline cheaper than any durable write).
 *
 * It lives in the schema `bench_baseline`, created and dropped by the bench itself.
 */
import type { NewEvent, SqlClient } from '#event-store';

export const BASELINE_SCHEMA = 'bench_baseline';

/** One row as the baseline writes it: the event plus a stream, a revision and a precomputed hash pair. */
export interface BaselineRow {
  event: NewEvent;
  stream: string;
  revision: number;
  hash: string;
  previousHash: string | null;
}

export interface BaselineReadRow {
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: unknown;
  hash: string;
  previous_hash: string | null;
  seq: string;
  recorded_at: Date | string;
}

export class BaselineTable {
  constructor(
    private readonly sql: SqlClient,
    readonly schema: string = BASELINE_SCHEMA,
  ) {}

  async create(): Promise<void> {
    await this.drop();
    await this.sql.exec(`
      CREATE SCHEMA ${this.schema};
      CREATE TABLE ${this.schema}.events (
        seq           bigint GENERATED ALWAYS AS IDENTITY,
        id            uuid        NOT NULL,
        stream        text        NOT NULL,
        revision      integer     NOT NULL,
        type          text        NOT NULL,
        data          jsonb       NOT NULL,
        metadata      jsonb       NOT NULL,
        hash          text        NOT NULL,
        previous_hash text,
        recorded_at   timestamptz NOT NULL,
        CONSTRAINT baseline_events_pkey PRIMARY KEY (id),
        CONSTRAINT baseline_events_stream_revision UNIQUE (stream, revision)
      );
      -- The store keeps an index for its global order (transaction_id, seq); the baseline pages by seq,
      -- so it gets the matching one (same number of indexes to maintain on write, an index scan on read).
      CREATE INDEX baseline_events_seq ON ${this.schema}.events (seq);
    `);
  }

  async drop(): Promise<void> {
    await this.sql.exec(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  /** One autocommit INSERT of one row. */
  async appendOne(row: BaselineRow, now: Date): Promise<void> {
    const { event } = row;
    await this.sql.query(
        `INSERT INTO ${this.schema}.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          event.id,
          row.stream,
          row.revision,
          event.type,
          JSON.stringify(event.data ?? null),
          JSON.stringify(event.metadata),
          row.hash,
          row.previousHash,
          now,
        ],
      );
  }

  /** One autocommit INSERT … SELECT FROM unnest(...) of all rows (one stream). */
  async appendBatch(stream: string, rows: readonly BaselineRow[], now: Date): Promise<void> {
    const ids: string[] = [];
    const revisions: number[] = [];
    const types: string[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    const hashes: string[] = [];
    const previousHashes: (string | null)[] = [];
    for (const row of rows) {
      ids.push(row.event.id);
      revisions.push(row.revision);
      types.push(row.event.type);
      data.push(JSON.stringify(row.event.data ?? null));
      metadata.push(JSON.stringify(row.event.metadata));
      hashes.push(row.hash);
      previousHashes.push(row.previousHash);
    }
    await this.sql.query(
        `INSERT INTO ${this.schema}.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
         SELECT e.id, $1, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $9
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])
           AS e(id, revision, type, data, metadata, hash, previous_hash)`,
        [stream, ids, revisions, types, data, metadata, hashes, previousHashes, now],
      );
  }

  /** One page in global order, keyed by seq (exclusive). */
  async readPage(afterSeq: string, limit: number): Promise<BaselineReadRow[]> {
    return this.sql.query<BaselineReadRow>(
      `SELECT id, stream, revision, type, data, metadata, hash, previous_hash, seq, recorded_at
       FROM ${this.schema}.events WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
  }

  async count(): Promise<number> {
    const [row] = await this.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${this.schema}.events`);
    return Number(row?.n ?? 0);
  }
}
