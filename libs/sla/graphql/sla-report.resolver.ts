import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { DateTime } from 'luxon';
import { badUserInput, forbidden, notFound } from '#contracts';
import { CurrentPrincipal, type Principal } from '#platform-kit';
import { SlaReportQueries, type ReportDimension } from '../application/sla-report.queries.js';
import { SlaReportDimensionEnum, SlaReportFilterInput, SlaReportRowType } from './sla-report.types.js';

const MAX_MONTHS = 24;
const MAX_ACCOUNTS = 1000;

@Resolver(() => SlaReportRowType)
export class SlaReportResolver {
  constructor(@Inject(SlaReportQueries) private readonly reports: SlaReportQueries) {}

  @Query(() => [SlaReportRowType], {
    description: 'SLA attainment, promised vs actual minutes and resolution figures, grouped; staff see every account, a customer only their own (never by ASSIGNEE)',
  })
  async slaReport(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => SlaReportFilterInput, description: 'accounts, day range (at most 24 months), severities, channels, metrics' }) filter: SlaReportFilterInput,
    @Args('groupBy', { type: () => [SlaReportDimensionEnum], defaultValue: [], description: 'the dimensions of a row; none gives one total row' }) groupBy: ReportDimension[],
  ): Promise<SlaReportRowType[]> {
    const from = DateTime.fromISO(filter.from, { zone: 'UTC' });
    const to = DateTime.fromISO(filter.to, { zone: 'UTC' });
    if (to < from) throw badUserInput('to must not be before from', 'filter.to');
    if (to > from.plus({ months: MAX_MONTHS })) throw badUserInput(`the range must be at most ${MAX_MONTHS} months`, 'filter.to');
    if ((filter.accountIds?.length ?? 0) > MAX_ACCOUNTS) throw badUserInput(`at most ${MAX_ACCOUNTS} accounts`, 'filter.accountIds');
    let accountIds = filter.accountIds ?? null;
    if (principal.role === 'CUSTOMER') {
      if (groupBy.includes('ASSIGNEE')) throw forbidden('A customer cannot group by ASSIGNEE');
      if (accountIds?.some((id) => id !== principal.accountId)) throw notFound('Account');
      accountIds = [principal.accountId!];
    }
    return this.reports.report(
      { accountIds, from: filter.from, to: filter.to, severities: filter.severities ?? null, channels: filter.channels ?? null, metrics: filter.metrics ?? null },
      groupBy,
    );
  }
}
