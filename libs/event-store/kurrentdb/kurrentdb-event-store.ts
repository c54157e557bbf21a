import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamSubscription,
  type Filter,
  type JSONEventData,
} from '@kurrent/kurrentdb-client';
import { DuplicateEventId, EventStoreUnavailable, EventTooLarge, WrongExpectedVersion } from '../errors.js';
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
  StreamHead,
  StreamIntegrity,
  SubscribeOptions,
  Subscription,
  SubscriptionFilter,
} from '../event-store.port.js';
import { eventHash, verifyChain } from '../hash-chain.js';
import { eventFilter } from '../polling-subscription.js';
import { comparePositions, isAfter, type Position } from '../position.js';
import { validateAppend, validateAppendMany } from '../validation.js';

export interface KurrentDbEventStoreOptions {
  /** The instant recorded with each append (the platform's clock, so a manual clock dates the record too). */
  now?: () => Date;
  /**
   * Deadline of every round trip to the server, in milliseconds (default 10 000). The client alone does not
   * bound all of them: reads go through a native bridge that ignores `deadline`, and the first append of a
   * client waits, without any deadline, for the server's feature list. So each call is also raced against
   * this timer here.
   */
  deadlineMs?: number;
  /** Deadline of `ping()` (default 2 000 ms). */
  pingDeadlineMs?: number;
  /** How many of a stream's last events an append searches for its event ids (idempotent repeats). Default 100. */
  idempotencyWindow?: number;
  /** Extra attempts of an `'any'` append that lost a race for the stream's head. Default 5. */
  anyRetries?: number;
  /** Events per read round trip (each one under the deadline). Default 1 000. */
  readPageSize?: number;
}

/** What the store keeps in each KurrentDB event's metadata beside the caller's metadata. */
export interface LedgerdeskChain {
  hash: string;
  previousHash: string | null;
  recordedAt: string;
}

/** The metadata key that holds the hash chain; stripped again when events are read. */
export const CHAIN_METADATA_KEY = 'ledgerdesk';

/** The fields of a KurrentDB record the store reads (the client's RecordedEvent, JSON or binary). */
export interface KurrentDbRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata?: unknown;
  created: Date;
  position?: { commit: bigint; prepare: bigint };
}

const DEFAULT_DEADLINE_MS = 10_000;
const DEFAULT_PING_DEADLINE_MS = 2_000;
const DISPOSE_DEADLINE_MS = 2_000;
const PING_STREAM = 'ledgerdesk-ping';

/**
 * The event store on KurrentDB: one KurrentDB stream per stream, revisions as KurrentDB stream revisions,
 * positions as `$all` commit/prepare positions. The hash chain lives in each event's metadata under
 * `ledgerdesk`; an append reads the stream's head for the previous hash and then appends with that exact
 * revision as the expected one, so two writers can never chain onto the same predecessor.
 *
 * Differences from the SQL store: event ids are only checked against the stream's last
 * `idempotencyWindow` events (KurrentDB has no index by event id), so an id already recorded in another
 * stream is not detected; and events cannot be altered behind the store's back, so there is nothing to tamper.
 */
