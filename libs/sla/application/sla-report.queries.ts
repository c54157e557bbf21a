import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Channel, Severity, SlaMetric } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';

export const REPORT_DIMENSIONS = ['ACCOUNT', 'MONTH', 'SEVERITY', 'METRIC', 'CHANNEL', 'ASSIGNEE'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export interface SlaReportFilter {
  /** Null: every account (staff only). */
  accountIds: string[] | null;
  /** Calendar days in each account's zone, inclusive. */
  from: string;
  to: string;
  severities: Severity[] | null;
  channels: Channel[] | null;
  metrics: SlaMetric[] | null;
}

export interface MinuteStats {
  mean: number | null;
  p50: number | null;
  p90: number | null;
}

export interface SlaReportRow {
  accountId: string | null;
  month: string | null;
  severity: Severity | null;
  metric: SlaMetric | null;
  channel: Channel | null;
  assigneeId: string | null;
  met: number;
  missed: number;
  attainmentPercent: number | null;
  promisedMinutes: MinuteStats;
  actualMinutes: MinuteStats;
  resolvedTickets: number;
  meanMinutesToResolve: number | null;
  medianMinutesToResolve: number | null;
  reopenRatePercent: number | null;
  firstContactResolutionPercent: number | null;
}

/** Each dimension's column in the clock rows and in the ticket rows (a ticket has no metric). */
const COLUMNS: Record<ReportDimension, { clock: string; ticket: string | null; key: keyof SlaReportRow }> = {
  ACCOUNT: { clock: 'account_id', ticket: 'account_id', key: 'accountId' },
  MONTH: { clock: 'due_month', ticket: 'resolved_month', key: 'month' },
  SEVERITY: { clock: 'severity', ticket: 'severity', key: 'severity' },
  METRIC: { clock: 'metric', ticket: null, key: 'metric' },
  CHANNEL: { clock: 'channel', ticket: 'channel', key: 'channel' },
  ASSIGNEE: { clock: 'assignee_id', ticket: 'assignee_id', key: 'assigneeId' },
};

/** A dimension's column alias (unquoted, so lower case as PostgreSQL folds it). */
const alias = (dimension: ReportDimension) => `k_${dimension.toLowerCase()}`;
const round2 = (value: unknown) => (value === null || value === undefined ? null : Math.round(Number(value) * 100) / 100);
const percent = (part: number, whole: number) => (whole === 0 ? null : round2((part / whole) * 100));

/**
 * SLA figures aggregated from the report read model (schema `sla`, projection `sla.reports`). A clock counts
 * in the month of its dueAt, a ticket's resolution figures in the month of its first resolution, both in the
 * account's zone. Promised and actual minutes are over stopped clocks (MET or MISSED); percentiles are
 * nearest-rank (percentile_disc).
 */
@Injectable()
export class SlaReportQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  /**
   * Groups that each lie within one account-month, with no severity, channel or metric filter, are read from the
   * monthly summary (sla.report_months) for the months the range covers whole; a partial month at either end of
   * the range is aggregated from the clock and ticket rows of its days. Anything else aggregates the rows.
   */
  async report(filter: SlaReportFilter, groupBy: readonly ReportDimension[]): Promise<SlaReportRow[]> {
    const dimensions = REPORT_DIMENSIONS.filter((dimension) => groupBy.includes(dimension));
    const plan = monthlyPlan(filter, dimensions);
    if (!plan) return this.fromRows(filter, dimensions);
    const summaries = plan.whole.length
      ? await this.db.query<Record<string, any>>(
          `SELECT * FROM sla.report_months WHERE month = ANY($1) AND ($2::text[] IS NULL OR account_id = ANY($2))`,
          [plan.whole, filter.accountIds],
        )
      : [];
    const rows = summaries.map((summary) => {
      const row = emptyRow();
      if (dimensions.includes('ACCOUNT')) row.accountId = summary.account_id;
      if (dimensions.includes('MONTH')) row.month = summary.month;
      if (summary.clocks > 0) {
        row.met = summary.met;
        row.missed = summary.missed;
        row.attainmentPercent = percent(summary.met, summary.met + summary.missed);
        row.promisedMinutes = { mean: round2(summary.promised_mean), p50: round2(summary.promised_p50), p90: round2(summary.promised_p90) };
        row.actualMinutes = { mean: round2(summary.actual_mean), p50: round2(summary.actual_p50), p90: round2(summary.actual_p90) };
      }
      if (summary.resolved > 0) {
        row.resolvedTickets = summary.resolved;
        row.meanMinutesToResolve = round2(summary.ttr_mean);
        row.medianMinutesToResolve = round2(summary.ttr_median);
        row.reopenRatePercent = percent(summary.reopened, summary.resolved);
        row.firstContactResolutionPercent = percent(summary.first_contact, summary.resolved);
      }
      return row;
    });
    for (const [from, to] of plan.partial) rows.push(...(await this.fromRows({ ...filter, from, to }, dimensions)));
    // Ungrouped, the aggregate over no rows is still one (empty) total row, as over the rows themselves.
    if (dimensions.length === 0 && rows.length === 0) rows.push(emptyRow());
    return rows.sort(compareRows);
  }

  private async fromRows(filter: SlaReportFilter, dimensions: readonly ReportDimension[]): Promise<SlaReportRow[]> {
    const params: unknown[] = [filter.from, filter.to, filter.accountIds, filter.severities, filter.channels, filter.metrics];
    const clockKeys = dimensions.map((d) => `${COLUMNS[d].clock} AS ${alias(d)}`);
    const stopped = `state IN ('MET', 'MISSED')`;
    const clockRows = await this.db.query<Record<string, any>>(
      `SELECT ${[...clockKeys,
        `count(*) FILTER (WHERE outcome = 'MET')::int AS met`,
        `count(*) FILTER (WHERE outcome = 'MISSED')::int AS missed`,
        `avg(target_minutes) FILTER (WHERE ${stopped}) AS promised_mean`,
        `percentile_disc(0.5) WITHIN GROUP (ORDER BY target_minutes) FILTER (WHERE ${stopped}) AS promised_p50`,
        `percentile_disc(0.9) WITHIN GROUP (ORDER BY target_minutes) FILTER (WHERE ${stopped}) AS promised_p90`,
        `avg(elapsed_minutes) FILTER (WHERE ${stopped}) AS actual_mean`,
        `percentile_disc(0.5) WITHIN GROUP (ORDER BY elapsed_minutes) FILTER (WHERE ${stopped}) AS actual_p50`,
        `percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed_minutes) FILTER (WHERE ${stopped}) AS actual_p90`,
      ].join(', ')}
       FROM sla.report_clocks
       WHERE due_date BETWEEN $1::date AND $2::date AND ($3::text[] IS NULL OR account_id = ANY($3))
         AND ($4::text[] IS NULL OR severity = ANY($4)) AND ($5::text[] IS NULL OR channel = ANY($5)) AND ($6::text[] IS NULL OR metric = ANY($6))
       ${dimensions.length ? `GROUP BY ${dimensions.map(alias).join(', ')}` : ''}`,
      params,
    );
    const ticketDimensions = dimensions.filter((d) => COLUMNS[d].ticket !== null);
    const ticketRows = await this.db.query<Record<string, any>>(
      `SELECT ${[...ticketDimensions.map((d) => `${COLUMNS[d].ticket} AS ${alias(d)}`),
        'count(*)::int AS resolved',
        'avg(resolve_minutes) AS ttr_mean',
        'percentile_disc(0.5) WITHIN GROUP (ORDER BY resolve_minutes) AS ttr_median',
        'count(*) FILTER (WHERE reopened)::int AS reopened',
        'count(*) FILTER (WHERE first_contact)::int AS first_contact',
      ].join(', ')}
       FROM sla.report_tickets
       WHERE resolved_date BETWEEN $1::date AND $2::date AND ($3::text[] IS NULL OR account_id = ANY($3))
         AND ($4::text[] IS NULL OR severity = ANY($4)) AND ($5::text[] IS NULL OR channel = ANY($5))
       ${ticketDimensions.length ? `GROUP BY ${ticketDimensions.map(alias).join(', ')}` : ''}`,
      params.slice(0, 5),
    );

    const keyOf = (row: Record<string, any>, of: readonly ReportDimension[]) => of.map((d) => String(row[alias(d)] ?? '')).join('\u0000');
    const resolution = new Map(ticketRows.map((row) => [keyOf(row, ticketDimensions), row]));
    const rows = new Map<string, SlaReportRow>();
    const byTicketKey = new Map<string, SlaReportRow[]>();
    const rowFor = (source: Record<string, any>): SlaReportRow => {
      const row = emptyRow();
      for (const d of dimensions) (row as any)[COLUMNS[d].key] = source[alias(d)] ?? null;
      return row;
    };
    for (const clock of clockRows) {
      const row = rowFor(clock);
      row.met = clock.met;
      row.missed = clock.missed;
      row.attainmentPercent = percent(clock.met, clock.met + clock.missed);
      row.promisedMinutes = { mean: round2(clock.promised_mean), p50: round2(clock.promised_p50), p90: round2(clock.promised_p90) };
      row.actualMinutes = { mean: round2(clock.actual_mean), p50: round2(clock.actual_p50), p90: round2(clock.actual_p90) };
      rows.set(keyOf(clock, dimensions), row);
      const ticketKey = keyOf(clock, ticketDimensions);
      byTicketKey.set(ticketKey, [...(byTicketKey.get(ticketKey) ?? []), row]);
    }
    // Resolution figures go on every row of their group; a group with resolutions but no clock still gets a row
    // (only when the grouping has no metric, since a resolution belongs to no metric).
    for (const [key, tickets] of resolution) {
      const matching = byTicketKey.get(key) ?? [];
      if (matching.length === 0 && !dimensions.includes('METRIC')) {
        const row = rowFor(tickets);
        rows.set(keyOf(tickets, dimensions), row);
        matching.push(row);
      }
      for (const row of matching) {
        row.resolvedTickets = tickets.resolved;
        row.meanMinutesToResolve = round2(tickets.ttr_mean);
        row.medianMinutesToResolve = round2(tickets.ttr_median);
        row.reopenRatePercent = percent(tickets.reopened, tickets.resolved);
        row.firstContactResolutionPercent = percent(tickets.first_contact, tickets.resolved);
      }
    }
    return [...rows.values()].sort(compareRows);
  }

  /** The month's missed clocks of an account (month of dueAt, account zone), each with its claim if one was filed. */
  async breaches(accountId: string, month: string): Promise<StatementBreach[]> {
    const rows = await this.db.query<Record<string, any>>(
      `SELECT c.ticket_id, c.metric, c.cycle, c.severity, c.state, c.due_at, greatest(0, c.elapsed_minutes - c.target_minutes) AS minutes_late,
         cl.id AS claim_id, cl.status AS claim_status, cl.proposed_credit, cl.credit
       FROM sla.report_clocks c
       LEFT JOIN sla.claims cl ON cl.ticket_id = c.ticket_id AND cl.metric = c.metric AND cl.cycle = c.cycle
       WHERE c.account_id = $1 AND c.due_month = $2 AND c.outcome = 'MISSED'
       ORDER BY c.due_at, c.ticket_id, c.metric, c.cycle`,
      [accountId, month],
    );
    return rows.map((r) => ({
      ticketId: r.ticket_id,
      metric: r.metric,
      cycle: Number(r.cycle),
      severity: r.severity,
      state: r.state,
      dueAt: new Date(r.due_at),
      minutesLate: Number(r.minutes_late),
      claimId: r.claim_id,
      claimStatus: r.claim_status,
      proposedCredit: r.proposed_credit,
      credit: r.credit,
    }));
  }

  /** The contract versions in force at some point of [start, end), oldest first, with their money terms. */
  async contractsInForce(accountId: string, start: Date, end: Date): Promise<{ version: number; monthlyFee: number; currency: string; creditCapPercent: number }[]> {
    const rows = await this.db.query<{ version: number; terms: { monthlyFee: number; currency: string; creditCapPercent: number } }>(
      `SELECT version, terms FROM sla.contracts c WHERE account_id = $1 AND effective_from < $3
         AND NOT EXISTS (SELECT 1 FROM sla.contracts later WHERE later.account_id = c.account_id AND later.version > c.version AND later.effective_from <= $2)
       ORDER BY version`,
      [accountId, start, end],
    );
    return rows.map((r) => ({ version: Number(r.version), monthlyFee: r.terms.monthlyFee, currency: r.terms.currency, creditCapPercent: r.terms.creditCapPercent }));
  }
}

