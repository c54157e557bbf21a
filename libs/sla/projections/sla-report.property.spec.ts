import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ContractTerms, Severity, SlaEvent, TicketEvent } from '#contracts';
import type { RecordedEvent } from '#event-store';
import { openTestPglite } from '../../event-store/testing/test-pglite.js';
import type { PgliteClient } from '../../event-store/sql/pglite-client.js';
import { SlaReportQueries } from '../application/sla-report.queries.js';
import { eventInstant, slaStatus, type SlaPolicy } from '../domain/sla-engine.js';
import { slaReportProjection } from './sla-report.projection.js';
import { claimsProjection } from './claims.projection.js';
import { slaDirectoryProjection } from './sla-directory.projection.js';
import { SlaStatements, monthBounds } from '../application/sla-statements.js';
import { statementFigures } from '../domain/statement-figures.js';

/*
 * The report read model against a naive recount: for random workloads (two accounts in different zones,
 * tickets received around a month boundary and a DST change, random replies, severity changes, upheld
 * disputes, resolutions, reopenings and closings), fed to the projection in random batches, slaReport by
 * ACCOUNT × MONTH equals what one gets by calling slaStatus on every ticket and counting.
 */

const ZONES = { ny: 'America/New_York', sh: 'Asia/Shanghai' } as const;
const calendar = (timeZone: string) => ({ timeZone, weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), holidays: ['2026-03-09'] });
const contract: ContractTerms = {
  plan: 'p', calendarId: 'c', channels: ['PORTAL', 'EMAIL'], pauseWhenWaitingOnCustomer: true, warningAtPercent: 75, monthlyFee: 1000, currency: 'USD',
  credits: [], creditCapPercent: 30, proactiveChecks: false, effectiveFrom: '2026-01-01T00:00:00Z',
  targets: [
    { severity: 'P0', channel: null, coverage: 'ALWAYS', firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
    { severity: 'P1', channel: null, coverage: 'ALWAYS', firstResponseMinutes: 60, nextUpdateMinutes: null, resolutionMinutes: 1440 },
    { severity: 'P2', channel: null, coverage: 'BUSINESS_HOURS', firstResponseMinutes: 240, nextUpdateMinutes: null, resolutionMinutes: 2400 },
    { severity: 'P3', channel: 'EMAIL', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480, nextUpdateMinutes: null, resolutionMinutes: null },
    { severity: 'P3', channel: null, coverage: 'ALWAYS', firstResponseMinutes: 120, nextUpdateMinutes: null, resolutionMinutes: null },
  ],
};
const SEVERITIES: Severity[] = ['P0', 'P1', 'P2', 'P3'];
const staff = { id: 'eng', role: 'ENGINEER' as const };
const customer = { id: 'dev', role: 'CUSTOMER' as const };
const START = Date.parse('2026-02-27T00:00:00Z');

type Step = 'staff-reply' | 'internal-note' | 'request-info' | 'customer-reply' | 'assess' | 'upheld' | 'resolve' | 'reopen' | 'close';
const ticketArb = fc.record({
  account: fc.constantFrom<'ny' | 'sh'>('ny', 'sh'),
  channel: fc.constantFrom<Channel>('PORTAL', 'EMAIL'),
  claimed: fc.constantFrom(...SEVERITIES),
  receivedMinute: fc.integer({ min: 0, max: 14 * 1440 }),
  steps: fc.array(
    fc.record({
      gap: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3000 })),
      step: fc.constantFrom<Step>('staff-reply', 'internal-note', 'request-info', 'customer-reply', 'assess', 'upheld', 'resolve', 'reopen', 'close'),
      severity: fc.constantFrom(...SEVERITIES),
    }),
    { maxLength: 8 },
  ),
});

type TicketSpec = typeof ticketArb extends fc.Arbitrary<infer T> ? T : never;

