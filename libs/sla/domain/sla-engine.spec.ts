import { describe, expect, it } from 'vitest';
import type { CalendarDefinition } from '#calendar';
import type { ContractTerms, Severity, TicketEvent } from '#contracts';
import { slaStatus, type SlaPolicy } from './sla-engine.js';

const staff = { id: 'eng', role: 'ENGINEER' as const };
const customer = { id: 'dev', role: 'CUSTOMER' as const };
const noDiagnostics = { sdkName: null, sdkVersion: null, platform: null, osVersion: null, deviceModel: null, networkType: null, errorCode: null, reproSteps: null, logUrls: [] };

const opened = (at: string, claimedSeverity: Severity = 'P0', channel: 'PORTAL' | 'EMAIL' = 'PORTAL'): TicketEvent => ({
  type: 'TicketOpened',
  data: { ticketId: 't', accountId: 'a', channel, subject: 's', description: 'd', claimedSeverity, diagnostics: noDiagnostics, externalId: null, receivedAt: at, openedBy: customer, openedAt: at },
});
const reply = (at: string, side: 'STAFF' | 'CUSTOMER' = 'STAFF', requestsInformation = false, visibility: 'PUBLIC' | 'INTERNAL' = 'PUBLIC'): TicketEvent => ({
  type: 'ReplyAdded',
  data: { ticketId: 't', replyId: at, body: 'b', visibility, side, requestsInformation, externalId: null, author: side === 'STAFF' ? staff : customer, addedAt: at },
});
const resolved = (at: string): TicketEvent => ({ type: 'TicketResolved', data: { ticketId: 't', resolution: 'r', rootCause: null, resolvedBy: staff, resolvedAt: at } });
const reopened = (at: string): TicketEvent => ({ type: 'TicketReopened', data: { ticketId: 't', reason: 'r', reopenedBy: customer, reopenedAt: at } });
const closed = (at: string): TicketEvent => ({ type: 'TicketClosed', data: { ticketId: 't', closedBy: staff, closedAt: at } });
const assessed = (at: string, severity: Severity): TicketEvent => ({
  type: 'SeverityAssessed',
  data: { ticketId: 't', severity, previousSeverity: 'P0', reason: 'r', assessedBy: staff, assessedAt: at },
});