export interface StatementBreach {
  ticketId: string;
  metric: SlaMetric;
  cycle: number;
  severity: Severity;
  /** MISSED, BREACHED (still running past due) or CANCELLED (after due). */
  state: string;
  dueAt: Date;
  /** In the clock's own minutes, as the claim verdict counts them. */
  minutesLate: number;
  claimId: string | null;
  claimStatus: 'PENDING' | 'APPROVED' | 'REJECTED' | null;
  proposedCredit: { amount: number; currency: string } | null;
  credit: { amount: number; currency: string } | null;
}

/**
 * Whether the monthly summary can answer: every group within one account-month (grouped by ACCOUNT or one
 * account asked for; grouped by MONTH or a range of exactly one whole month), nothing filtered below the
 * account. Then `whole` lists the months the range covers entirely and `partial` the day ranges of the months
 * it cuts (only when grouped by MONTH, so they are groups of their own).
 */
function monthlyPlan(filter: SlaReportFilter, dimensions: readonly ReportDimension[]): { whole: string[]; partial: [string, string][] } | null {
  if (filter.severities || filter.channels || filter.metrics) return null;
  if (dimensions.some((d) => d !== 'ACCOUNT' && d !== 'MONTH')) return null;
  if (!dimensions.includes('ACCOUNT') && new Set(filter.accountIds ?? []).size !== 1) return null;
  if (filter.to < filter.from) return { whole: [], partial: [] };
  const first = DateTime.fromISO(filter.from, { zone: 'UTC' }).startOf('month');
  const last = DateTime.fromISO(filter.to, { zone: 'UTC' }).startOf('month');
  const whole: string[] = [];
  const partial: [string, string][] = [];
  for (let month = first; month <= last; month = month.plus({ months: 1 })) {
    const start = month.toISODate()!;
    const end = month.endOf('month').toISODate()!;
    if (filter.from <= start && filter.to >= end) whole.push(month.toFormat('yyyy-MM'));
    else partial.push([filter.from > start ? filter.from : start, filter.to < end ? filter.to : end]);
  }
  if (!dimensions.includes('MONTH') && !(whole.length === 1 && partial.length === 0)) return null;
  return { whole, partial };
}

function emptyRow(): SlaReportRow {
  const none = { mean: null, p50: null, p90: null };
  return {
    accountId: null, month: null, severity: null, metric: null, channel: null, assigneeId: null,
    met: 0, missed: 0, attainmentPercent: null, promisedMinutes: none, actualMinutes: { ...none },
    resolvedTickets: 0, meanMinutesToResolve: null, medianMinutesToResolve: null, reopenRatePercent: null, firstContactResolutionPercent: null,
  };
}

function compareRows(a: SlaReportRow, b: SlaReportRow): number {
  for (const key of ['accountId', 'month', 'severity', 'metric', 'channel', 'assigneeId'] as const) {
    const order = String(a[key] ?? '').localeCompare(String(b[key] ?? ''));
    if (order !== 0) return order;
  }
  return 0;
}
