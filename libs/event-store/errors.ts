import type { ExpectedRevision } from './event-store.port.js';

export class WrongExpectedVersion extends Error {
  override readonly name = 'WrongExpectedVersion';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, actual ${actual === -1 ? 'no stream' : actual}`);
  }
}

export class EventTooLarge extends Error {
  override readonly name = 'EventTooLarge';
  constructor(readonly eventId: string, readonly bytes: number, readonly limit: number) {
    super(`Event ${eventId} is ${bytes} bytes; the limit is ${limit} bytes of JSON data and metadata`);
  }
}

export class InvalidAppend extends Error {
  override readonly name = 'InvalidAppend';
}

/** Some, but not all, of an append's event ids are already recorded (or recorded in another stream). */
export class DuplicateEventId extends Error {
  override readonly name = 'DuplicateEventId';
  constructor(readonly eventIds: string[]) {
    super(`Event ids already recorded elsewhere: ${eventIds.join(', ')}`);
  }
}

export class EventStoreUnavailable extends Error {
  override readonly name = 'EventStoreUnavailable';
}

/** A string with a NUL character or an unpaired UTF-16 surrogate: no store keeps it as it was sent. */
export class UnstorableText extends Error {
  override readonly name = 'UnstorableText';
  constructor(readonly path: string) {
    super(`Text must not contain NUL characters or unpaired UTF-16 surrogates (at ${path})`);
  }
}
