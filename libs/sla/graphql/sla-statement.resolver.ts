import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { DateTime } from 'luxon';
import { badUserInput, notFound } from '#contracts';
import { CLOCK, CurrentPrincipal, type Clock, type Principal } from '#platform-kit';
import { SlaReportQueries } from '../application/sla-report.queries.js';
import { SlaQueries } from '../application/sla.queries.js';
import { SlaStatementType } from './sla-report.types.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const cents = (amount: number) => Math.round(amount * 100) / 100;

@Resolver(() => SlaStatementType)
export class SlaStatementResolver {
  constructor(
    @Inject(SlaReportQueries) private readonly reports: SlaReportQueries,
    @Inject(SlaQueries) private readonly sla: SlaQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => SlaStatementType, { description: 'the account’s monthly SLA statement (staff, or the account’s own customer)' })
  async slaStatement(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { type: () => ID, description: 'the account' }) accountId: string,
    @Args('month', { type: () => String, description: 'YYYY-MM, a calendar month in the account’s zone' }) month: string,
  ): Promise<SlaStatementType> {
    if (!MONTH.test(month)) throw badUserInput('month must be YYYY-MM', 'month');
    const account = await this.sla.account(accountId);
    if (!account || (principal.role === 'CUSTOMER' && principal.accountId !== accountId)) throw notFound('Account');
    const start = DateTime.fromISO(`${month}-01`, { zone: account.timeZone });
    const end = start.plus({ months: 1 });
    const range = { from: start.toISODate()!, to: end.minus({ days: 1 }).toISODate()! };
    const filter = { accountIds: [accountId], ...range, severities: null, channels: null, metrics: null };
    const [[figures], bySeverity, breaches, contracts] = await Promise.all([
      this.reports.report(filter, []),
      this.reports.report(filter, ['SEVERITY']),
      this.reports.breaches(accountId, month),
      this.reports.contractsInForce(accountId, start.toJSDate(), end.toJSDate()),
    ]);
    const terms = contracts.at(-1);
    const currency = terms?.currency ?? 'USD';
    const sum = (pick: (b: (typeof breaches)[number]) => { amount: number; currency: string } | null) =>
      cents(breaches.reduce((total, b) => total + (pick(b)?.currency === currency ? pick(b)!.amount : 0), 0));
    return {
      accountId,
      month,
      status: 'DRAFT',
      monthOpen: this.clock.now() < end.toJSDate(),
      figures: figures!,
      bySeverity,
      breaches,
      proposedCredits: { amount: sum((b) => b.proposedCredit), currency },
      approvedCredits: { amount: sum((b) => (b.claimStatus === 'APPROVED' ? b.credit : null)), currency },
      creditCap: { amount: terms ? cents((terms.monthlyFee * terms.creditCapPercent) / 100) : 0, currency },
      contractVersions: contracts.map((c) => c.version),
    };
  }
}