export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb' as const;
  /** host:port of the server(s), for messages: never the credentials. */
  readonly endpoint: string;
  private client: KurrentDBClient;
  private closed = false;
  private readonly now: () => Date;
  private readonly deadlineMs: number;
  private readonly pingDeadlineMs: number;
  private readonly idempotencyWindow: number;
  private readonly anyRetries: number;
  private readonly readPageSize: number;
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private readonly retiring = new Set<Promise<void>>();

  constructor(
    private readonly connectionString: string,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.endpoint = kurrentDbEndpoint(connectionString);
    this.now = options.now ?? (() => new Date());
    this.deadlineMs = positive(options.deadlineMs, DEFAULT_DEADLINE_MS);
    this.pingDeadlineMs = positive(options.pingDeadlineMs, DEFAULT_PING_DEADLINE_MS);
    this.idempotencyWindow = positive(options.idempotencyWindow, 100);
    this.anyRetries = Math.max(0, options.anyRetries ?? 5);
    this.readPageSize = positive(options.readPageSize, 1000);
    this.client = this.createClient();
  }

  /** KurrentDB appends to one stream at a time: one append after the other, each stream's outcome its own. */
  async appendMany(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    validateAppendMany(appends);
    const outcomes: StreamAppendOutcome[] = [];
    for (const { stream, events, expectedRevision } of appends) {
      try {
        outcomes.push(await this.append(stream, events, expectedRevision));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        outcomes.push(error);
      }
    }
    return outcomes;
  }

  async append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    validateAppend(stream, events);
    for (let attempt = 0; ; attempt += 1) {
      // 'any' reads a window of the tail, both for the head and for a repeat of these event ids.
      const tail = await this.readTail(stream, expectedRevision === 'any' ? Math.max(this.idempotencyWindow, events.length) : 1);
      const head = tail[0] ?? null;
      const current = head ? head.revision : -1;
      if (expectedRevision === 'any') {
        const repeat = await this.findRecorded(stream, events, tail);
        if (repeat) return repeat;
      } else if (!revisionMatches(expectedRevision, current)) {
        const repeat = await this.findRecorded(stream, events);
        if (repeat) return repeat;
        throw new WrongExpectedVersion(stream, expectedRevision, current);
      }

      const recordedAt = this.now().toISOString();
      const { eventData } = toKurrentDbEventData(stream, events, { revision: current, hash: head ? head.hash : null }, recordedAt);
      try {
        const result = await this.call(`append to stream ${stream}`, (client, deadline) =>
          client.appendToStream(stream, eventData, { streamState: current === -1 ? NO_STREAM : BigInt(current), deadline }),
        );
        const nextExpectedRevision = Number(result.nextExpectedRevision);
        const reported = toPosition(result.position);
        const position = reported.commit >= 0n ? reported : await this.positionOf(stream, nextExpectedRevision);
        return { nextExpectedRevision, position, alreadyRecorded: false };
      } catch (error) {
        if (error instanceof MaxAppendSizeExceededError) {
          const bytes = eventData.reduce((sum, event) => sum + jsonBytes(event.data) + jsonBytes(event.metadata), 0);
          throw new EventTooLarge(events[0]!.id, bytes, error.maxAppendSize);
        }
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const repeat = await this.findRecorded(stream, events);
        if (repeat) return repeat;
        // The head moved between our read and the write: with 'any', chain onto the new head.
        if (expectedRevision === 'any' && attempt < this.anyRetries) {
          await sleep(Math.random() * 5 * (attempt + 1));
          continue;
        }
        const actual = error.actualState === NO_STREAM ? -1 : Number(error.actualState);
        throw new WrongExpectedVersion(stream, expectedRevision, actual);
      }
    }
  }

  /**
   * An append repeated (a retry, a timer firing twice) is answered from the record, writing nothing.
   * Only the stream's tail is searched: KurrentDB cannot look an event up by id.
   */
  private async findRecorded(stream: string, events: NewEvent[], tail?: RecordedEvent[]): Promise<AppendResult | null> {
    const wanted = new Set(events.map((event) => event.id.toLowerCase()));
    const windowSize = Math.max(this.idempotencyWindow, events.length);
    const window = tail && (tail.length >= windowSize || tail.length === 0 || tail[tail.length - 1]!.revision === 0)
      ? tail
      : await this.readTail(stream, windowSize);
    if (window.length === 0) return null;
    let found = window.filter((event) => wanted.has(event.id.toLowerCase()));
    if (found.length === 0) return null;
    if (found.length < events.length) {
      // Part of a repeated append may lie just beyond the window: look right before the earliest found.
      const earliest = Math.min(...found.map((event) => event.revision));
      if (earliest > 0 && earliest === window[window.length - 1]!.revision) {
        const before = await this.readStream(stream, { direction: 'backwards', fromRevision: earliest - 1, maxCount: events.length });
        found = found.concat(before.filter((event) => wanted.has(event.id.toLowerCase())));
      }
    }
    if (found.length !== events.length) throw new DuplicateEventId(found.map((event) => event.id));
    const last = found.reduce((a, b) => (b.revision > a.revision ? b : a));
    return { nextExpectedRevision: window[0]!.revision, position: last.position, alreadyRecorded: true };
  }

  private async positionOf(stream: string, revision: number): Promise<Position> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`Stream ${stream} has no revision ${revision} right after appending it`);
    return event.position;
  }

  /** The stream's last `count` events, newest first ([] when the stream does not exist). */
  private readTail(stream: string, count: number): Promise<RecordedEvent[]> {
    return this.readStream(stream, { direction: 'backwards', maxCount: count });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return [];
    let from: bigint | typeof START | typeof END;
    if (options.fromRevision === undefined) from = backwards ? END : START;
    else if (options.fromRevision < 0) {
      if (backwards) return [];
      from = 0n;
    } else from = BigInt(Math.floor(options.fromRevision));

    const events: RecordedEvent[] = [];
    for (;;) {
      const want = Math.min(remaining, this.readPageSize);
      const page = await this.call(`read stream ${stream}`, async (client) => {
        const read: RecordedEvent[] = [];
        try {
          for await (const resolved of client.readStream(stream, {
            direction: backwards ? BACKWARDS : FORWARDS,
            fromRevision: from,
            maxCount: want,
          })) {
            if (resolved.event) read.push(fromKurrentDbEvent(resolved.event));
          }
        } catch (error) {
          if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return read;
          throw error;
        }
        return read;
      });
      events.push(...page);
      remaining -= page.length;
      if (page.length < want || remaining <= 0) break;
      const last = page[page.length - 1]!.revision;
      if (backwards && last === 0) break;
      from = BigInt(backwards ? last - 1 : last + 1);
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? 1000;
    const events: RecordedEvent[] = [];
    // KurrentDB reads $all from a position inclusively: ask for one more and drop what is not after it.
    let after = options.after ?? null;
    while (events.length < maxCount) {
      const want = Math.min(maxCount - events.length, this.readPageSize) + (after ? 1 : 0);
      const fromPosition = after ? { commit: after.commit, prepare: after.prepare } : START;
      const page = await this.call('read $all', async (client) => {
        const read: KurrentDbRecord[] = [];
        for await (const resolved of client.readAll({ fromPosition, maxCount: want, filter: excludeSystemEvents() })) {
          if (resolved.event) read.push(resolved.event);
        }
        return read;
      });
      let advanced = false;
      for (const record of page) {
        const event = fromKurrentDbEvent(record);
        if (!isAfter(event.position, after)) continue;
        after = event.position;
        advanced = true;
        if (!isSystemRecord(record) && events.length < maxCount) events.push(event);
      }
      if (page.length < want || !advanced) break;
    }
    return events;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    return new KurrentDbSubscription(
      {
        open: (owner, fromPosition, filter) => {
          const client = this.currentClient();
          const subscription = client.subscribeToAll({ fromPosition, filter, resolveLinkTos: false });
          this.subscriptions.add(owner);
          return { client, subscription };
        },
        unavailable: (what, error, client) => this.unavailable(what, error, client),
        deadlineMs: this.deadlineMs,
        endpoint: this.endpoint,
        forget: (owner) => this.subscriptions.delete(owner),
      },
      options,
    );
  }

  async verifyStream(stream: string): Promise<StreamIntegrity> {
    return verifyChain(stream, await this.readStream(stream));
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    const [last] = await this.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return last ? { revision: last.revision, hash: last.hash } : null;
  }

  async headPosition(): Promise<Position | null> {
    let before: Position | null = null;
    for (;;) {
      const fromPosition = before ? { commit: before.commit, prepare: before.prepare } : END;
      const want = 100;
      const page = await this.call('read the head of $all', async (client) => {
        const read: KurrentDbRecord[] = [];
        for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition, maxCount: want, filter: excludeSystemEvents() })) {
          if (resolved.event) read.push(resolved.event);
        }
        return read;
      });
      let moved = false;
      for (const record of page) {
        const event = fromKurrentDbEvent(record);
        if (before && comparePositions(event.position, before) >= 0) continue;
        before = event.position;
        moved = true;
        if (!isSystemRecord(record)) return event.position;
      }
      if (page.length < want || !moved) return null;
    }
  }

  async ping(): Promise<void> {
    await this.call(
      'ping',
      async (client) => {
        try {
          for await (const _ of client.readStream(PING_STREAM, { maxCount: 1 })) break;
        } catch (error) {
          if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return;
          throw error;
        }
      },
      this.pingDeadlineMs,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    await disposeClient(this.client);
    await Promise.allSettled([...this.retiring]);
  }

  /** One round trip, bounded by the deadline whatever the client does; unavailability → EventStoreUnavailable. */
  private async call<T>(what: string, run: (client: KurrentDBClient, deadlineMs: number) => Promise<T>, deadlineMs = this.deadlineMs): Promise<T> {
    const client = this.currentClient();
    let timer: NodeJS.Timeout | undefined;
    const work = run(client, deadlineMs);
    work.catch(() => undefined); // it may settle after the deadline lost the race
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineElapsed(deadlineMs)), deadlineMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      throw this.unavailable(what, error, client) ?? error;
    } finally {
      clearTimeout(timer);
    }
  }

  private currentClient(): KurrentDBClient {
    if (this.closed) throw new EventStoreUnavailable(`KurrentDB event store (${this.endpoint}) is closed`);
    return this.client;
  }

  /**
   * Translates a failure to reach the server into EventStoreUnavailable (null for any other error). After a
   * deadline, the client is replaced: its connection may be stuck for good (a request sent without deadline
   * never settles), and a fresh client reconnects once the server answers again.
   */
  private unavailable(what: string, error: unknown, client: KurrentDBClient): EventStoreUnavailable | null {
    if (error instanceof EventStoreUnavailable) return error;
    if (error instanceof DeadlineElapsed) {
      this.retire(client);
      return new EventStoreUnavailable(
        `KurrentDB at ${this.endpoint} did not answer (${what}) within ${error.deadlineMs} ms` +
          (what.startsWith('append') ? '; the append may or may not have been recorded (repeating it with the same event ids is safe)' : ''),
      );
    }
    if (!isUnavailableError(error)) return null;
    return new EventStoreUnavailable(`KurrentDB at ${this.endpoint} is unavailable (${what}): ${this.redact(errorMessage(error))}`);
  }

  private retire(client: KurrentDBClient): void {
    if (this.closed || this.client !== client) return;
    this.client = this.createClient();
    const disposing = disposeClient(client).finally(() => this.retiring.delete(disposing));
    this.retiring.add(disposing);
  }

  private createClient(): KurrentDBClient {
    try {
      return KurrentDBClient.connectionString(normalizeScheme(this.connectionString));
    } catch (error) {
      throw new Error(`Invalid KurrentDB connection string for ${this.endpoint}: ${this.redact(errorMessage(error))}`);
    }
  }

  private redact(text: string): string {
    const secret = connectionSecret(this.connectionString);
    return secret ? text.split(secret).join('***') : text;
  }
}

