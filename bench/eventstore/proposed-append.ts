/**
 * A PROTOTYPE of the append path proposed for libs/event-store/sql/sql-event-store.ts, used only by
 * bench/eventstore/diagnose.ts to show what the change would buy. It writes to a clone of the store's tables
 * in another schema. It is not the store: the idempotent-repeat lookup (findRecorded) and the error mapping
 * are left out; everything on the fast path (what the benchmark exercises) is there.
 *
 * What changes against today's append (upsert-lock head; INSERT…unnest + UPDATE head + pg_notify; COMMIT):
 *   1. ONE autocommit statement instead of BEGIN; 2 statements; COMMIT. The head row is moved only if it is
 *      still at the revision (and hash) the events were chained on; if it is not, nothing is inserted and the
 *      statement returns no row. The previous hash comes from a per-store cache of stream heads (filled by
 *      every append; new streams need none); on a miss, one plain SELECT of the head first. Concurrent
 *      writers to one stream still queue on the head row's lock inside the statement, and the loser sees
 *      the winner's revision (READ COMMITTED re-check of the ON CONFLICT … WHERE), so it fails cleanly.
 *   2. On PostgreSQL, no pg_notify inside the append: NOTIFY takes a database-wide lock at pre-commit and
 *      holds it through the commit's WAL flush, so notifying transactions commit one at a time. The wake-up
 *      is sent after the commit instead, coalesced (at most one in flight), with asynchronous commit.
 *      On PGlite (one connection, in-process) the pg_notify stays in the statement: it is cheap there.
 *   3. data and metadata are serialized once (canonical JSON) and that one string is used for the size
 *      check, the hash and the jsonb parameter.
 *   4. One event: INSERT … SELECT of scalars (no unnest of 1-element arrays). Several: the position comes from
 *      pg_current_xact_id() and max(seq) — every row carries this transaction's id — instead of GROUP BY.
 */
import { createHash } from 'node:crypto';
import { EventTooLarge, MAX_EVENT_BYTES, WrongExpectedVersion, type ExpectedRevision, type NewEvent, type SqlClient } from '#event-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 8785 canonical JSON for plain JSON values (what `canonicalize` produces, without its reduce/concat garbage). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error('Event content cannot be serialized');
    return text;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += (i ? ',' : '') + (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : canonicalJson(item));
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(item);
    first = false;
  }
  return out + '}';
}

/** Same digest as hash-chain.ts eventHash(): the envelope's keys are already in canonical order. */
export function envelopeHash(stream: string, revision: number, type: string, data: string, metadata: string, previousHash: string | null): string {
  return createHash('sha256')
    .update(
      `{"data":${data},"metadata":${metadata},"previousHash":${previousHash === null ? 'null' : JSON.stringify(previousHash)},` +
        `"revision":${revision},"stream":${JSON.stringify(stream)},"type":${JSON.stringify(type)}}`,
    )
    .digest('hex');
}

interface Head {
  revision: number;
  hash: string | null;
}

export interface ProposedOptions {
  schema: string;
  channel: string;
  /** 'statement': pg_notify inside the append statement; 'after-commit': coalesced, asynchronous commit. */
  notify: 'statement' | 'after-commit';
}

export class ProposedAppender {
  private readonly heads = new Map<string, Head>();
  private notifyInFlight: Promise<void> | null = null;
  private notifyAgain = false;
  private readonly single: string;
  private readonly batch: string;

  constructor(
    private readonly sql: SqlClient,
    private readonly options: ProposedOptions,
  ) {
    const { schema, channel } = options;
    const notify = options.notify === 'statement' ? `, pg_notify('${channel}', '')` : '';
    // $1 stream, $2 next revision (last of the append), $3 new head hash, $4 expected current revision,
    // $5 expected current head hash, $6 recorded_at, then the events.
    const head = `head AS (
         INSERT INTO ${schema}.streams AS s (stream, revision, last_hash) VALUES ($1, $2, $3)
         ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash
           WHERE s.revision = $4 AND s.last_hash IS NOT DISTINCT FROM $5
         RETURNING 1
       )`;
    // One event: INSERT … SELECT of scalars, no arrays and no aggregate (cheaper to bind and plan, notably on PGlite).
    this.single = `WITH ${head}
       INSERT INTO ${schema}.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
       SELECT $7::uuid, $1, $2, $8, $9::jsonb, $10::jsonb, $3, $5, $6 WHERE EXISTS (SELECT 1 FROM head)
       RETURNING transaction_id::text AS commit_position, seq::text AS prepare_position${notify}`;
    this.batch = `WITH ${head}, inserted AS (
         INSERT INTO ${schema}.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
         SELECT e.id, $1, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $6
         FROM unnest($7::uuid[], $8::int[], $9::text[], $10::jsonb[], $11::jsonb[], $12::text[], $13::text[])
           AS e(id, revision, type, data, metadata, hash, previous_hash)
         WHERE EXISTS (SELECT 1 FROM head)
         RETURNING seq
       )
       -- every row's transaction_id is this transaction's id: one aggregate, no GROUP BY (a hash aggregate per row)
       SELECT pg_current_xact_id()::text AS commit_position, max(seq)::text AS prepare_position${notify}
       FROM inserted HAVING count(*) > 0`;
  }

