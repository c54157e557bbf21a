import type { WrongExpectedVersion } from './errors.js';
import type { Position } from './position.js';

export type Role = 'CUSTOMER' | 'ENGINEER' | 'TAM' | 'AUDITOR' | 'ADMIN';

export interface Actor {
  id: string;
  role: Role;
}

export interface EventMetadata {
  occurredAt: string;
  actor: Actor;
  reason?: string;
  correlationId: string;
  causationId: string | null;
  schemaVersion: number;
}

/** An event as a handler proposes it: the store adds stream, revision, position and the hash chain. */
export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Data = unknown> extends NewEvent<Data> {
  stream: string;
  revision: number;
  position: Position;
  recordedAt: string;
  hash: string;
  previousHash: string | null;
}

/** `no_stream`: the stream must not exist; `any`: no check; a number: the stream's last revision must equal it. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended (or found, when the append was an idempotent repeat). */
  position: Position;
  /** True when every event id was already recorded in this stream, so nothing was written. */
  alreadyRecorded: boolean;
}

/** One stream's part of `appendMany`: what `append(stream, events, expectedRevision)` would take. */
export interface StreamAppend {
  stream: string;
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
}

/**
 * One stream's outcome in `appendMany`: what `append` would have returned for it (an idempotent repeat is
 * `alreadyRecorded`), or the `WrongExpectedVersion` it would have thrown.
 */
export type StreamAppendOutcome = AppendResult | WrongExpectedVersion;

/** Most streams one `appendMany` takes. */
export const MAX_STREAMS_PER_APPEND = 1000;

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first (forwards) or last (backwards) revision. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omit to read from the start. */
  after?: Position | null;
  maxCount?: number;
}

export interface SubscriptionFilter {
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: delivery starts strictly after it. */
  after?: Position | null;
  filter?: SubscriptionFilter;
  /** Events read per catch-up round trip. */
  batchSize?: number;
}

/** Catch-up then live. Iterate it; `close()` (or breaking out of the loop) ends it. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface StreamIntegrity {
  stream: string;
  valid: boolean;
  eventsChecked: number;
  headHash: string | null;
  brokenAtRevision: number | null;
  problem: string | null;
}

/** A stream's last revision and its hash, as the store keeps them beside the events. */
export interface StreamHead {
  revision: number;
  hash: string;
}

export interface EventStore {
  readonly kind: 'pglite' | 'postgres' | 'kurrentdb';
  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to many distinct streams at once, each with its own expected revision and hash chain (on the SQL
   * stores one statement for every stream whose head is where it was expected; on KurrentDB one append after
   * the other). The streams succeed or conflict independently — it is not a transaction across streams — and
   * the outcomes come back in the order given. Every stream's events are validated before anything is
   * written (an invalid one throws for the whole call); other errors (the store unreachable) throw, and streams
   * already appended stay appended.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Optional: several whole streams in one read (a stream that does not exist maps to []). */
  readStreams?(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  subscribe(options?: SubscribeOptions): Subscription;
  verifyStream(stream: string): Promise<StreamIntegrity>;
  /** The stream's head (null: no such stream). Exported with evidence so a deleted tail shows offline. */
  streamHead(stream: string): Promise<StreamHead | null>;
  /** Position of the last event readers can see now (null when the log is empty). */
  headPosition(): Promise<Position | null>;
  /** Is the backing store reachable? Used by GET /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Largest accepted `data` + `metadata` of one event, serialized as JSON. */
export const MAX_EVENT_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;