/** Opens (lazily: nothing is sent until the first call; `ping()` checks) the event store on KurrentDB. */
export function openKurrentDbEventStore(connectionString: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
  return new KurrentDbEventStore(connectionString, options);
}

interface SubscriptionHost {
  /** Opens the server-side subscription and tracks `owner` until `forget`, so `close()` of the store ends it. */
  open(
    owner: KurrentDbSubscription,
    fromPosition: Position | typeof START,
    filter: Filter,
  ): { client: KurrentDBClient; subscription: AllStreamSubscription };
  unavailable(what: string, error: unknown, client: KurrentDBClient): EventStoreUnavailable | null;
  deadlineMs: number;
  endpoint: string;
  forget(subscription: KurrentDbSubscription): void;
}

/**
 * A catch-up subscription to `$all`, filtered on the server (stream prefixes, else exact event types as a
 * regex, else "no system events") and again here (exact types, no system streams, strictly after `after`).
 * The server must confirm it within the deadline; an end that nobody asked for is an error, so the caller
 * resubscribes from its checkpoint.
 */
class KurrentDbSubscription implements Subscription {
  private closed = false;
  private active: AllStreamSubscription | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly host: SubscriptionHost,
    private readonly options: SubscribeOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.closed) return;
    const accepts = eventFilter(this.options.filter);
    const highWater = Math.max(2 * (this.options.batchSize ?? 500), 64);
    let last = this.options.after ?? null;
    const queue: RecordedEvent[] = [];
    let failure: unknown = null;
    let ended = false;
    let confirmed = false;
    const notify = () => {
      const wake = this.wake;
      this.wake = null;
      wake?.();
    };

    const { client, subscription } = this.host.open(this, last ?? START, serverFilter(this.options.filter));
    this.active = subscription;
    const confirmation = setTimeout(() => {
      if (confirmed) return;
      failure = new DeadlineElapsed(this.host.deadlineMs);
      notify();
    }, this.host.deadlineMs);
    const alive = () => {
      confirmed = true;
      clearTimeout(confirmation);
    };
    subscription.on('confirmation', alive);
    subscription.on('caughtUp', alive);
    subscription.on('data', (resolved) => {
      alive();
      if (!resolved.event) return;
      const event = fromKurrentDbEvent(resolved.event);
      // Skips the checkpoint itself should the server start at it inclusively.
      if (!isAfter(event.position, last)) return;
      last = event.position;
      if (isSystemRecord(resolved.event) || !accepts(event)) return;
      queue.push(event);
      if (queue.length >= highWater) subscription.pause();
      notify();
    });
    subscription.on('error', (error) => {
      failure ??= error;
      notify();
    });
    subscription.on('end', () => {
      ended = true;
      notify();
    });
    subscription.on('close', () => {
      ended = true;
      notify();
    });

    try {
      for (;;) {
        if (this.closed) return;
        const next = queue.shift();
        if (next) {
          if (subscription.isPaused() && queue.length < highWater / 2) subscription.resume();
          yield next;
          continue;
        }
        if (failure) {
          throw this.host.unavailable(confirmed ? 'subscription to $all' : 'confirm a subscription to $all', failure, client) ?? failure;
        }
        if (ended) throw new EventStoreUnavailable(`KurrentDB at ${this.host.endpoint} ended a subscription to $all that was still open`);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      clearTimeout(confirmation);
      this.active = null;
      this.host.forget(this);
      subscription.removeAllListeners('data');
      subscription.on('error', () => undefined);
      await withTimeout(subscription.unsubscribe(), DISPOSE_DEADLINE_MS).catch(() => undefined);
      subscription.destroy();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
    // A consumer waiting for the next event wakes, returns and unsubscribes; one that never iterated has nothing open.
    if (this.active && !wake) await withTimeout(this.active.unsubscribe(), DISPOSE_DEADLINE_MS).catch(() => undefined);
  }
}