const contract = (overrides: Partial<ContractTerms> = {}): ContractTerms => ({
  plan: 'p',
  calendarId: 'c',
  targets: [
    { severity: 'P0', channel: null, coverage: 'ALWAYS', firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
    { severity: 'P1', channel: null, coverage: 'ALWAYS', firstResponseMinutes: 60, nextUpdateMinutes: 240, resolutionMinutes: 1440 },
    { severity: 'P2', channel: null, coverage: 'BUSINESS_HOURS', firstResponseMinutes: 240, nextUpdateMinutes: null, resolutionMinutes: 2400 },
    { severity: 'P2', channel: 'EMAIL', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480, nextUpdateMinutes: null, resolutionMinutes: null },
    { severity: 'P3', channel: null, coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480, nextUpdateMinutes: null, resolutionMinutes: null },
  ],
  channels: ['PORTAL', 'EMAIL'],
  pauseWhenWaitingOnCustomer: true,
  warningAtPercent: 75,
  monthlyFee: 1000,
  currency: 'USD',
  credits: [],
  creditCapPercent: 30,
  proactiveChecks: false,
  effectiveFrom: '2026-01-01T00:00:00Z',
  ...overrides,
});
const shanghai: CalendarDefinition = { timeZone: 'Asia/Shanghai', weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })), holidayRegion: null, holidays: [], workingDays: [] };
const policy = (overrides: Partial<ContractTerms> = {}, calendar: CalendarDefinition = shanghai): SlaPolicy => ({ contractVersion: 1, contract: contract(overrides), calendarVersion: 1, calendar });
const at = (iso: string) => new Date(iso);
const clock = (events: TicketEvent[], asOf: string, metric = 'FIRST_RESPONSE', cycle = 1, p = policy()) => {
  const found = slaStatus(events, p, at(asOf)).clocks.find((c) => c.metric === metric && c.cycle === cycle);
  if (!found) throw new Error(`no ${metric} cycle ${cycle}`);
  return found;
};
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe('SLA engine: first response (ALWAYS)', () => {
  const open = opened('2026-03-06T10:00:00.000Z');
  it('runs, warns at 75% and breaches at due', () => {
    const running = clock([open], '2026-03-06T10:05:00.000Z');
    expect(running).toMatchObject({ state: 'RUNNING', elapsedMinutes: 5, targetMinutes: 15, coverage: 'ALWAYS', warnedAt: null, breachedAt: null });
    expect(iso(running.dueAt)).toBe('2026-03-06T10:15:00.000Z');
    expect(iso(running.warningDueAt)).toBe('2026-03-06T10:11:15.000Z');
    const late = clock([open], '2026-03-06T10:20:00.000Z');
    expect(late.state).toBe('BREACHED');
    expect(iso(late.warnedAt)).toBe('2026-03-06T10:11:15.000Z');
    expect(iso(late.breachedAt)).toBe('2026-03-06T10:15:00.000Z');
  });
  it('is MET when stopped exactly at due, MISSED a second later', () => {
    expect(clock([open, reply('2026-03-06T10:15:00.000Z')], '2026-03-06T12:00:00.000Z').state).toBe('MET');
    const missed = clock([open, reply('2026-03-06T10:15:01.000Z')], '2026-03-06T12:00:00.000Z');
    expect(missed.state).toBe('MISSED');
    expect(iso(missed.breachedAt)).toBe('2026-03-06T10:15:00.000Z');
    expect(iso(missed.stoppedAt)).toBe('2026-03-06T10:15:01.000Z');
  });
  it('ignores internal notes and customer replies', () => {
    const events = [open, reply('2026-03-06T10:01:00.000Z', 'STAFF', false, 'INTERNAL'), reply('2026-03-06T10:02:00.000Z', 'CUSTOMER')];
    expect(clock(events, '2026-03-06T10:16:00.000Z').state).toBe('BREACHED');
  });
  it('counts only events up to asOf', () => {
    const events = [open, reply('2026-03-06T10:10:00.000Z')];
    expect(clock(events, '2026-03-06T10:09:00.000Z').state).toBe('RUNNING');
    expect(clock(events, '2026-03-06T10:10:00.000Z').state).toBe('MET');
  });
});

describe('SLA engine: business hours', () => {
  it('counts inside the calendar: Friday 17:00 Shanghai + 240 minutes is Monday 12:00', () => {
    const events = [opened('2026-03-06T09:00:00.000Z', 'P2')];
    const fr = clock(events, '2026-03-06T10:00:00.000Z');
    expect(fr.coverage).toBe('BUSINESS_HOURS');
    expect(iso(fr.dueAt)).toBe('2026-03-09T04:00:00.000Z');
    expect(fr.elapsedMinutes).toBe(60);
  });
  it('starts counting at the next opening when opened outside hours', () => {
    const fr = clock([opened('2026-03-07T03:00:00.000Z', 'P2')], '2026-03-09T01:30:00.000Z');
    expect(fr.elapsedMinutes).toBe(30);
    expect(iso(fr.dueAt)).toBe('2026-03-09T05:00:00.000Z');
  });
  it('skips listed holidays and opens make-up working days with Monday’s hours', () => {
    const calendar = { ...shanghai, holidays: ['2026-03-09'], workingDays: ['2026-03-07'] };
    const fr = clock([opened('2026-03-06T09:00:00.000Z', 'P2')], '2026-03-06T09:00:00.000Z', 'FIRST_RESPONSE', 1, policy({}, calendar));
    // Friday 17:00-18:00 (60), Saturday make-up day 09:00-12:00 (180).
    expect(iso(fr.dueAt)).toBe('2026-03-07T04:00:00.000Z');
  });
  it('keeps real DST rules: New York 09:00-17:00, Friday 15:00 EST + 240 is Monday 11:00 EDT', () => {
    const newYork = { timeZone: 'America/New_York', weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), holidayRegion: null, holidays: [], workingDays: [] };
    const fr = clock([opened('2026-03-06T20:00:00.000Z', 'P2')], '2026-03-06T20:00:00.000Z', 'FIRST_RESPONSE', 1, policy({}, newYork));
    expect(iso(fr.dueAt)).toBe('2026-03-09T15:00:00.000Z');
  });
  it('prefers the channel’s own target over the general one', () => {
    const fr = clock([opened('2026-03-06T01:00:00.000Z', 'P2', 'EMAIL')], '2026-03-06T01:00:00.000Z');
    expect(fr.targetMinutes).toBe(480);
    expect(slaStatus([opened('2026-03-06T01:00:00.000Z', 'P2', 'EMAIL')], policy(), at('2026-03-06T01:00:00.000Z')).clocks.map((c) => c.metric)).toEqual(['FIRST_RESPONSE']);
  });
});

