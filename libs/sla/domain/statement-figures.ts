import type { ClaimEvent, ContractSigned, Severity, SlaEvent, SlaPolicyPinned, StatementBreachRecord, StatementFigures, StatementRow, TicketEvent } from '#contracts';
import { eventInstant, type SlaPolicy } from './sla-engine.js';
import { reportFacts, type ReportClock, type ReportTicket } from './sla-report-facts.js';

/**
 * A monthly statement's figures re-derived from the events alone — the tickets' and SLA streams, the claims'
 * streams and the account's contracts — with the rules the report read model applies (docs/reports.md): each
 * ticket's status as of the latest instant the log has for it, clocks in the month of their dueAt and tickets in
 * the month of their first resolution (account zone), nearest-rank percentiles, means to 2 decimals. The offline
 * verifier uses it to check a statement's evidence bundle.
 */
export interface StatementSources {
  month: string;
  /** The account's zone (from its AccountRegistered). */
  timeZone: string;
  /** [start, end) of the month in that zone. */
  start: Date;
  end: Date;
  tickets: { ticketEvents: readonly TicketEvent[]; slaEvents: readonly SlaEvent[] }[];
  claims: readonly ClaimEvent[];
  contracts: readonly ContractSigned['data'][];
}

const round2 = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
const percent = (part: number, whole: number) => (whole === 0 ? null : round2((part / whole) * 100));
const cents = (amount: number) => Math.round(amount * 100) / 100;
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
/** percentile_disc: the first value whose cumulative share reaches p. */
const nearestRank = (values: number[], p: number) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
};
const stats = (values: number[]) => ({ mean: round2(mean(values)), p50: nearestRank(values, 0.5), p90: nearestRank(values, 0.9) });

function row(severity: Severity | null, clocks: readonly (ReportClock & { severity: string })[], tickets: readonly ReportTicket[]): StatementRow {
  const met = clocks.filter((c) => c.outcome === 'MET').length;
  const missed = clocks.filter((c) => c.outcome === 'MISSED').length;
  const stopped = clocks.filter((c) => c.state === 'MET' || c.state === 'MISSED');
  const minutes = tickets.map((t) => t.resolveMinutes!);
  return {
    severity,
    met,
    missed,
    attainmentPercent: percent(met, met + missed),
    promisedMinutes: stats(stopped.map((c) => c.targetMinutes)),
    actualMinutes: stats(stopped.map((c) => c.elapsedMinutes)),
    resolvedTickets: tickets.length,
    meanMinutesToResolve: round2(mean(minutes)),
    medianMinutesToResolve: nearestRank(minutes, 0.5),
    reopenRatePercent: percent(tickets.filter((t) => t.reopened).length, tickets.length),
    firstContactResolutionPercent: percent(tickets.filter((t) => t.firstContactResolution).length, tickets.length),
  };
}

/** The latest instant the log has for a ticket: its events, the pin, recorded warnings and breaches. */
function latestOf(ticketEvents: readonly TicketEvent[], slaEvents: readonly SlaEvent[]): Date {
  const instants = [
    ...ticketEvents.map((e) => Date.parse(eventInstant(e))),
    ...slaEvents.map((e) => Date.parse(e.type === 'SlaPolicyPinned' ? e.data.pinnedAt : e.type === 'SlaWarningReached' ? e.data.warnedAt : e.data.breachedAt)),
  ];
  return new Date(Math.max(...instants));
}

export function statementFigures(sources: StatementSources): StatementFigures {
  const clocks: (ReportClock & { severity: string })[] = [];
  const resolved: ReportTicket[] = [];
  for (const { ticketEvents, slaEvents } of sources.tickets) {
    const pinned = slaEvents.find((e): e is SlaPolicyPinned => e.type === 'SlaPolicyPinned');
    if (!pinned || !ticketEvents.some((e) => e.type === 'TicketOpened')) continue;
    const d = pinned.data;
    const policy: SlaPolicy = { contractVersion: d.contractVersion, contract: d.contract, calendarVersion: d.calendarVersion, calendar: d.calendar };
    const facts = reportFacts(ticketEvents, policy, sources.timeZone, latestOf(ticketEvents, slaEvents));
    for (const clock of facts.clocks) if (clock.dueMonth === sources.month) clocks.push({ ...clock, severity: facts.ticket.severity });
    if (facts.ticket.resolvedMonth === sources.month) resolved.push(facts.ticket);
  }

  const severities = [...new Set([...clocks.map((c) => c.severity), ...resolved.map((t) => t.severity)])].sort() as Severity[];
  const bySeverity = severities.map((s) => row(s, clocks.filter((c) => c.severity === s), resolved.filter((t) => t.severity === s)));

  const claims = new Map<string, { claimId: string; status: 'PENDING' | 'APPROVED' | 'REJECTED'; proposedCredit: StatementBreachRecord['proposedCredit']; credit: StatementBreachRecord['credit'] }>();
  const byId = new Map<string, string>();
  for (const event of sources.claims) {
    if (event.type === 'BreachClaimFiled') {
      const key = `${event.data.ticketId}/${event.data.metric}/${event.data.cycle}`;
      claims.set(key, { claimId: event.data.claimId, status: 'PENDING', proposedCredit: event.data.proposedCredit, credit: null });
      byId.set(event.data.claimId, key);
    } else {
      const claim = claims.get(byId.get(event.data.claimId) ?? '');
      if (claim) Object.assign(claim, { status: event.data.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED', credit: event.data.credit });
    }
  }
  const breaches: StatementBreachRecord[] = clocks
    .filter((c) => c.outcome === 'MISSED')
    .sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!) || cmp(a.ticketId, b.ticketId) || cmp(a.metric, b.metric) || a.cycle - b.cycle)
    .map((c) => {
      const claim = claims.get(`${c.ticketId}/${c.metric}/${c.cycle}`);
      return {
        ticketId: c.ticketId, metric: c.metric, cycle: c.cycle, severity: c.severity as Severity, state: c.state, dueAt: new Date(c.dueAt!).toISOString(),
        minutesLate: Math.max(0, c.elapsedMinutes - c.targetMinutes),
        claimId: claim?.claimId ?? null, claimStatus: claim?.status ?? null, proposedCredit: claim?.proposedCredit ?? null, credit: claim?.credit ?? null,
      };
    });

  // Contract versions in force at some point of the month: signed effective before its end, not superseded by its start.
  const contracts = sources.contracts
    .filter((c) => Date.parse(c.effectiveFrom) < sources.end.getTime())
    .filter((c) => !sources.contracts.some((later) => later.version > c.version && Date.parse(later.effectiveFrom) <= sources.start.getTime()))
    .sort((a, b) => a.version - b.version);
  const terms = contracts.at(-1);
  const currency = terms?.currency ?? 'USD';
  const sum = (pick: (b: StatementBreachRecord) => { amount: number; currency: string } | null) =>
    cents(breaches.reduce((total, b) => total + (pick(b)?.currency === currency ? pick(b)!.amount : 0), 0));
  return {
    totals: row(null, clocks, resolved),
    bySeverity,
    breaches,
    proposedCredits: { amount: sum((b) => b.proposedCredit), currency },
    approvedCredits: { amount: sum((b) => (b.claimStatus === 'APPROVED' ? b.credit : null)), currency },
    creditCap: { amount: terms ? cents((terms.monthlyFee * terms.creditCapPercent) / 100) : 0, currency },
    contractVersions: contracts.map((c) => c.version),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