/** The most selective filter the server can apply (it filters on stream names or on event types, not both). */
function serverFilter(filter: SubscriptionFilter | undefined): Filter {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: filter.streamPrefixes });
  if (filter?.eventTypes?.length) {
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  return excludeSystemEvents();
}

/**
 * The events to send for an append after `head` (revision -1 and hash null for a new stream): data and
 * metadata are normalized through JSON first, so the hash covers exactly what is stored and read back.
 */
export function toKurrentDbEventData(
  stream: string,
  events: readonly NewEvent[],
  head: { revision: number; hash: string | null },
  recordedAt: string,
): { eventData: JSONEventData[]; chain: LedgerdeskChain[] } {
  let previousHash = head.hash;
  const eventData: JSONEventData[] = [];
  const chain: LedgerdeskChain[] = [];
  for (const [index, event] of events.entries()) {
    const data = JSON.parse(JSON.stringify(event.data ?? null)) as unknown;
    const metadata = JSON.parse(JSON.stringify(event.metadata)) as EventMetadata;
    const revision = head.revision + 1 + index;
    const hash = eventHash({ stream, revision, type: event.type, data, metadata, previousHash });
    const link: LedgerdeskChain = { hash, previousHash, recordedAt };
    chain.push(link);
    eventData.push({
      id: event.id,
      contentType: 'application/json',
      type: event.type,
      data: data as JSONEventData['data'],
      metadata: toKurrentDbMetadata(metadata, link),
    });
    previousHash = hash;
  }
  return { eventData, chain };
}

