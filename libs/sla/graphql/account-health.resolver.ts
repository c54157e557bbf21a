import { Inject } from '@nestjs/common';
import { Directive, Field, Float, ID, Int, ObjectType, Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { CLOCK, entityType, isSubgraphMode, MoneyType, Public, registerEntityType, unauthenticated, type Clock, type RequestContext } from '#platform-kit';
import { SlaQueries } from '../application/sla.queries.js';
import { accountHealth, last12Months } from '../domain/account-health.js';

const ACCOUNT_HEALTH = 'An account’s support health at a glance: open tickets, recent breaches, credits';

@ObjectType('AccountHealth', { description: ACCOUNT_HEALTH })
export class AccountHealthType {
  /** Whose health this is: health checks add `nextCheckIn` (in the SLA subgraph, the entity's key). */
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

/**
 * AccountHealth as the SLA subgraph serves it: an entity keyed by its account, so that the health-checks
 * subgraph adds `nextCheckIn`. The plain schema keeps AccountHealthType, without the key field.
 */
@ObjectType('AccountHealth', { description: ACCOUNT_HEALTH })
@Directive('@key(fields: "accountId")')
export class AccountHealthEntity extends AccountHealthType {
  // Never instantiated (resolvers return plain objects): the initializer only satisfies the redeclaration.
  // `@inaccessible`: a key for the gateway, not a field of the API (which stays the plain schema's).
  @Directive('@inaccessible')
  @Field(() => ID, { description: 'the account whose health this is' }) override accountId: string = '';
}

const accountHealthType = () => (isSubgraphMode() ? AccountHealthEntity : AccountHealthType);

const perCurrency = (credits: readonly { amount: number; currency: string }[]): MoneyType[] => {
  const sums = new Map<string, number>();
  for (const credit of credits) sums.set(credit.currency, Math.round(((sums.get(credit.currency) ?? 0) + credit.amount) * 100) / 100);
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));
};

@Resolver(() => entityType('Account'))
export class AccountHealthResolver {
  constructor(
    @Inject(SlaQueries) private readonly sla: SlaQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ResolveField(accountHealthType, { description: 'the account’s support health now' })
  async health(@Parent() account: { id: string }): Promise<AccountHealthType> {
    return healthOf(this.sla, this.clock, account.id);
  }
}

/**
 * Federation: an `AccountHealth` reference (another subgraph's, keyed by account), computed as `Account.health`
 * is; the caller needs a credential, and a customer gets null for another account.
 */
@Resolver(accountHealthType)
export class AccountHealthReferenceResolver {
  constructor(
    @Inject(SlaQueries) private readonly sla: SlaQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Public()
  @ResolveReference()
  async resolveReference(reference: { accountId?: unknown }, context: RequestContext): Promise<AccountHealthType | null> {
    const principal = context?.principal;
    if (!principal) throw context?.authError ?? unauthenticated();
    if (typeof reference.accountId !== 'string') return null;
    if (principal.role === 'CUSTOMER' && principal.accountId !== reference.accountId) return null;
    return healthOf(this.sla, this.clock, reference.accountId);
  }
}

async function healthOf(sla: SlaQueries, clock: Clock, accountId: string): Promise<AccountHealthType> {
  const now = clock.now();
  const zone = (await sla.account(accountId))?.timeZone ?? 'UTC';
  const months = last12Months(now, zone);
  const [facts, openTickets] = await Promise.all([sla.accountSlaFacts(accountId, months), sla.openTicketCount(accountId)]);
  const last12 = perCurrency(facts.credits);
  const currency = facts.currency ?? last12[0]?.currency ?? 'USD';
  return {
    accountId,
    openTickets,
    ...accountHealth(facts.clocks, now),
    creditsIssued: last12.find((credit) => credit.currency === currency) ?? { amount: 0, currency },
    creditsThisMonth: perCurrency(facts.credits.filter((credit) => credit.month === months[0])),
    creditsLast12Months: last12,
  };
}

// The owner's class of the entity the health-checks subgraph extends by key (platform-kit's entityType).
registerEntityType('AccountHealth', AccountHealthType);
