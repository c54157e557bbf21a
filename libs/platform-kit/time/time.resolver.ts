import { Inject } from '@nestjs/common';
import { Args, Field, ID, Mutation, ObjectType, Query, registerEnumType, Resolver } from '@nestjs/graphql';
import type { Role } from '#event-store';
import { Roles, CurrentPrincipal } from '../auth/roles.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock/clock.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { CLOCK, PlatformRuntime } from '../runtime.js';

export const RoleEnum = { CUSTOMER: 'CUSTOMER', ENGINEER: 'ENGINEER', TAM: 'TAM', AUDITOR: 'AUDITOR', ADMIN: 'ADMIN' } as const;
registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('Person')
export class PersonType {
  @Field(() => ID) id!: string;
  @Field(() => RoleEnum) role!: Role;
  @Field(() => ID, { nullable: true }) accountId!: string | null;
}

@Resolver()
export class TimeResolver {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
  ) {}

  @Query(() => DateTimeScalar, { description: "The platform's current instant (the manual clock's, when manual)" })
  now(): Date {
    return this.clock.now();
  }

  @Query(() => PersonType, { description: 'Who the token says you are' })
  me(@CurrentPrincipal() principal: Principal): PersonType {
    return { id: principal.id, role: principal.role, accountId: principal.accountId };
  }

  @Roles('ADMIN')
  @Mutation(() => DateTimeScalar, {
    description: 'Manual clock only: moves to `to`, firing everything due on the way in time order',
  })
  async advanceClock(@Args('to', { type: () => DateTimeScalar }) to: Date): Promise<Date> {
    // The reactions of this process (an escalation on a breach, …) are part of what "fired" means here.
    await this.runtime.settleReactions();
    const now = await this.runtime.timers.advanceTo(to);
    await this.runtime.settleReactions();
    return now;
  }
}
