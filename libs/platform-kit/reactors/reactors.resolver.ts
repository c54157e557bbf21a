import { Inject } from '@nestjs/common';
import { Args, Directive, Field, Float, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound } from '#contracts';
import { comparePositions, formatPosition, parsePosition } from '#event-store';
import { ParkedEventNotFound, type ParkedEvent } from '#projections';
import { Roles } from '../auth/roles.decorator.js';
import { checkPageSize, decodeCursor, encodeCursor, PageInfoType, pageInfoOf } from '../graphql/pagination.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { PlatformRuntime } from '../runtime.js';

@ObjectType('Reactor', { description: 'A reaction of a context to events of the log, run by this process (ADMIN only)' })
@Directive('@shareable')
export class ReactorType {
  @Field(() => String, { description: 'Its checkpoint key, `<context>.<reaction>`' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Its committed log position ("commit/prepare"); null before its first' })
  checkpoint!: string | null;
  @Field(() => Int, { description: 'Events it handles recorded after its checkpoint (counted up to 10,000)' }) eventsBehind!: number;
  @Field(() => Float, { description: 'Age of the oldest of them on the platform clock, 0 when caught up' }) secondsBehind!: number;
  @Field(() => Int, { description: 'Events it gave up on after its retries, waiting for retryParkedEvent' }) parkedCount!: number;
  @Field(() => String, { nullable: true, description: 'Its last failure (in the process that runs it), null once an event has gone through since' })
  lastError!: string | null;
}

@ObjectType('ParkedEvent', { description: 'An event a reactor gave up on after its retries, kept with its error' })
@Directive('@shareable')
export class ParkedEventType {
  @Field(() => String, { description: 'the reactor that gave up, `<context>.<reaction>`' }) reactor!: string;
  @Field(() => ID, { description: 'the event’s id' }) eventId!: string;
  @Field(() => String, { description: 'the event type' }) type!: string;
  @Field(() => String, { description: 'the event’s stream' }) stream!: string;
  @Field(() => String, { description: 'Its log position ("commit/prepare")' }) position!: string;
  @Field(() => String, { description: 'The last attempt’s error' }) error!: string;
  @Field(() => Int, { description: 'Attempts so far, retries included' }) attempts!: number;
  @Field(() => DateTimeScalar, { description: 'When it was (last) parked' }) parkedAt!: Date;
}

@ObjectType('ParkedEventEdge', { description: 'One parked event in a page' })
@Directive('@shareable')
export class ParkedEventEdgeType {
  @Field(() => String, { description: 'pass as `after` for the next page' }) cursor!: string;
  @Field(() => ParkedEventType, { description: 'the parked event' }) node!: ParkedEventType;
}

@ObjectType('ParkedEventConnection', { description: 'A page of parked events' })
@Directive('@shareable')
export class ParkedEventConnectionType {
  @Field(() => [ParkedEventEdgeType], { description: 'this page' }) edges!: ParkedEventEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there is a next page' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many events are parked (for the reactor asked)' }) totalCount!: number;
}

@ObjectType('RetryParkedEventPayload', { description: 'What retrying a parked event did' })
@Directive('@shareable')
export class RetryParkedEventPayloadType {
  @Field(() => String, { description: 'the reactor' }) reactor!: string;
  @Field(() => ID, { description: 'the event' }) eventId!: string;
  @Field(() => Boolean, { description: 'The reaction went through: its effect is recorded and the event is no longer parked' })
  recorded!: boolean;
  @Field(() => String, { nullable: true, description: 'Why it failed again (it stays parked, one more attempt counted)' })
  error!: string | null;
  @Field(() => ParkedEventType, { nullable: true, description: 'The event as parked now; null once recorded' })
  parkedEvent!: ParkedEventType | null;
}

function toParkedEventType(event: ParkedEvent): ParkedEventType {
  return { ...event, position: formatPosition(event.position) };
}

// The types are @shareable value types: Nest declares them in every subgraph (they are loaded with the platform
// kit), though only the subgraph owning the platform operations returns them.

/**
 * ADMIN's view of the reactors of every process on this database (the reactor directory): lag, parked events,
 * and retrying one after its cause is fixed (by the process that runs it).
 */
@Resolver()
export class ReactorsResolver {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  @Roles('ADMIN')
  @Query(() => [ReactorType], { description: 'The reactors of every process on this database, with their lag and parked count' })
  async reactors(): Promise<ReactorType[]> {
    const statuses = await this.runtime.reactorRunner.status();
    return statuses.map(({ parked, ...status }) => ({ ...status, parkedCount: parked }));
  }

  @Roles('ADMIN')
  @Query(() => ParkedEventConnectionType, { description: 'Events parked by the reactors of every process (or by the one named), in log order' })
  async parkedEvents(
    @Args('reactor', { description: 'only this reactor’s; leave out for all', type: () => String, nullable: true }) reactor: string | null,
    @Args('first', { description: 'page size', type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { description: 'the endCursor of the previous page', type: () => String, nullable: true }) after: string | null,
  ): Promise<ParkedEventConnectionType> {
    const size = checkPageSize(first);
    const cursor = decodeCursor(after, ['text', 'text']) as [string, string] | null;
    const from = cursor ? { position: positionOf(cursor[0]), reactor: cursor[1] } : null;
    const runner = this.runtime.reactorRunner;
    if (reactor !== null && reactor !== undefined && !(await runner.knows(reactor))) throw notFound('Reactor');
    // Parked events are the exceptions of a healthy system: few enough to be listed whole and sliced here.
    const all = (await runner.parked()).filter((event) => !reactor || event.reactor === reactor);
    const rest = from
      ? all.filter((event) => {
          const order = comparePositions(event.position, from.position);
          return order > 0 || (order === 0 && event.reactor > from.reactor);
        })
      : all;
    const edges = rest.slice(0, size).map((event) => ({ cursor: encodeCursor([formatPosition(event.position), event.reactor]), node: toParkedEventType(event) }));
    return { edges, pageInfo: pageInfoOf(edges, rest.length > size, after), totalCount: all.length };
  }

  @Roles('ADMIN')
  @Mutation(() => RetryParkedEventPayloadType, {
    description: 'Runs a parked event’s reaction once more (after its cause is fixed), in the process that runs the reactor; NOT_FOUND unless that reactor has it parked',
  })
  async retryParkedEvent(
    @Args('reactor', { description: 'the reactor, `<context>.<reaction>`', type: () => String }) reactor: string,
    @Args('eventId', { description: 'the parked event’s id', type: () => ID }) eventId: string,
  ): Promise<RetryParkedEventPayloadType> {
    const runner = this.runtime.reactorRunner;
    let error: string | null;
    try {
      error = await runner.retryParked(reactor, eventId);
    } catch (failure) {
      if (failure instanceof ParkedEventNotFound) throw notFound('Parked event');
      throw failure;
    }
    const [parked] = error === null ? [] : (await runner.parked(eventId)).filter((event) => event.reactor === reactor);
    return { reactor, eventId, recorded: error === null, error, parkedEvent: parked ? toParkedEventType(parked) : null };
  }
}

function positionOf(text: string) {
  try {
    return parsePosition(text);
  } catch {
    throw badUserInput('after is not a cursor this query handed out', 'after');
  }
}