describe('SLA engine: next update cycles, pauses, resolution', () => {
  const open = opened('2026-03-06T10:00:00.000Z');
  it('starts cycle 1 at the first response; each public staff reply stops one and starts the next', () => {
    const events = [open, reply('2026-03-06T10:10:00.000Z'), reply('2026-03-06T10:40:00.000Z'), reply('2026-03-06T12:00:00.000Z')];
    const status = slaStatus(events, policy(), at('2026-03-06T12:30:00.000Z'));
    const cycles = status.clocks.filter((c) => c.metric === 'NEXT_UPDATE');
    expect(cycles.map((c) => [c.cycle, c.state, iso(c.dueAt)])).toEqual([
      [1, 'MET', '2026-03-06T11:10:00.000Z'],
      [2, 'MISSED', '2026-03-06T11:40:00.000Z'],
      [3, 'RUNNING', '2026-03-06T13:00:00.000Z'],
    ]);
    expect(status.breached).toBe(true);
    expect(iso(status.nextDueAt)).toBe('2026-03-06T13:00:00.000Z');
  });
  it('pauses NEXT_UPDATE and RESOLUTION while waiting on the customer, when the contract says so', () => {
    const events = [opened('2026-03-06T00:00:00.000Z', 'P1'), reply('2026-03-06T01:00:00.000Z', 'STAFF', true), reply('2026-03-06T05:00:00.000Z', 'CUSTOMER')];
    const waiting = slaStatus(events, policy(), at('2026-03-06T03:00:00.000Z'));
    expect(waiting.clocks.map((c) => [c.metric, c.state])).toEqual([
      ['FIRST_RESPONSE', 'MET'],
      ['NEXT_UPDATE', 'PAUSED'],
      ['RESOLUTION', 'PAUSED'],
    ]);
    expect(waiting.clocks[1]!.dueAt).toBeNull();
    const resumed = slaStatus(events, policy(), at('2026-03-06T06:00:00.000Z'));
    const resolution = resumed.clocks.find((c) => c.metric === 'RESOLUTION')!;
    expect(resolution).toMatchObject({ state: 'RUNNING', elapsedMinutes: 120, pausedMinutes: 240 });
    expect(iso(resolution.dueAt)).toBe('2026-03-07T04:00:00.000Z');
    const update = resumed.clocks.find((c) => c.metric === 'NEXT_UPDATE')!;
    expect(update).toMatchObject({ state: 'RUNNING', elapsedMinutes: 60, pausedMinutes: 240 });
    expect(iso(update.dueAt)).toBe('2026-03-06T09:00:00.000Z');
    const noPause = slaStatus(events, policy({ pauseWhenWaitingOnCustomer: false }), at('2026-03-06T06:00:00.000Z'));
    expect(noPause.clocks.find((c) => c.metric === 'RESOLUTION')).toMatchObject({ state: 'RUNNING', elapsedMinutes: 360, pausedMinutes: 0 });
  });
  it('stops RESOLUTION at resolve and resumes it at reopen without counting the resolved span', () => {
    const events = [opened('2026-03-06T00:00:00.000Z', 'P1'), resolved('2026-03-06T02:00:00.000Z'), reopened('2026-03-06T10:00:00.000Z')];
    expect(clock(events, '2026-03-06T05:00:00.000Z', 'RESOLUTION')).toMatchObject({ state: 'MET', elapsedMinutes: 120 });
    const again = clock(events, '2026-03-06T11:00:00.000Z', 'RESOLUTION');
    expect(again).toMatchObject({ state: 'RUNNING', elapsedMinutes: 180, pausedMinutes: 0, stoppedAt: null });
    expect(iso(again.dueAt)).toBe('2026-03-07T08:00:00.000Z');
  });
  it('cancels clocks still running when the ticket is closed', () => {
    const events = [open, reply('2026-03-06T10:05:00.000Z'), closed('2026-03-06T10:30:00.000Z')];
    const status = slaStatus(events, policy(), at('2026-03-06T20:00:00.000Z'));
    expect(status.clocks.map((c) => [c.metric, c.state])).toEqual([
      ['FIRST_RESPONSE', 'MET'],
      ['NEXT_UPDATE', 'CANCELLED'],
      ['RESOLUTION', 'CANCELLED'],
    ]);
    expect(status.nextDueAt).toBeNull();
  });
});

