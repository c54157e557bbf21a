import { DuplicateEventId, WrongExpectedVersion } from '../errors.js';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamIntegrity,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import { eventHash, verifyChain } from '../hash-chain.js';
import type { Position } from '../position.js';
import { PollingSubscription } from '../polling-subscription.js';
import { validateAppend } from '../validation.js';
import { migrateEventStore } from './schema.js';
import { uniqueViolation, type SqlClient, type SqlExecutor } from './sql-client.js';

export const EVENTS_CHANNEL = 'ledgerdesk_events';

const COLUMNS = `id::text AS id, stream, revision, type, data, metadata, hash, previous_hash,
  transaction_id::text AS commit_position, seq::text AS prepare_position, recorded_at`;

interface EventRow {
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  hash: string;
  previous_hash: string | null;
  commit_position: string;
  prepare_position: string;
  recorded_at: Date | string;
}

export interface SqlEventStoreOptions {
  /** The instant recorded with each append (the platform's clock, so a manual clock dates the record too). */
  now?: () => Date;
  /** Whether `close()` also closes the SQL client (false when read models share it). */
  ownsClient?: boolean;
}

/**
 * The event store on PostgreSQL or PGlite (same SQL). Per-stream optimistic concurrency comes from a row
 * lock on the stream's head; the global order is (transaction id, sequence), read only below the oldest
 * transaction still running, so a reader never passes an event that commits later.
 */
export class SqlEventStore implements EventStore {
  readonly kind: 'pglite' | 'postgres';
  private readonly now: () => Date;

  private constructor(
    readonly sql: SqlClient,
    private readonly options: SqlEventStoreOptions,
  ) {
    this.kind = sql.kind;
    this.now = options.now ?? (() => new Date());
  }

  static async open(sql: SqlClient, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    await migrateEventStore(sql);
    return new SqlEventStore(sql, options);
  }

