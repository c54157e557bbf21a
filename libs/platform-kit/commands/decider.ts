import { randomUUID } from 'node:crypto';
import { badUserInput, conflict } from '#contracts';
import { EventTooLarge, validateAppend, WrongExpectedVersion, type Actor, type AppendResult, type EventStore, type ExpectedRevision, type NewEvent, type RecordedEvent, type StreamAppend } from '#event-store';

/** A domain event as deciders see it: the envelope (ids, metadata, hash) is the store's business. */
export interface DomainEvent {
  type: string;
  data: object;
}

/** One stream type's write model: pure, with every command and event handled. */
export interface Decider<Command, State, Event extends DomainEvent> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

export interface CommandContext {
  actor: Actor;
  /** The platform clock's instant, recorded as the events' occurredAt. */
  now: Date;
  /** A client's expected stream version: checked once and never retried (stale → CONFLICT). */
  expectedVersion?: number | null;
  correlationId?: string;
  /** The event this command reacts to (a reactor's effect), recorded as the events' causationId. */
  causationId?: string;
  /** Event ids for appends a retry could repeat (timers): deterministic ids make them idempotent. */
  eventIds?: (event: DomainEvent, index: number) => string;
  /** The stream as the caller already read it (one read for many streams): used for the first attempt only. */
  recorded?: readonly RecordedEvent[];
}

export interface Decided<State> {
  state: State;
  /** The stream's revision after the command (-1: still no stream). */
  version: number;
  appended: AppendResult | null;
  /** Types of the events appended (read-your-writes waits only for the read models that handle them). */
  eventTypes: string[];
}

export function foldStream<State, Event extends DomainEvent>(
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  events: readonly { type: string; data: unknown }[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event as Event), decider.initialState);
}

/**
 * Load → decide → append with the revision read. A concurrent writer's conflict is retried once on fresh
 * state (the command is decided again, so it still has to be valid); a client's stale expectedVersion is not.
 */
export async function executeCommand<Command, State, Event extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Decider<Command, State, Event>,
  command: Command,
  context: CommandContext,
): Promise<Decided<State>> {
  for (let attempt = 1; ; attempt += 1) {
    const recorded = attempt === 1 && context.recorded ? context.recorded : await store.readStream(stream);
    const revision = recorded.length - 1;
    if (context.expectedVersion != null && context.expectedVersion !== revision) {
      throw conflict(`Expected version ${context.expectedVersion}, but it is at ${revision}; reload and try again`);
    }
    let state = foldStream(decider, recorded);
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, version: revision, appended: null, eventTypes: [] };
    try {
      const appended = await store.append(
        stream,
        events.map((event, index) => toNewEvent(event, context, context.eventIds?.(event, index) ?? randomUUID(), context.causationId ?? null)),
        revision === -1 ? 'no_stream' : revision,
      );
      for (const event of events) state = decider.evolve(state, event);
      return { state, version: appended.nextExpectedRevision, appended, eventTypes: events.map((event) => event.type) };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      if (context.expectedVersion != null || attempt >= 2) {
        throw conflict('Someone else changed it at the same moment; reload and try again');
      }
    }
  }
}

/** One command of `executeCommands`: its stream, and its context (`recorded`: the stream as the caller read it). */
export interface StreamCommand<Command> {
  stream: string;
  command: Command;
  context: CommandContext;
}

/**
 * Many commands on distinct streams of one decider (an incident's reply on each of its linked tickets), with
 * one `appendMany` for all: each is decided on its stream as the caller read it (`context.recorded`, else read
 * now) and appended at that revision. A command whose stream moved meanwhile goes through `executeCommand`
 * alone (a fresh read, decided again). Per command, in the order given: its result, or the error it raised (its
 * decision's refusal, a second conflict), as `Promise.allSettled` reports them; the one `appendMany` failing
 * (the store unreachable, an invalid event) throws for the whole call.
 */