function history(index: number, t: TicketSpec): (TicketEvent | SlaEvent)[] {
  const ticketId = `t${index}`;
  const accountId = t.account;
  let minute = t.receivedMinute;
  const iso = () => new Date(START + minute * 60_000).toISOString();
  const receivedAt = iso();
  const events: (TicketEvent | SlaEvent)[] = [
    { type: 'TicketOpened', data: { ticketId, accountId, channel: t.channel, subject: '', description: '', claimedSeverity: t.claimed, diagnostics: {} as any, externalId: null, receivedAt, openedBy: customer, openedAt: receivedAt } },
    { type: 'SlaPolicyPinned', data: { ticketId, accountId, contractVersion: 1, contract, calendarId: 'c', calendarVersion: 1, calendar: calendar(ZONES[t.account]), pinnedAt: receivedAt, pinnedBy: staff } },
  ];
  let status: 'open' | 'resolved' | 'closed' = 'open';
  let previous: Severity = t.claimed;
  for (const { gap, step, severity } of t.steps) {
    if (status === 'closed') break;
    minute += gap;
    const at = iso();
    const reply = (side: 'STAFF' | 'CUSTOMER', visibility: 'PUBLIC' | 'INTERNAL', requestsInformation: boolean): TicketEvent => ({
      type: 'ReplyAdded', data: { ticketId, replyId: `${ticketId}-${minute}-${events.length}`, body: '', visibility, side, requestsInformation, externalId: null, author: side === 'STAFF' ? staff : customer, addedAt: at },
    });
    if (step === 'staff-reply') events.push(reply('STAFF', 'PUBLIC', false));
    else if (step === 'internal-note') events.push(reply('STAFF', 'INTERNAL', false));
    else if (step === 'request-info' && status === 'open') events.push(reply('STAFF', 'PUBLIC', true));
    else if (step === 'customer-reply') events.push(reply('CUSTOMER', 'PUBLIC', false));
    else if (step === 'assess') {
      events.push({ type: 'SeverityAssessed', data: { ticketId, severity, previousSeverity: previous, reason: 'r', assessedBy: staff, assessedAt: at } });
      previous = severity;
    } else if (step === 'upheld') events.push({ type: 'SeverityDisputeResolved', data: { ticketId, outcome: 'UPHELD', reason: 'r', decidedBy: staff, decidedAt: at } });
    else if (step === 'resolve' && status === 'open') {
      events.push({ type: 'TicketResolved', data: { ticketId, resolution: '', rootCause: null, resolvedBy: staff, resolvedAt: at } });
      status = 'resolved';
    } else if (step === 'reopen' && status === 'resolved') {
      events.push({ type: 'TicketReopened', data: { ticketId, reason: 'r', reopenedBy: customer, reopenedAt: at } });
      status = 'open';
    } else if (step === 'close') {
      events.push({ type: 'TicketClosed', data: { ticketId, closedBy: staff, closedAt: at } });
      status = 'closed';
    }
  }
  return events;
}

/** The naive recount: slaStatus per ticket as of its latest fact, counted per (account, month of dueAt / first resolution). */
function recount(tickets: (TicketEvent | SlaEvent)[][]) {
  const groups = new Map<string, { met: number; missed: number; promised: number[]; actual: number[]; resolved: number[]; reopened: number; fcr: number }>();
  const group = (account: string, month: string) => {
    const key = `${account} ${month}`;
    if (!groups.has(key)) groups.set(key, { met: 0, missed: 0, promised: [], actual: [], resolved: [], reopened: 0, fcr: 0 });
    return groups.get(key)!;
  };
  for (const events of tickets) {
    const facts = events.filter((e): e is TicketEvent => e.type !== 'SlaPolicyPinned');
    const pinned = events.find((e) => e.type === 'SlaPolicyPinned')!;
    const policy: SlaPolicy = { contractVersion: 1, contract, calendarVersion: 1, calendar: (pinned.data as any).calendar };
    const opened = facts[0]!.data as any;
    const zone = ZONES[opened.accountId as 'ny' | 'sh'];
    const latest = Math.max(...facts.map((e) => Date.parse(eventInstant(e))));
    const month = (instant: string | Date) => DateTime.fromJSDate(new Date(instant), { zone }).toFormat('yyyy-MM');
    for (const clock of slaStatus(facts, policy, new Date(latest)).clocks) {
      if (!clock.dueAt) continue;
      const g = group(opened.accountId, month(clock.dueAt));
      if (clock.state === 'MET') g.met += 1;
      if (clock.state === 'MISSED' || clock.state === 'BREACHED' || (clock.state === 'CANCELLED' && clock.breachedAt)) g.missed += 1;
      if (clock.state === 'MET' || clock.state === 'MISSED') {
        g.promised.push(clock.targetMinutes);
        g.actual.push(clock.elapsedMinutes);
      }
    }
    const firstResolution = facts.findIndex((e) => e.type === 'TicketResolved');
    if (firstResolution >= 0) {
      const resolvedAt = (facts[firstResolution]!.data as any).resolvedAt as string;
      const g = group(opened.accountId, month(resolvedAt));
      g.resolved.push(Math.floor((Date.parse(resolvedAt) - Date.parse(opened.receivedAt)) / 60_000));
      const reopened = facts.some((e) => e.type === 'TicketReopened');
      const replies = facts.slice(0, firstResolution).filter((e) => e.type === 'ReplyAdded' && e.data.side === 'STAFF' && e.data.visibility === 'PUBLIC').length;
      if (reopened) g.reopened += 1;
      if (!reopened && replies === 1) g.fcr += 1;
    }
  }
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);
  const rank = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * xs.length) - 1)]! : null);
  const pct = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 100 : null);
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) => ({
    key,
    met: g.met,
    missed: g.missed,
    attainmentPercent: pct(g.met, g.met + g.missed),
    promised: [mean(g.promised), rank(g.promised, 0.5), rank(g.promised, 0.9)],
    actual: [mean(g.actual), rank(g.actual, 0.5), rank(g.actual, 0.9)],
    resolvedTickets: g.resolved.length,
    ttr: [mean(g.resolved), rank(g.resolved, 0.5)],
    reopen: pct(g.reopened, g.resolved.length),
    fcr: pct(g.fcr, g.resolved.length),
  }));
}