export function toKurrentDbMetadata(metadata: EventMetadata, chain: LedgerdeskChain): Record<string, unknown> {
  return { ...metadata, [CHAIN_METADATA_KEY]: { hash: chain.hash, previousHash: chain.previousHash, recordedAt: chain.recordedAt } };
}

/**
 * A KurrentDB record as our envelope: the chain comes out of the metadata, which is left as the caller
 * wrote it (the hash covers it without the chain). A record not written by this store has an empty hash,
 * so verifying its stream names it.
 */
export function fromKurrentDbEvent(record: KurrentDbRecord): RecordedEvent {
  const stored = isObject(record.metadata) ? record.metadata : {};
  const { [CHAIN_METADATA_KEY]: chainValue, ...metadata } = stored;
  const chain = isChain(chainValue) ? chainValue : null;
  return {
    id: record.id,
    stream: record.streamId,
    revision: Number(record.revision),
    type: record.type,
    data: record.data,
    metadata: metadata as unknown as EventMetadata,
    position: toPosition(record.position),
    recordedAt: chain?.recordedAt ?? record.created.toISOString(),
    hash: chain?.hash ?? '',
    previousHash: chain ? chain.previousHash : null,
  };
}

/** Servers before 22.6 send no position with stream reads (or -1 as an unsigned number): -1/-1, "unknown". */
const NO_POSITION = 2n ** 64n - 1n;

