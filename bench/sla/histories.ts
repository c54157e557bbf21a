import type { CalendarDefinition } from '#calendar';
import type { ContractTerms, Coverage, Severity, TicketEvent } from '#contracts';
import type { SlaPolicy } from '#sla';

/** mulberry32: a seeded generator, so every run measures the same inputs. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MINUTE = 60_000;
const staff = { id: 'eng-1', role: 'ENGINEER' as const };
const customer = { id: 'dev-1', role: 'CUSTOMER' as const };
const noDiagnostics = { sdkName: 'rtc-sdk', sdkVersion: '4.2.1', platform: 'Android', osVersion: '14', deviceModel: 'Pixel 8', networkType: 'wifi', errorCode: null, reproSteps: null, logUrls: [] };

export const SHANGHAI_CN: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  weeklyHours: [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, start: '09:00', end: '12:00' },
    { weekday, start: '13:00', end: '18:00' },
  ]),
  holidayRegion: 'CN',
  holidays: [],
  workingDays: [],
};

/** The usual enterprise contract, with every target on one coverage (so a run measures one meter). */
export function benchPolicy(coverage: Coverage): SlaPolicy {
  const contract: ContractTerms = {
    plan: 'Enterprise',
    calendarId: 'cal-shanghai',
    targets: [
      { severity: 'P0', channel: null, coverage, firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
      { severity: 'P1', channel: null, coverage, firstResponseMinutes: 60, nextUpdateMinutes: 240, resolutionMinutes: 1440 },
      { severity: 'P2', channel: null, coverage, firstResponseMinutes: 240, nextUpdateMinutes: 480, resolutionMinutes: 2400 },
      { severity: 'P2', channel: 'EMAIL', coverage, firstResponseMinutes: 480, nextUpdateMinutes: null, resolutionMinutes: 2400 },
      { severity: 'P3', channel: null, coverage, firstResponseMinutes: 480, nextUpdateMinutes: null, resolutionMinutes: 4800 },
    ],
    channels: ['PORTAL', 'EMAIL', 'IM'],
    pauseWhenWaitingOnCustomer: true,
    warningAtPercent: 75,
    monthlyFee: 10_000,
    currency: 'USD',
    credits: [],
    creditCapPercent: 30,
    proactiveChecks: false,
    effectiveFrom: '2026-01-01T00:00:00Z',
  };
  return { contractVersion: 1, contract, calendarVersion: 1, calendar: SHANGHAI_CN };
}

const SEVERITIES: Severity[] = ['P0', 'P1', 'P2', 'P3'];

/**
 * One ticket's life, ~10 events: opened, assigned, first response, an assessment, a request for
 * information and the customer's answer, an internal note, updates, resolved. Receipt times spread over
 * March 2026 (so Qingming and weekends fall inside business-hours spans); gaps of minutes to hours.
 */
export function ticketHistory(index: number, next: () => number): TicketEvent[] {
  const ticketId = `t-${index}`;
  let at = Date.UTC(2026, 2, 1) + Math.floor(next() * 28 * 24 * 60) * MINUTE;
  const iso = () => new Date(at).toISOString();
  const later = (maxMinutes: number) => {
    at += (1 + Math.floor(next() * maxMinutes)) * MINUTE;
    return iso();
  };
  const claimed = SEVERITIES[Math.floor(next() * 4)]!;
  const received = iso();
  let replies = 0;
  const reply = (side: 'STAFF' | 'CUSTOMER', visibility: 'PUBLIC' | 'INTERNAL', requestsInformation: boolean, addedAt: string): TicketEvent => ({
    type: 'ReplyAdded',
    data: { ticketId, replyId: `${ticketId}-r${++replies}`, body: 'Thanks — looking into it.', visibility, side, requestsInformation, externalId: null, author: side === 'STAFF' ? staff : customer, addedAt },
  });
  const events: TicketEvent[] = [
    {
      type: 'TicketOpened',
      data: { ticketId, accountId: 'acct-1', channel: next() < 0.3 ? 'EMAIL' : 'PORTAL', subject: 'Audio drops', description: 'Audio drops after 30 s', claimedSeverity: claimed, diagnostics: noDiagnostics, externalId: null, receivedAt: received, openedBy: customer, openedAt: received },
    },
    { type: 'TicketAssigned', data: { ticketId, assigneeId: 'eng-1', previousAssigneeId: null, reason: 'routing', automatic: true, assignedBy: staff, assignedAt: later(2) } },
    reply('STAFF', 'PUBLIC', false, later(90)),
    { type: 'SeverityAssessed', data: { ticketId, severity: SEVERITIES[Math.floor(next() * 4)]!, previousSeverity: claimed, reason: 'impact', assessedBy: staff, assessedAt: later(30) } },
    reply('STAFF', 'PUBLIC', true, later(120)),
    reply('CUSTOMER', 'PUBLIC', false, later(600)),
    reply('STAFF', 'INTERNAL', false, later(60)),
    reply('STAFF', 'PUBLIC', false, later(240)),
    reply('STAFF', 'PUBLIC', false, later(480)),
    { type: 'TicketResolved', data: { ticketId, resolution: 'Fixed in 4.2.2', rootCause: 'jitter buffer', resolvedBy: staff, resolvedAt: later(1440) } },
  ];
  return events;
}
