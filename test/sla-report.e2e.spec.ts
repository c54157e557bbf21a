import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const REPORT = `query($filter: SlaReportFilter!, $groupBy: [SlaReportDimension!]) { slaReport(filter: $filter, groupBy: $groupBy) {
  accountId month severity metric met missed attainmentPercent promisedMinutes { mean p50 p90 } actualMinutes { mean p50 p90 }
  resolvedTickets meanMinutesToResolve medianMinutesToResolve reopenRatePercent firstContactResolutionPercent } }`;

/**
 * March 2026 of a New York account, computed by hand: DST starts on Sunday 8 March, Monday 9 March is a listed
 * holiday of its 09:00-17:00 calendar; a breach made retroactive by an upheld dispute, a clock breached and still
 * open at month end, one cancelled after due, and first responses due at 23:59:59.999 on 31 March and at 00:00 on 1 April.
 */
describe('slaReport over GraphQL (hand-computed month)', () => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let accountId: string;
  let otherAccountId: string;

  const gql = (query: string, variables: Record<string, unknown>, token: string) => mustData(platform.gql(query, variables, token));
  const open = async (claimedSeverity: string, receivedAt?: string) =>
    (await gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity, ...(receivedAt ? { receivedAt } : {}) } }, admin)).openTicket.id as string;
  const advance = (to: string) => gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin);
  const act = (mutation: string, id: string, token = engineer) => gql(`mutation($id: ID!) { ${mutation} { id } }`, { id }, token);
  const march = { from: '2026-03-01', to: '2026-03-31' };

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-02T15:00:00Z' });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin, {
      name: 'New York 5x8',
      timeZone: 'America/New_York',
      weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
      holidays: ['2026-03-09'],
    });
    accountId = await registerAccount(platform, admin, { region: 'AMER', timeZone: 'America/New_York' });
    otherAccountId = await registerAccount(platform, admin, { name: 'Other', region: 'AMER', timeZone: 'America/New_York' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    await signContract(platform, admin, standardContract(otherAccountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });

    // R, Mon 2 March 15:00Z: claimed P0, assessed P2, answered at 30 min, dispute upheld (first response missed
    // under P0: 15 min), resolved at 32 min, reopened at 40, resolved again at 50.
    const retro = await open('P0');
    await act('assessSeverity(ticketId: $id, severity: P2, reason: "single user")', retro);
    await advance('2026-03-02T15:30:00Z');
    await act('addReply(ticketId: $id, body: "Looking")', retro);
    await act('disputeSeverity(ticketId: $id, reason: "stream down")', retro, customer);
    await act('resolveSeverityDispute(ticketId: $id, outcome: UPHELD, reason: "it was")', retro, admin);
    await advance('2026-03-02T15:32:00Z');
    await act('resolveTicket(ticketId: $id, resolution: "fixed")', retro);
    await advance('2026-03-02T15:40:00Z');
    await act('reopenTicket(ticketId: $id, reason: "again")', retro, customer);
    await advance('2026-03-02T15:50:00Z');
    await act('resolveTicket(ticketId: $id, resolution: "fixed again")', retro);

    // D, Fri 6 March 15:00 EST: P2 in business hours — 120 min on Friday, Monday the holiday, then Tuesday from
    // 09:00 EDT (13:00Z): answered at 14:59Z (239 min) and resolved at 15:00Z (240 min).
    await advance('2026-03-06T20:00:00Z');
    const business = await open('P2');
    await advance('2026-03-10T14:59:00Z');
    await act('addReply(ticketId: $id, body: "Fixed in 4.2")', business);
    await advance('2026-03-10T15:00:00Z');
    await act('resolveTicket(ticketId: $id, resolution: "upgrade")', business);

    // C, 20 March 12:00Z: P1 closed at 13:30Z, after its first response was due (13:00Z).
    await advance('2026-03-20T12:00:00Z');
    const cancelled = await open('P1');
    await advance('2026-03-20T13:30:00Z');
    await act('closeTicket(ticketId: $id)', cancelled);

    // B, 31 March 20:00Z: P1 never answered — breached at 21:00Z and still open at month end.
    await advance('2026-03-31T20:00:00Z');
    await open('P1');

    // E and F, P0 received back-dated: first responses due at 23:59:59.999 EDT on 31 March, and at 00:00 on 1 April.
    await advance('2026-04-01T04:00:01Z');
    await open('P0', '2026-04-01T03:44:59.999Z');
    await open('P0', '2026-04-01T03:45:00.000Z');
    await advance('2026-04-01T04:00:02Z');
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('totals the month as computed by hand', async () => {
    const [total] = (await gql(REPORT, { filter: { accountIds: [accountId], ...march } }, admin)).slaReport;
    expect(total).toEqual({
      accountId: null,
      month: null,
      severity: null,
      metric: null,
      // MET: R's update and resolution, D's first response and resolution. MISSED: R's first response
      // (retroactive), C's (cancelled after due), B's (still breached), E's (due 23:59:59.999).
      met: 4,
      missed: 4,
      attainmentPercent: 50,
      promisedMinutes: { mean: 591, p50: 240, p90: 2400 }, // stopped: 15, 60, 240, 240, 2400
      actualMinutes: { mean: 110.6, p50: 42, p90: 240 }, // 30, 2, 42 (32 + 10 after reopening), 239, 240
      resolvedTickets: 2, // R at 32 min (reopened), D at 5460 min (one reply: first contact)
      meanMinutesToResolve: 2746,
      medianMinutesToResolve: 32,
      reopenRatePercent: 50,
      firstContactResolutionPercent: 50,
    });
  });

  it('groups by month and severity (severity in effect: P0 after the upheld dispute)', async () => {
    const rows = (await gql(REPORT, { filter: { accountIds: [accountId], from: '2026-03-01', to: '2026-04-30' }, groupBy: ['MONTH', 'SEVERITY'] }, admin)).slaReport;
    expect(rows.map((r: any) => [r.month, r.severity, r.met, r.missed])).toEqual([
      ['2026-03', 'P0', 2, 2],
      ['2026-03', 'P1', 0, 2],
      ['2026-03', 'P2', 2, 0],
      ['2026-04', 'P0', 0, 1], // F's first response, due 00:00 on 1 April; the resolutions still run
      ['2026-04', 'P1', 0, 0], // B's resolution, due 1 April 20:00Z
    ]);
    const byMetric = (await gql(REPORT, { filter: { ...march, metrics: ['FIRST_RESPONSE'], severities: ['P0', 'P1'] }, groupBy: ['METRIC'] }, admin)).slaReport;
    expect(byMetric.map((r: any) => [r.metric, r.met, r.missed])).toEqual([['FIRST_RESPONSE', 0, 4]]);
  });

  it('shows a customer only their own account, never by assignee; refuses bad ranges', async () => {
    const mine = (await gql(REPORT, { filter: march, groupBy: ['ACCOUNT'] }, customer)).slaReport;
    expect(mine.map((r: any) => r.accountId)).toEqual([accountId]);
    const code = async (variables: Record<string, unknown>, token = customer) => (await platform.gql(REPORT, variables, token)).errors?.[0]?.extensions?.code;
    expect(await code({ filter: { ...march, accountIds: [otherAccountId] } })).toBe('NOT_FOUND');
    expect(await code({ filter: march, groupBy: ['ASSIGNEE'] })).toBe('FORBIDDEN');
    expect(await code({ filter: { from: '2026-03-31', to: '2026-03-01' } }, admin)).toBe('BAD_USER_INPUT');
    expect(await code({ filter: { from: '2024-01-01', to: '2026-01-02' } }, admin)).toBe('BAD_USER_INPUT');
    expect(await code({ filter: { from: '2026-02-30', to: '2026-03-01' } }, admin)).toBe('BAD_USER_INPUT');
  });

  it('drafts the monthly statement: figures, each breach with minutes late and its claim, credits, contract versions', async () => {
    const STATEMENT = `query($a: ID!, $m: String!) { slaStatement(accountId: $a, month: $m) { accountId month status monthOpen
      figures { met missed attainmentPercent } bySeverity { severity met missed }
      breaches { ticketId metric cycle severity state dueAt minutesLate claimStatus proposedCredit { amount currency } credit { amount currency } }
      proposedCredits { amount currency } approvedCredits { amount currency } creditCap { amount currency } contractVersions } }`;
    const [retroBreach] = (await gql(STATEMENT, { a: accountId, m: '2026-03' }, admin)).slaStatement.breaches;
    const claim = await gql('mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id } }', { input: { ticketId: retroBreach.ticketId, metric: 'FIRST_RESPONSE', statement: 'late' } }, customer);
    await gql('mutation($id: ID!) { decideBreachClaim(claimId: $id, decision: APPROVE, reason: "from the log") { id } }', { id: claim.fileBreachClaim.id }, admin);

    const statement = (await gql(STATEMENT, { a: accountId, m: '2026-03' }, customer)).slaStatement;
    expect(statement).toMatchObject({
      accountId, month: '2026-03', status: 'DRAFT', monthOpen: false,
      figures: { met: 4, missed: 4, attainmentPercent: 50 },
      bySeverity: [{ severity: 'P0', met: 2, missed: 2 }, { severity: 'P1', met: 0, missed: 2 }, { severity: 'P2', met: 2, missed: 0 }],
      proposedCredits: { amount: 500, currency: 'USD' }, approvedCredits: { amount: 500, currency: 'USD' },
      creditCap: { amount: 3000, currency: 'USD' }, contractVersions: [1],
    });
    expect(statement.breaches.map((b: any) => [b.metric, b.severity, b.state, b.dueAt, b.minutesLate, b.claimStatus, b.credit])).toEqual([
      ['FIRST_RESPONSE', 'P0', 'MISSED', '2026-03-02T15:15:00.000Z', 15, 'APPROVED', { amount: 500, currency: 'USD' }],
      ['FIRST_RESPONSE', 'P1', 'CANCELLED', '2026-03-20T13:00:00.000Z', 30, null, null],
      // Still running: minutes late as of the log's latest fact for the ticket (its recorded breach).
      ['FIRST_RESPONSE', 'P1', 'BREACHED', '2026-03-31T21:00:00.000Z', 0, null, null],
      ['FIRST_RESPONSE', 'P0', 'BREACHED', '2026-04-01T03:59:59.999Z', 0, null, null],
    ]);
    const stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
    expect((await platform.gql(STATEMENT, { a: accountId, m: '2026-03' }, stranger)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await platform.gql(STATEMENT, { a: accountId, m: '2026-13' }, admin)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rebuilds the report read model from the log to the same figures', async () => {
    const before = (await gql(REPORT, { filter: march, groupBy: ['ACCOUNT', 'MONTH', 'METRIC'] }, admin)).slaReport;
    await platform.runtime.projectionRunner.rebuild('sla.reports');
    expect((await gql(REPORT, { filter: march, groupBy: ['ACCOUNT', 'MONTH', 'METRIC'] }, admin)).slaReport).toEqual(before);
  });
});