function toPosition(position: { commit: bigint; prepare: bigint } | undefined): Position {
  if (!position || position.commit === NO_POSITION || position.prepare === NO_POSITION) return { commit: -1n, prepare: -1n };
  return { commit: position.commit, prepare: position.prepare };
}

/** "host:port[,host:port…]" from a connection string, without scheme, credentials or options. */
export function kurrentDbEndpoint(connectionString: string): string {
  const rest = connectionString.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = rest.split(/[?/]/, 1)[0] ?? '';
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts || 'an unknown host';
}

/** The client knows kurrentdb:// (and warns on esdb://); the configuration also accepts eventstoredb://. */
function normalizeScheme(connectionString: string): string {
  return connectionString.replace(/^(?:esdb|eventstoredb)(\+discover)?:\/\//i, (_, discover: string | undefined) => `kurrentdb${discover ?? ''}://`);
}

function connectionSecret(connectionString: string): string | null {
  const rest = connectionString.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = rest.split(/[?/]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  if (at < 0) return null;
  const colon = authority.indexOf(':');
  const password = colon >= 0 && colon < at ? authority.slice(colon + 1, at) : '';
  return password.length > 0 ? password : null;
}

class DeadlineElapsed extends Error {
  constructor(readonly deadlineMs: number) {
    super(`No answer within ${deadlineMs} ms`);
  }
}

const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);
// gRPC status codes: CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE.
const UNAVAILABLE_CODES = new Set([1, 4, 14]);

function isUnavailableError(error: unknown): boolean {
  if (!isObject(error)) return false;
  if (typeof error.type === 'string' && UNAVAILABLE_TYPES.has(error.type)) return true;
  if (typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code)) return true;
  return typeof error.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(error.code);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1;
  return expected === current;
}

function isSystemRecord(record: { streamId: string; type: string }): boolean {
  return record.streamId.startsWith('$') || record.type.startsWith('$');
}

function isChain(value: unknown): value is LedgerdeskChain {
  return (
    isObject(value) &&
    typeof value.hash === 'string' &&
    (value.previousHash === null || typeof value.previousHash === 'string') &&
    typeof value.recordedAt === 'string'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineElapsed(ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Cancels the client's open calls and closes its gRPC channel (dispose() alone leaves the channel open). */
async function disposeClient(client: KurrentDBClient): Promise<void> {
  await withTimeout(client.dispose(), DISPOSE_DEADLINE_MS).catch(() => undefined);
  const internals = client as unknown as { getChannel?: () => Promise<{ close(): void }> };
  if (typeof internals.getChannel !== 'function') return;
  try {
    const channel = await withTimeout(internals.getChannel(), DISPOSE_DEADLINE_MS);
    channel.close();
  } catch {
    // Nothing more to release.
  }
}