describe('slaReport equals a naive recount from slaStatus', () => {
  let db: PgliteClient;
  beforeAll(async () => {
    db = await openTestPglite();
    await slaReportProjection.setup(db);
    // A statement also reads claims and contracts (none here).
    await claimsProjection.setup(db);
    await slaDirectoryProjection.setup(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('for random workloads, applied in random batches', async () => {
    const reports = new SlaReportQueries(db);
    await fc.assert(
      fc.asyncProperty(fc.array(ticketArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 7 }), async (workload, batchSize) => {
        await slaReportProjection.reset(db);
        const registered = ['ny', 'sh'].map((accountId) => ({ type: 'AccountRegistered', data: { accountId, timeZone: ZONES[accountId as 'ny' | 'sh'] } }));
        const tickets = workload.map((t, i) => history(i, t));
        // Interleave the tickets' events (each ticket's own order kept), as the log would.
        const log: unknown[] = [...registered];
        const cursors = tickets.map(() => 0);
        for (let round = 0; cursors.some((c, i) => c < tickets[i]!.length); round++) {
          tickets.forEach((events, i) => {
            if (cursors[i]! < events.length && (round + i) % 2 === 0) log.push(events[cursors[i]!++]);
            else if (cursors[i]! < events.length && round % 3 === 0) log.push(events[cursors[i]!++]);
          });
        }
        for (let i = 0; i < log.length; i += batchSize) await slaReportProjection.apply(log.slice(i, i + batchSize) as RecordedEvent[], db);

        const rows = await reports.report({ accountIds: null, from: '2026-01-01', to: '2026-12-31', severities: null, channels: null, metrics: null }, ['ACCOUNT', 'MONTH']);
        const served = rows.map((r) => ({
          key: `${r.accountId} ${r.month}`,
          met: r.met,
          missed: r.missed,
          attainmentPercent: r.attainmentPercent,
          promised: [r.promisedMinutes.mean, r.promisedMinutes.p50, r.promisedMinutes.p90],
          actual: [r.actualMinutes.mean, r.actualMinutes.p50, r.actualMinutes.p90],
          resolvedTickets: r.resolvedTickets,
          ttr: [r.meanMinutesToResolve, r.medianMinutesToResolve],
          reopen: r.reopenRatePercent,
          fcr: r.firstContactResolutionPercent,
        }));
        expect(served).toEqual(recount(tickets));
        // The monthly summary answers that grouping; the clock and ticket rows (a filter that keeps every severity
        // makes the query aggregate them) and a range cutting months at both ends give the same figures.
        const every = { severities: ['P0', 'P1', 'P2', 'P3'] as Severity[] };
        expect(await reports.report({ accountIds: null, from: '2026-01-01', to: '2026-12-31', severities: every.severities, channels: null, metrics: null }, ['ACCOUNT', 'MONTH'])).toEqual(rows);
        const cut = { accountIds: null, from: '2026-01-10', to: '2026-11-20', channels: null, metrics: null };
        expect(await reports.report({ ...cut, severities: null }, ['ACCOUNT', 'MONTH'])).toEqual(await reports.report({ ...cut, severities: every.severities }, ['ACCOUNT', 'MONTH']));

        // A statement's figures from the read model equal those the offline verifier re-derives from the events.
        const statements = new SlaStatements(null as never, null as never, db, reports, null as never, null as never);
        for (const row of rows) {
          const zone = ZONES[row.accountId as 'ny' | 'sh'];
          const { start, end } = monthBounds(row.month!, zone);
          const own = tickets.filter((events) => (events[0]!.data as { accountId: string }).accountId === row.accountId);
          const derived = statementFigures({
            month: row.month!, timeZone: zone, start: start.toJSDate(), end: end.toJSDate(), claims: [], contracts: [],
            tickets: own.map((events) => ({ ticketEvents: events.filter((e): e is TicketEvent => e.type !== 'SlaPolicyPinned'), slaEvents: events.filter((e): e is SlaEvent => e.type === 'SlaPolicyPinned') })),
          });
          expect(derived).toEqual(await statements.figures(row.accountId!, row.month!, zone));
        }
      }),
      { numRuns: Number(process.env.SLA_REPORT_PROPERTY_RUNS ?? 40) },
    );
  }, 120_000);
});