describe('SLA engine: severity changes', () => {
  it('re-derives every clock from its own start under the new targets', () => {
    const events = [opened('2026-03-06T02:00:00.000Z', 'P3'), assessed('2026-03-06T02:05:00.000Z', 'P0')];
    const before = slaStatus(events, policy(), at('2026-03-06T02:04:00.000Z'));
    expect(before.severity).toBe('P3');
    expect(before.clocks[0]).toMatchObject({ targetMinutes: 480, coverage: 'BUSINESS_HOURS' });
    const after = slaStatus(events, policy(), at('2026-03-06T02:20:00.000Z'));
    expect(after.severity).toBe('P0');
    expect(after.clocks[0]).toMatchObject({ targetMinutes: 15, coverage: 'ALWAYS', state: 'BREACHED' });
    expect(iso(after.clocks[0]!.breachedAt)).toBe('2026-03-06T02:15:00.000Z');
  });
  it('applies the claim again once a dispute is upheld, and a what-if severity on request', () => {
    const events: TicketEvent[] = [
      opened('2026-03-06T02:00:00.000Z', 'P0'),
      assessed('2026-03-06T02:01:00.000Z', 'P2'),
      { type: 'SeverityDisputed', data: { ticketId: 't', claimedSeverity: 'P0', assessedSeverity: 'P2', reason: 'r', disputedBy: customer, disputedAt: '2026-03-06T02:02:00.000Z' } },
      { type: 'SeverityDisputeResolved', data: { ticketId: 't', outcome: 'UPHELD', reason: 'r', decidedBy: staff, decidedAt: '2026-03-06T03:00:00.000Z' } },
    ];
    expect(slaStatus(events, policy(), at('2026-03-06T02:30:00.000Z')).severity).toBe('P2');
    const upheld = slaStatus(events, policy(), at('2026-03-06T03:00:00.000Z'));
    expect(upheld.severity).toBe('P0');
    expect(iso(upheld.clocks[0]!.breachedAt)).toBe('2026-03-06T02:15:00.000Z');
    expect(slaStatus(events, policy(), at('2026-03-06T02:59:00.000Z'), 'P1').clocks[0]).toMatchObject({ targetMinutes: 60, state: 'RUNNING' });
    expect(slaStatus(events, policy(), at('2026-03-06T03:00:00.000Z'), 'P1').clocks[0]).toMatchObject({ targetMinutes: 60, state: 'BREACHED' });
  });
});