export async function executeCommands<Command, State, Event extends DomainEvent>(
  store: EventStore,
  decider: Decider<Command, State, Event>,
  commands: readonly StreamCommand<Command>[],
): Promise<PromiseSettledResult<Decided<State>>[]> {
  const outcomes: PromiseSettledResult<Decided<State>>[] = new Array(commands.length);
  const unread = commands.filter(({ context }) => !context.recorded).map(({ stream }) => stream);
  const read = unread.length === 0 ? new Map<string, RecordedEvent[]>() : store.readStreams ? await store.readStreams(unread) : new Map(await Promise.all(unread.map(async (stream) => [stream, await store.readStream(stream)] as const)));
  const pending: { index: number; state: State; events: Event[]; append: StreamAppend }[] = [];
  for (const [index, { stream, command, context }] of commands.entries()) {
    const recorded = context.recorded ?? read.get(stream) ?? [];
    const revision = recorded.length - 1;
    try {
      if (context.expectedVersion != null && context.expectedVersion !== revision) {
        throw conflict(`Expected version ${context.expectedVersion}, but it is at ${revision}; reload and try again`);
      }
      const state = foldStream(decider, recorded);
      const events = decider.decide(command, state);
      if (events.length === 0) {
        outcomes[index] = { status: 'fulfilled', value: { state, version: revision, appended: null, eventTypes: [] } };
        continue;
      }
      const newEvents = events.map((event, at) => toNewEvent(event, context, context.eventIds?.(event, at) ?? randomUUID(), context.causationId ?? null));
      pending.push({ index, state, events, append: { stream, events: newEvents, expectedRevision: revision === -1 ? 'no_stream' : revision } });
    } catch (error) {
      outcomes[index] = { status: 'rejected', reason: error };
    }
  }
  const appended = pending.length === 0 ? [] : await store.appendMany(pending.map(({ append }) => append));
  const again: number[] = [];
  for (const [at, { index, events }] of pending.entries()) {
    const result = appended[at]!;
    if (result instanceof WrongExpectedVersion) {
      again.push(index);
      continue;
    }
    let { state } = pending[at]!;
    for (const event of events) state = decider.evolve(state, event);
    outcomes[index] = { status: 'fulfilled', value: { state, version: result.nextExpectedRevision, appended: result, eventTypes: events.map((event) => event.type) } };
  }
  // Moved since the caller read them: decided again on a fresh read, one by one (what `executeCommand` retries).
  for (const index of again) {
    const { stream, command, context } = commands[index]!;
    try {
      outcomes[index] = { status: 'fulfilled', value: await executeCommand(store, stream, decider, command, { ...context, recorded: undefined }) };
    } catch (error) {
      outcomes[index] = { status: 'rejected', reason: error };
    }
  }
  return outcomes;
}

/**
 * The store's own checks (unstorable text, event size) on events a command would record, without recording
 * them: for commands that must refuse before they cause anything elsewhere (a ticket opened per finding).
 */
export function assertRecordable(stream: string, events: readonly DomainEvent[], context: Pick<CommandContext, 'actor' | 'now'>): void {
  if (events.length === 0) return;
  try {
    validateAppend(stream, events.map((event) => toNewEvent(event, context, randomUUID())));
  } catch (error) {
    if (error instanceof EventTooLarge) throw badUserInput(`the input is too large to record (${error.bytes} bytes; at most ${error.limit})`, 'input');
    throw error;
  }
}

/** Events one party decided, recorded under its name (the envelope's actor). */
export interface Decision<Event extends DomainEvent = DomainEvent> {
  actor: Actor;
  events: Event[];
}

export interface Recorded {
  appended: AppendResult | null;
  /** Types of the events appended (read-your-writes waits only for the read models that handle them). */
  eventTypes: string[];
  /** The events as recorded, with their revisions in the stream. */
  events: { type: string; data: unknown; revision: number }[];
}

/**
 * Records decisions already taken — possibly by several parties, each under its own actor — in ONE append
 * on `stream`, at `expectedRevision` (a stale one is `WrongExpectedVersion`, for the caller to judge). The
 * first event correlates the rest, which it caused.
 */
export async function recordDecisions(
  store: EventStore,
  stream: string,
  decisions: readonly Decision[],
  context: { now: Date; expectedRevision: ExpectedRevision; eventIds?: (event: DomainEvent, index: number) => string },
): Promise<Recorded> {
  const events = decisions.flatMap((decision) => decision.events.map((event) => ({ event, actor: decision.actor })));
  if (events.length === 0) return { appended: null, eventTypes: [], events: [] };
  let first: string | null = null;
  const newEvents = events.map(({ event, actor }, index) => {
    const id = context.eventIds?.(event, index) ?? randomUUID();
    const newEvent = toNewEvent(event, { actor, now: context.now, correlationId: first ?? id }, id, first);
    first ??= id;
    return newEvent;
  });
  const appended = await store.append(stream, newEvents, context.expectedRevision);
  const base = appended.nextExpectedRevision - events.length + 1;
  return {
    appended,
    eventTypes: events.map(({ event }) => event.type),
    // A repeated append (every id already recorded) is answered from the record: no revisions to tell.
    events: appended.alreadyRecorded ? [] : events.map(({ event }, index) => ({ type: event.type, data: event.data, revision: base + index })),
  };
}

function toNewEvent(event: DomainEvent, context: CommandContext, id: string, causationId: string | null = null): NewEvent {
  const data = event.data as { reason?: unknown };
  return {
    id,
    type: event.type,
    data: event.data,
    metadata: {
      occurredAt: context.now.toISOString(),
      actor: context.actor,
      ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
      correlationId: context.correlationId ?? id,
      causationId,
      schemaVersion: 1,
    },
  };
}
