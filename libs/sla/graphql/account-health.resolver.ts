import { Inject } from '@nestjs/common';
import { Field, Float, Int, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AccountType, MoneyType } from '#accounts';
import { CLOCK, type Clock } from '#platform-kit';
import { TicketsQueries } from '#triage';
import { SlaQueries } from '../application/sla.queries.js';
import { accountHealth } from '../domain/account-health.js';

@ObjectType('AccountHealth')
export class AccountHealthType {
  /** Whose health this is: other contexts add fields (health checks add nextCheckIn). */
  accountId!: string;
  @Field(() => Int) openTickets!: number;
  @Field(() => Int) breachesLast30Days!: number;
  @Field(() => Float, { nullable: true, description: 'share of SLA clocks stopped in the last 30 days that were MET; null when none' })
  slaAttainmentPercent!: number | null;
  @Field(() => MoneyType) creditsIssued!: MoneyType;
}

@Resolver(() => AccountType)
export class AccountHealthResolver {
  constructor(
    @Inject(SlaQueries) private readonly sla: SlaQueries,
    @Inject(TicketsQueries) private readonly tickets: TicketsQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ResolveField(() => AccountHealthType)
  async health(@Parent() account: AccountType): Promise<AccountHealthType> {
    const [facts, openTickets] = await Promise.all([this.sla.accountSlaFacts(account.id), this.tickets.openTicketCount(account.id)]);
    return {
      accountId: account.id,
      openTickets,
      ...accountHealth(facts.breaches, facts.clocks, this.clock.now()),
      creditsIssued: { amount: facts.credits, currency: facts.currency ?? 'USD' },
    };
  }
}