  async append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    validateAppend(stream, events);
    try {
      return await this.sql.transaction((tx) => this.appendInTransaction(tx, stream, events, expectedRevision));
    } catch (error) {
      if (uniqueViolation(error) === 'events_pkey') {
        const repeat = await this.findRecorded(this.sql, stream, events);
        if (repeat) return repeat;
      }
      throw error;
    }
  }

  private async appendInTransaction(
    tx: SqlExecutor,
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    // Creates the head row or locks the existing one: concurrent writers to one stream queue here.
    const [head] = await tx.query<{ revision: number; last_hash: string | null }>(
      `INSERT INTO event_store.streams AS s (stream, revision, last_hash) VALUES ($1, -1, NULL)
       ON CONFLICT (stream) DO UPDATE SET stream = EXCLUDED.stream
       RETURNING s.revision, s.last_hash`,
      [stream],
    );
    const current = Number(head!.revision);
    if (!revisionMatches(expected, current)) {
      const repeat = await this.findRecorded(tx, stream, events);
      if (repeat) return repeat;
      throw new WrongExpectedVersion(stream, expected, current);
    }

    let previousHash = head!.last_hash;
    const ids: string[] = [];
    const revisions: number[] = [];
    const types: string[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    const hashes: string[] = [];
    const previousHashes: (string | null)[] = [];
    for (const [index, event] of events.entries()) {
      const revision = current + 1 + index;
      const hash = eventHash({ stream, revision, type: event.type, data: event.data, metadata: event.metadata, previousHash });
      ids.push(event.id);
      revisions.push(revision);
      types.push(event.type);
      data.push(JSON.stringify(event.data ?? null));
      metadata.push(JSON.stringify(event.metadata));
      hashes.push(hash);
      previousHashes.push(previousHash);
      previousHash = hash;
    }
    const lastRevision = current + events.length;
    const [inserted] = await tx.query<{ commit_position: string; prepare_position: string }>(
      `WITH inserted AS (
         INSERT INTO event_store.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
         SELECT e.id, $1, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $9
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])
           AS e(id, revision, type, data, metadata, hash, previous_hash)
         RETURNING transaction_id, seq
       ), head AS (
         UPDATE event_store.streams SET revision = $10, last_hash = $11 WHERE stream = $1
       )
       SELECT transaction_id::text AS commit_position, max(seq)::text AS prepare_position, pg_notify('${EVENTS_CHANNEL}', '')
       FROM inserted GROUP BY transaction_id`,
      [stream, ids, revisions, types, data, metadata, hashes, previousHashes, this.now(), lastRevision, previousHash],
    );
    return {
      nextExpectedRevision: lastRevision,
      position: { commit: BigInt(inserted!.commit_position), prepare: BigInt(inserted!.prepare_position) },
      alreadyRecorded: false,
    };
  }

  /** An append repeated (a retry, a timer firing twice) is answered from the record, writing nothing. */
  private async findRecorded(sql: SqlExecutor, stream: string, events: NewEvent[]): Promise<AppendResult | null> {
    const rows = await sql.query<{ id: string; stream: string; revision: number; commit_position: string; prepare_position: string }>(
      `SELECT id::text AS id, stream, revision, transaction_id::text AS commit_position, seq::text AS prepare_position
       FROM event_store.events WHERE id = ANY($1::uuid[]) ORDER BY revision`,
      [events.map((event) => event.id)],
    );
    if (rows.length === 0) return null;
    const elsewhere = rows.filter((row) => row.stream !== stream);
    if (rows.length !== events.length || elsewhere.length > 0) {
      throw new DuplicateEventId((elsewhere.length ? elsewhere : rows).map((row) => row.id));
    }
    const last = rows[rows.length - 1]!;
    const [head] = await sql.query<{ revision: number }>('SELECT revision FROM event_store.streams WHERE stream = $1', [stream]);
    return {
      nextExpectedRevision: Number(head?.revision ?? last.revision),
      position: { commit: BigInt(last.commit_position), prepare: BigInt(last.prepare_position) },
      alreadyRecorded: true,
    };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 2_147_483_647 : 0);
    const rows = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_store.events
       WHERE stream = $1 AND revision ${backwards ? '<=' : '>='} $2
       ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [stream, from, options.maxCount ?? 2_147_483_647],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? { commit: 0n, prepare: 0n };
    const rows = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_store.events
       WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         AND (transaction_id, seq) > ($1::bigint, $2::bigint)
       ORDER BY transaction_id, seq LIMIT $3`,
      [after.commit.toString(), after.prepare.toString(), options.maxCount ?? 1000],
    );
    return rows.map(toRecordedEvent);
  }

  /** Are there committed events after `after` that the xmin guard still hides? Then look again soon. */
  async hasEventsBehindGuard(after: Position | null): Promise<boolean> {
    const from = after ?? { commit: 0n, prepare: 0n };
    const [row] = await this.sql.query<{ pending: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM event_store.events
         WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint
           AND (transaction_id, seq) > ($1::bigint, $2::bigint)
       ) AS pending`,
      [from.commit.toString(), from.prepare.toString()],
    );
    return Boolean(row?.pending);
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    return new PollingSubscription(
      {
        read: (after, maxCount) => this.readAll({ after, maxCount }),
        hasHiddenEvents: (after) => this.hasEventsBehindGuard(after),
        listen: (wake) => this.sql.listen(EVENTS_CHANNEL, wake),
      },
      options,
    );
  }

  async verifyStream(stream: string): Promise<StreamIntegrity> {
    const events = await this.readStream(stream);
    const report = verifyChain(stream, events);
    if (!report.valid) return report;
    // The head row is written with every append: a tail deleted behind the store's back shows here.
    const [head] = await this.sql.query<{ revision: number; last_hash: string | null }>(
      'SELECT revision, last_hash FROM event_store.streams WHERE stream = $1',
      [stream],
    );
    const headRevision = head ? Number(head.revision) : -1;
    if (headRevision !== events.length - 1 || (head?.last_hash ?? null) !== report.headHash) {
      return {
        ...report,
        valid: false,
        headHash: null,
        brokenAtRevision: events.length,
        problem: `the stream's head says revision ${headRevision} but the events end at ${events.length - 1}`,
      };
    }
    return report;
  }

  async headPosition(): Promise<Position | null> {
    const [row] = await this.sql.query<{ commit_position: string; prepare_position: string }>(
      `SELECT transaction_id::text AS commit_position, seq::text AS prepare_position FROM event_store.events
       WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
       ORDER BY transaction_id DESC, seq DESC LIMIT 1`,
    );
    return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : null;
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.options.ownsClient !== false) await this.sql.close();
  }
}

function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1;
  return expected === current;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: Number(row.revision),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    hash: row.hash,
    previousHash: row.previous_hash,
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}
