import { Inject } from '@nestjs/common';
import { Args, Directive, Field, ID, Int, Mutation, ObjectType, Query, registerEnumType, Resolver } from '@nestjs/graphql';
import type { Role } from '#event-store';
import { Roles, CurrentPrincipal } from '../auth/roles.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock/clock.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { CLOCK, PlatformRuntime, READ_DB } from '../runtime.js';
import type { SqlClient } from '#event-store';
import { notFound } from '#contracts';
import { parkedTimers, unparkTimer } from '../timers/timer-store.js';

export const RoleEnum = { CUSTOMER: 'CUSTOMER', ENGINEER: 'ENGINEER', TAM: 'TAM', AUDITOR: 'AUDITOR', ADMIN: 'ADMIN' } as const;
registerEnumType(RoleEnum, { name: 'Role', description: 'Who a token acts as', valuesMap: { ADMIN: { description: 'administers accounts, contracts, staff and the platform' }, AUDITOR: { description: 'reads everything, writes nothing' }, CUSTOMER: { description: 'one account’s user: sees only that account' }, ENGINEER: { description: 'support engineer' }, TAM: { description: 'technical account manager' } } });

@ObjectType('Person', { description: 'The principal a token stands for' })
@Directive('@shareable')
export class PersonType {
  @Field(() => ID, { description: 'the token subject' }) id!: string;
  @Field(() => RoleEnum, { description: 'the role it acts with' }) role!: Role;
  @Field(() => ID, { description: 'the account a CUSTOMER acts for; null for staff', nullable: true }) accountId!: string | null;
}

@ObjectType('ParkedTimer', { description: 'A timer whose handler failed every try (or ran too long): out of the queue until retried' })
@Directive('@shareable')
export class ParkedTimerType {
  @Field(() => ID, { description: 'Deterministic timer id, e.g. sla-breach:<ticket>:FIRST_RESPONSE:1' }) id!: string;
  @Field({ description: 'What the timer does when it fires' }) kind!: string;
  @Field(() => DateTimeScalar, { description: 'When it was due' }) dueAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When its last try failed (platform clock)' }) parkedAt!: Date;
  @Field({ description: "The last try's error" }) error!: string;
  @Field(() => Int, { description: 'Tries made before it was parked' }) attempts!: number;
}

/** `now` and `me`: every process answers them alike, so every subgraph serves them (`@shareable`). */
@Resolver()
export class ClockResolver {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @Directive('@shareable')
  @Query(() => DateTimeScalar, { description: "The platform's current instant (the manual clock's, when manual)" })
  now(): Date {
    return this.clock.now();
  }

  @Directive('@shareable')
  @Query(() => PersonType, { description: 'Who the token says you are' })
  me(@CurrentPrincipal() principal: Principal): PersonType {
    return { id: principal.id, role: principal.role, accountId: principal.accountId };
  }
}

/**
 * The clock's and the timers' operations (ADMIN). Per process: in a split deployment only the subgraph that owns
 * the platform operations serves them (`platformOperations`, docs/architecture.md#the-federated-graph-issue-11).
 */
@Resolver()
export class TimeResolver {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(READ_DB) private readonly readDb: SqlClient,
  ) {}

  @Roles('ADMIN')
  @Mutation(() => DateTimeScalar, {
    description: 'Manual clock only: moves to `to`, firing everything due on the way in time order',
  })
  async advanceClock(@Args('to', { description: 'the new instant, not before the current one', type: () => DateTimeScalar }) to: Date): Promise<Date> {
    // The reactions of this process (an escalation on a breach, …) are part of what "fired" means here.
    await this.runtime.settleReactions();
    const now = await this.runtime.timers.advanceTo(to);
    await this.runtime.settleReactions();
    return now;
  }

  @Roles('ADMIN')
  @Query(() => [ParkedTimerType], { description: 'Timers parked after their handler failed, oldest due first' })
  async parkedTimers(): Promise<ParkedTimerType[]> {
    return parkedTimers(this.readDb);
  }

  @Roles('ADMIN')
  @Mutation(() => Boolean, { description: 'Puts a parked timer back in the queue; it fires at once (being past due). NOT_FOUND when not parked' })
  async retryParkedTimer(@Args('id', { description: 'the parked timer’s id', type: () => ID }) id: string): Promise<boolean> {
    if (!(await unparkTimer(this.readDb, id))) throw notFound('Parked timer');
    return true;
  }
}
