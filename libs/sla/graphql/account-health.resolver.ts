import { Inject } from '@nestjs/common';
import { Field, Float, Int, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CLOCK, entityType, MoneyType, type Clock } from '#platform-kit';
// Triage's read side only (an account's open tickets), never its GraphQL module.
import { TicketsQueries } from '../../triage/application/tickets.queries.js';
import { SlaQueries } from '../application/sla.queries.js';
import { accountHealth, last12Months } from '../domain/account-health.js';

@ObjectType('AccountHealth', { description: 'An account’s support health at a glance: open tickets, recent breaches, credits' })
export class AccountHealthType {
  /** Whose health this is: other contexts add fields (health checks add nextCheckIn). */
  accountId!: string;
  @Field(() => Int, { description: 'the account’s tickets not RESOLVED or CLOSED' }) openTickets!: number;
  @Field(() => Int, { description: 'SLA clocks whose breach instant (as the engine computes it, retroactive ones included) is in the last 30 days' })
  breachesLast30Days!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'share of SLA clocks decided in the last 30 days that were MET (a clock still breached or cancelled after due counts as missed at its due time); null when none',
  })
  slaAttainmentPercent!: number | null;
  @Field(() => MoneyType, { description: 'credits approved for the current month and the 11 before it (account zone), in the contract’s currency' })
  creditsIssued!: MoneyType;
  @Field(() => [MoneyType], { description: 'credits approved for the current month (account zone), one entry per currency' })
  creditsThisMonth!: MoneyType[];
  @Field(() => [MoneyType], { description: 'credits approved for the current month and the 11 before it (account zone), one entry per currency' })
  creditsLast12Months!: MoneyType[];
}

const perCurrency = (credits: readonly { amount: number; currency: string }[]): MoneyType[] => {
  const sums = new Map<string, number>();
  for (const credit of credits) sums.set(credit.currency, Math.round(((sums.get(credit.currency) ?? 0) + credit.amount) * 100) / 100);
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));
};

@Resolver(() => entityType('Account'))
export class AccountHealthResolver {
  constructor(
    @Inject(SlaQueries) private readonly sla: SlaQueries,
    @Inject(TicketsQueries) private readonly tickets: TicketsQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ResolveField(() => AccountHealthType, { description: 'the account’s support health now' })
  async health(@Parent() account: { id: string }): Promise<AccountHealthType> {
    const now = this.clock.now();
    const zone = (await this.sla.account(account.id))?.timeZone ?? 'UTC';
    const months = last12Months(now, zone);
    const [facts, openTickets] = await Promise.all([this.sla.accountSlaFacts(account.id, months), this.tickets.openTicketCount(account.id)]);
    const last12 = perCurrency(facts.credits);
    const currency = facts.currency ?? last12[0]?.currency ?? 'USD';
    return {
      accountId: account.id,
      openTickets,
      ...accountHealth(facts.clocks, now),
      creditsIssued: last12.find((credit) => credit.currency === currency) ?? { amount: 0, currency },
      creditsThisMonth: perCurrency(facts.credits.filter((credit) => credit.month === months[0])),
      creditsLast12Months: last12,
    };
  }
}