  async append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<{ nextExpectedRevision: number }> {
    if (!stream || stream.length > 200 || events.length === 0) throw new Error('invalid append');
    const data: string[] = [];
    const metadata: string[] = [];
    for (const event of events) {
      if (!UUID.test(event.id) || !event.type || event.type.length > 200) throw new Error('invalid event');
      const eventData = canonicalJson(event.data ?? null);
      const eventMetadata = canonicalJson(event.metadata);
      const bytes = Buffer.byteLength(eventData) + Buffer.byteLength(eventMetadata);
      if (bytes > MAX_EVENT_BYTES) throw new EventTooLarge(event.id, bytes, MAX_EVENT_BYTES);
      data.push(eventData);
      metadata.push(eventMetadata);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const head = await this.headFor(stream, expected);
      const ids: string[] = [];
      const revisions: number[] = [];
      const types: string[] = [];
      const hashes: string[] = [];
      const previousHashes: (string | null)[] = [];
      let previousHash = head.hash;
      for (const [index, event] of events.entries()) {
        const revision = head.revision + 1 + index;
        const hash = envelopeHash(stream, revision, event.type, data[index]!, metadata[index]!, previousHash);
        ids.push(event.id);
        revisions.push(revision);
        types.push(event.type);
        hashes.push(hash);
        previousHashes.push(previousHash);
        previousHash = hash;
      }
      const last = head.revision + events.length;
      const common = [stream, last, previousHash, head.revision, head.hash, new Date()];
      const rows =
        events.length === 1
          ? await this.sql.query(this.single, [...common, ids[0], types[0], data[0], metadata[0]])
          : await this.sql.query(this.batch, [...common, ids, revisions, types, data, metadata, hashes, previousHashes]);
      if (rows.length === 1) {
        this.heads.set(stream, { revision: last, hash: previousHash });
        if (this.options.notify === 'after-commit') this.wake();
        return { nextExpectedRevision: last };
      }
      // The head moved (another writer, another process): forget it, look again.
      this.heads.delete(stream);
      const actual = await this.readHead(stream);
      if (expected !== 'any' && actual.revision !== (expected === 'no_stream' ? -1 : expected)) {
        throw new WrongExpectedVersion(stream, expected, actual.revision); // the store would try findRecorded first
      }
    }
    throw new Error(`append to ${stream}: the head kept moving`);
  }

  /** Let an in-flight wake-up finish (the bench awaits it before closing). */
  async flush(): Promise<void> {
    while (this.notifyInFlight) await this.notifyInFlight;
  }

  private async headFor(stream: string, expected: ExpectedRevision): Promise<Head> {
    if (expected === 'no_stream') return { revision: -1, hash: null };
    const cached = this.heads.get(stream);
    if (cached && (expected === 'any' || cached.revision === expected)) return cached;
    const head = await this.readHead(stream);
    if (expected !== 'any' && head.revision !== expected) throw new WrongExpectedVersion(stream, expected, head.revision);
    return head;
  }

  private async readHead(stream: string): Promise<Head> {
    const [row] = await this.sql.query<{ revision: number; last_hash: string | null }>(
      `SELECT revision, last_hash FROM ${this.options.schema}.streams WHERE stream = $1`,
      [stream],
    );
    return row ? { revision: Number(row.revision), hash: row.last_hash } : { revision: -1, hash: null };
  }

  /** After-commit wake-up: one NOTIFY in flight at most; its own tiny transaction commits asynchronously. */
  private wake(): void {
    if (this.notifyInFlight) {
      this.notifyAgain = true;
      return;
    }
    this.notifyInFlight = this.sql
      .query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`, [this.options.channel])
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.notifyInFlight = null;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.wake();
        }
      });
  }
}
