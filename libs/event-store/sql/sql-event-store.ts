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
  StreamAppend,
  StreamAppendOutcome,
  StreamHead as RecordedStreamHead,
  StreamIntegrity,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { eventHashOfCanonical, verifyChain } from '../hash-chain.js';
import type { Position } from '../position.js';
import { PollingSubscription } from '../polling-subscription.js';
import { validateAppend, validateAppendMany, type PreparedEvent } from '../validation.js';
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

interface StreamHead {
  revision: number;
  hash: string | null;
}
const NO_STREAM_HEAD: StreamHead = { revision: -1, hash: null };
const HEAD_CACHE_SIZE = 50_000;
/** Subscribers in other processes re-check this often in case a NOTIFY was lost with its sender. */
const CROSS_PROCESS_RECHECK_MS = 5_000;

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
  /** Last known head per stream: an append needs no read first; a stale entry costs one retry. */
  private readonly heads = new Map<string, StreamHead>();
  private readonly localAppends = new EventEmitter().setMaxListeners(0);
  private notifying = false;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Counts wake-ups (appends here, NOTIFYs from elsewhere), taken before subscribers are woken. */
  private wakeGeneration = 0;
  private notifyAgain = false;
  /** Sent with this store's NOTIFYs, so that it does not wake its own subscribers a second time. */
  private readonly instanceId = randomUUID();
  /** The one LISTEN of this store (PostgreSQL), shared by its subscribers; started with the first. */
  private remote: { subscribers: number; stop: Promise<() => Promise<void>> } | null = null;

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
    const prepared = validateAppend(stream, events);
    for (let attempt = 1; ; attempt += 1) {
      const cached = this.heads.get(stream);
      let head = cached ?? (expectedRevision === 'no_stream' ? NO_STREAM_HEAD : await this.readHead(stream));
      if (!revisionMatches(expectedRevision, head.revision) && cached) head = await this.readHead(stream);
      if (!revisionMatches(expectedRevision, head.revision)) return this.refuse(stream, events, expectedRevision, head.revision);
      let written: AppendResult | null;
      try {
        written = await this.tryAppend(stream, prepared, head);
      } catch (error) {
        if (uniqueViolation(error) === 'events_pkey') {
          const repeat = await this.findRecorded(this.sql, stream, events);
          if (repeat) return repeat;
        }
        throw error;
      }
      if (written) return written;
      // The head moved since we read it (another writer, or another process): look again.
      this.heads.delete(stream);
      const actual = await this.readHead(stream);
      if (!revisionMatches(expectedRevision, actual.revision) || attempt >= 5) {
        return this.refuse(stream, events, expectedRevision, actual.revision);
      }
    }
  }

  /**
   * Many streams in one autocommit statement: each stream's head moves only if it is still where its events
   * were chained from (the cached head, or all uncached heads read with one statement), and only those
   * streams' events are inserted. A stream left out — its head moved, or its expected revision is not the head
   * we know — then goes through `append` alone, which reads its head again, answers an idempotent repeat from
   * the record, or refuses. An event id recorded already fails the statement: then every stream goes alone.
   */
  async appendMany(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const prepared = validateAppendMany(appends);
    if (appends.length <= 1) return Promise.all(appends.map((one) => this.appendOrConflict(one)));
    const unknown = appends.filter(({ stream, expectedRevision }) => expectedRevision !== 'no_stream' && !this.heads.has(stream)).map(({ stream }) => stream);
    const read = unknown.length > 0 ? await this.readHeads(unknown) : new Map<string, StreamHead>();
    const together: { index: number; head: StreamHead }[] = [];
    appends.forEach(({ stream, expectedRevision }, index) => {
      const head = this.heads.get(stream) ?? read.get(stream) ?? NO_STREAM_HEAD;
      if (revisionMatches(expectedRevision, head.revision)) together.push({ index, head });
    });
    const outcomes: (StreamAppendOutcome | undefined)[] = new Array(appends.length);
    if (together.length > 1) {
      let written = new Map<number, AppendResult>();
      try {
        written = await this.tryAppendMany(together.map(({ index, head }) => ({ stream: appends[index]!.stream, prepared: prepared[index]!, head, index })));
      } catch (error) {
        if (uniqueViolation(error) !== 'events_pkey') throw error;
      }
      for (const [index, result] of written) outcomes[index] = result;
    }
    for (const [index, one] of appends.entries()) {
      if (outcomes[index] === undefined) outcomes[index] = await this.appendOrConflict(one);
    }
    return outcomes as StreamAppendOutcome[];
  }

  private async appendOrConflict({ stream, events, expectedRevision }: StreamAppend): Promise<StreamAppendOutcome> {
    try {
      return await this.append(stream, events, expectedRevision);
    } catch (error) {
      if (error instanceof WrongExpectedVersion) return error;
      throw error;
    }
  }

  /** Heads of streams not in the cache, with one statement (a stream without a row is absent from the map). */
  private async readHeads(streams: readonly string[]): Promise<Map<string, StreamHead>> {
    const rows = await this.sql.query<{ stream: string; revision: number; last_hash: string | null }>(
      'SELECT stream, revision, last_hash FROM event_store.streams WHERE stream = ANY($1::text[])',
      [[...streams]],
    );
    const heads = new Map<string, StreamHead>();
    for (const row of rows) {
      const head = { revision: Number(row.revision), hash: row.last_hash };
      heads.set(row.stream, head);
      this.rememberHead(row.stream, head);
    }
    return heads;
  }

  /**
   * The statement of `appendMany`: the heads (in stream order, so two such statements lock rows in one order)
   * move where they are still at the revision chained from; the events of exactly those streams are inserted,
   * in the order given. Answers the appends written, by their index.
   */
  private async tryAppendMany(items: { stream: string; prepared: PreparedEvent[]; head: StreamHead; index: number }[]): Promise<Map<number, AppendResult>> {
    const headStreams: string[] = [];
    const fromRevisions: number[] = [];
    const lastRevisions: number[] = [];
    const lastHashes: (string | null)[] = [];
    const columns = emptyColumns();
    const { ids, streams, revisions, types, data, metadata, hashes, previousHashes } = columns;
    for (const { stream, prepared, head } of items) {
      const lastHash = chainInto(columns, stream, prepared, head);
      headStreams.push(stream);
      fromRevisions.push(head.revision);
      lastRevisions.push(head.revision + prepared.length);
      lastHashes.push(lastHash);
    }
    const rows = await this.sql.query<{ stream: string; commit_position: string; prepare_position: string }>(
      `WITH input AS MATERIALIZED (
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS i(stream, from_revision, revision, last_hash)
       ),
       head AS (
         INSERT INTO event_store.streams AS s (stream, revision, last_hash)
         SELECT stream, revision, last_hash FROM input ORDER BY stream
         ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash
           WHERE s.revision = (SELECT i.from_revision FROM input i WHERE i.stream = s.stream)
         RETURNING s.stream
       )
       INSERT INTO event_store.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
       SELECT e.id, e.stream, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $5
       FROM unnest($6::uuid[], $7::text[], $8::int[], $9::text[], $10::jsonb[], $11::jsonb[], $12::text[], $13::text[])
         WITH ORDINALITY AS e(id, stream, revision, type, data, metadata, hash, previous_hash, n)
       WHERE e.stream IN (SELECT stream FROM head)
       ORDER BY e.n
       RETURNING stream, transaction_id::text AS commit_position, seq::text AS prepare_position`,
      [headStreams, fromRevisions, lastRevisions, lastHashes, this.now(), ids, streams, revisions, types, data, metadata, hashes, previousHashes],
    );
    const last = new Map<string, { commit_position: string; prepare_position: string }>();
    for (const row of rows) {
      const seen = last.get(row.stream);
      if (!seen || BigInt(row.prepare_position) > BigInt(seen.prepare_position)) last.set(row.stream, row);
    }
    const written = new Map<number, AppendResult>();
    items.forEach(({ stream, index }, at) => {
      const row = last.get(stream);
      if (!row) {
        this.heads.delete(stream); // its head moved: `append` reads it again
        return;
      }
      this.rememberHead(stream, { revision: lastRevisions[at]!, hash: lastHashes[at]! });
      written.set(index, {
        nextExpectedRevision: lastRevisions[at]!,
        position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
        alreadyRecorded: false,
      });
    });
    if (rows.length > 0) this.announceAppend();
    return written;
  }

  /**
   * One autocommit statement: move the stream's head if it is still where we chained from, and insert the
   * events only then. A concurrent writer waits on the head row's lock and then finds it moved (no rows).
   */
  private async tryAppend(stream: string, prepared: PreparedEvent[], head: StreamHead): Promise<AppendResult | null> {
    const columns = emptyColumns();
    const lastHash = chainInto(columns, stream, prepared, head);
    const { ids, revisions, types, data, metadata, hashes, previousHashes } = columns;
    const lastRevision = head.revision + prepared.length;
    const single = prepared.length === 1;
    const rows = await this.sql.query<{ commit_position: string; prepare_position: string }>(
      `WITH head AS (
         INSERT INTO event_store.streams AS s (stream, revision, last_hash) VALUES ($1, $2, $3)
         ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash
           WHERE s.revision = $4
         RETURNING 1
       )
       INSERT INTO event_store.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
       ${
         single
           ? 'SELECT $6::uuid, $1, $7::int, $8::text, $9::jsonb, $10::jsonb, $11::text, $12::text, $5'
           : `SELECT e.id, $1, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $5
              FROM unnest($6::uuid[], $7::int[], $8::text[], $9::jsonb[], $10::jsonb[], $11::text[], $12::text[])
                AS e(id, revision, type, data, metadata, hash, previous_hash)`
       }
       WHERE EXISTS (SELECT 1 FROM head)
       RETURNING transaction_id::text AS commit_position, seq::text AS prepare_position`,
      [
        stream,
        lastRevision,
        lastHash,
        head.revision,
        this.now(),
        ...(single ? [ids[0], revisions[0], types[0], data[0], metadata[0], hashes[0], previousHashes[0]] : [ids, revisions, types, data, metadata, hashes, previousHashes]),
      ],
    );
    if (rows.length === 0) return null;
    this.rememberHead(stream, { revision: lastRevision, hash: lastHash });
    this.announceAppend();
    const last = rows.reduce((a, b) => (BigInt(b.prepare_position) > BigInt(a.prepare_position) ? b : a));
    return {
      nextExpectedRevision: lastRevision,
      position: { commit: BigInt(last.commit_position), prepare: BigInt(last.prepare_position) },
      alreadyRecorded: false,
    };
  }

  private async refuse(stream: string, events: NewEvent[], expected: ExpectedRevision, actual: number): Promise<AppendResult> {
    const repeat = await this.findRecorded(this.sql, stream, events);
    if (repeat) return repeat;
    throw new WrongExpectedVersion(stream, expected, actual);
  }

  private async readHead(stream: string): Promise<StreamHead> {
    const [row] = await this.sql.query<{ revision: number; last_hash: string | null }>(
      'SELECT revision, last_hash FROM event_store.streams WHERE stream = $1',
      [stream],
    );
    const head = row ? { revision: Number(row.revision), hash: row.last_hash } : NO_STREAM_HEAD;
    if (row) this.rememberHead(stream, head);
    return head;
  }

  private rememberHead(stream: string, head: StreamHead): void {
    if (this.heads.size >= HEAD_CACHE_SIZE) this.heads.clear();
    this.heads.set(stream, head);
  }

  /**
   * Wakes subscribers. In this process directly; other processes (PostgreSQL only) by a NOTIFY sent after
   * the commit — inside the append it would serialize every commit on PostgreSQL's notification lock. At
   * most one NOTIFY is in flight; appends meanwhile are covered by the next one.
   */
  private announceAppend(): void {
    this.wakeGeneration += 1;
    this.localAppends.emit('append');
    if (this.sql.kind !== 'postgres') return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    void this.sql
      .query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify('${EVENTS_CHANNEL}', '${this.instanceId}')`)
      .catch(() => undefined)
      .finally(() => {
        this.notifying = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.announceAppend();
        }
      });
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

  /** Several whole streams with one statement (a broadcast's thousands of tickets), each in revision order. */
  async readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const read = new Map<string, RecordedEvent[]>(streams.map((stream) => [stream, []]));
    if (streams.length === 0) return read;
    const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM event_store.events WHERE stream = ANY($1::text[]) ORDER BY stream, revision`, [[...new Set(streams)]]);
    for (const row of rows) read.get(row.stream)!.push(toRecordedEvent(row));
    return read;
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

  /**
   * A subscription's page: what `readAll` returns, and in the same statement (the same snapshot) whether
   * anything after `after` is recorded but still hidden behind the guard — which, for a page shorter than
   * asked, is exactly "is anything recorded after the last event returned?" (`hasEventsBehindGuard`). Events
   * committed after that snapshot need no such question: their writers wake every subscriber once committed.
   */
  private async readPage(after: Position | null, maxCount: number): Promise<{ events: RecordedEvent[]; hidden: boolean }> {
    const from = after ?? { commit: 0n, prepare: 0n };
    const rows = await this.sql.query<EventRow & { hidden: boolean }>(
      `WITH guard AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
       page AS (
         SELECT e.transaction_id AS page_transaction, e.seq AS page_seq, e.id::text AS id, e.stream, e.revision, e.type, e.data,
           e.metadata, e.hash, e.previous_hash, e.transaction_id::text AS commit_position, e.seq::text AS prepare_position, e.recorded_at
         FROM event_store.events e
         WHERE e.transaction_id < (SELECT xmin FROM guard) AND (e.transaction_id, e.seq) > ($1::bigint, $2::bigint)
         ORDER BY e.transaction_id, e.seq LIMIT $3
       ),
       hidden AS (
         -- a scalar subquery in index order (an EXISTS would drop the ORDER BY … LIMIT 1 and scan)
         SELECT (
           SELECT 1 FROM event_store.events h
           WHERE h.transaction_id >= (SELECT xmin FROM guard) AND (h.transaction_id, h.seq) > ($1::bigint, $2::bigint)
           ORDER BY h.transaction_id, h.seq LIMIT 1
         ) IS NOT NULL AS hidden
       )
       SELECT page.*, hidden.hidden FROM hidden LEFT JOIN page ON true
       ORDER BY page.page_transaction, page.page_seq`,
      [from.commit.toString(), from.prepare.toString(), maxCount],
    );
    const hidden = Boolean(rows[0]?.hidden);
    return { events: rows.filter((row) => row.id !== null).map(toRecordedEvent), hidden };
  }

  /**
   * Is anything recorded after `after` that the last read did not return? Asked without the xmin guard: an
   * older transaction that hid an event may have ended since the read — without a NOTIFY of its own — and the
   * event is readable now. In index order with LIMIT 1, so it costs one index probe, not a scan.
   */
  async hasEventsBehindGuard(after: Position | null): Promise<boolean> {
    const from = after ?? { commit: 0n, prepare: 0n };
    const rows = await this.sql.query(
      `SELECT 1 FROM event_store.events WHERE (transaction_id, seq) > ($1::bigint, $2::bigint)
       ORDER BY transaction_id, seq LIMIT 1`,
      [from.commit.toString(), from.prepare.toString()],
    );
    return rows.length > 0;
  }

  /**
   * The platform's projections each follow the log, usually from the same position: identical reads issued
   * at the same moment share one query. Safe because a subscriber that joins a read begun before an append
   * has also been woken by that append, and reads again.
   */
  private shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const started = read().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    // Keys carry the wake generation: a read started before the latest append is never shared after it.
    const at = (after: Position | null) => `${this.wakeGeneration}:${after ? `${after.commit}/${after.prepare}` : 'start'}`;
    // The answer to "anything hidden after the last event read?" comes with a short page (same statement).
    let answered: { after: Position | null; hidden: boolean } | null = null;
    return new PollingSubscription(
      {
        read: async (after, maxCount) => {
          const page = await this.shared(`read:${at(after)}:${maxCount}`, () => this.readPage(after, maxCount));
          answered = page.events.length < maxCount ? { after: page.events.at(-1)?.position ?? after, hidden: page.hidden } : null;
          return page.events;
        },
        hasHiddenEvents: (after) => {
          const known = answered;
          answered = null;
          if (known && samePosition(known.after, after)) return Promise.resolve(known.hidden);
          return this.shared(`hidden:${at(after)}`, () => this.hasEventsBehindGuard(after));
        },
        listen: (wake) => this.listen(wake),
      },
      { ...options, recheckMs: this.sql.kind === 'postgres' ? CROSS_PROCESS_RECHECK_MS : undefined },
    );
  }

  /**
   * Subscribers are woken by this store's appends directly and, on PostgreSQL, by other processes' NOTIFYs
   * through one LISTEN connection per store: a NOTIFY bumps the wake generation once and wakes every
   * subscriber, so those at the same position share one read. The store's own NOTIFYs (its payload) are
   * skipped: its append already woke them.
   */
  private async listen(wake: () => void): Promise<() => Promise<void>> {
    this.localAppends.on('append', wake);
    if (this.sql.kind !== 'postgres') return async () => void this.localAppends.off('append', wake);
    if (!this.remote) {
      const onNotify = (payload: string) => {
        if (payload === this.instanceId) return;
        this.wakeGeneration += 1;
        this.localAppends.emit('append');
      };
      this.remote = { subscribers: 0, stop: this.sql.listen(EVENTS_CHANNEL, onNotify) };
    }
    const remote = this.remote;
    remote.subscribers += 1;
    try {
      await remote.stop;
    } catch (error) {
      remote.subscribers -= 1;
      if (this.remote === remote) this.remote = null;
      this.localAppends.off('append', wake);
      throw error;
    }
    return async () => {
      this.localAppends.off('append', wake);
      remote.subscribers -= 1;
      if (remote.subscribers > 0 || this.remote !== remote) return;
      this.remote = null;
      await (await remote.stop)();
    };
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

  async streamHead(stream: string): Promise<RecordedStreamHead | null> {
    const [head] = await this.sql.query<{ revision: number; last_hash: string | null }>(
      'SELECT revision, last_hash FROM event_store.streams WHERE stream = $1',
      [stream],
    );
    return head?.last_hash ? { revision: Number(head.revision), hash: head.last_hash } : null;
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

function samePosition(a: Position | null, b: Position | null): boolean {
  return a === b || (a !== null && b !== null && a.commit === b.commit && a.prepare === b.prepare);
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

/** The events table's columns of an insert, one entry per event. */
interface EventColumns {
  ids: string[];
  streams: string[];
  revisions: number[];
  types: string[];
  data: string[];
  metadata: string[];
  hashes: string[];
  previousHashes: (string | null)[];
}

const emptyColumns = (): EventColumns => ({ ids: [], streams: [], revisions: [], types: [], data: [], metadata: [], hashes: [], previousHashes: [] });

/** Adds one stream's events to the columns, each chained to the one before it (the first to the head); returns the last hash. */
function chainInto(columns: EventColumns, stream: string, prepared: readonly PreparedEvent[], head: StreamHead): string | null {
  let previousHash = head.hash;
  for (const [offset, { event, data, metadata }] of prepared.entries()) {
    const revision = head.revision + 1 + offset;
    const hash = eventHashOfCanonical(stream, revision, event.type, data, metadata, previousHash);
    columns.ids.push(event.id);
    columns.streams.push(stream);
    columns.revisions.push(revision);
    columns.types.push(event.type);
    columns.data.push(data);
    columns.metadata.push(metadata);
    columns.hashes.push(hash);
    columns.previousHashes.push(previousHash);
    previousHash = hash;
  }
  return previousHash;
}
