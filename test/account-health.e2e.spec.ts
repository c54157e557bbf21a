import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const HEALTH = `query($a: ID!) { account(id: $a) { health { openTickets breachesLast30Days slaAttainmentPercent
  creditsIssued { amount currency } creditsThisMonth { amount currency } creditsLast12Months { amount currency } } } }`;

/**
 * Account health follows the SLA engine's verdicts: a breach made retroactive by an upheld dispute counts,
 * clocks still breached and cancelled after due count as missed, and credits are per currency and month.
 */
describe.each(TEST_BACKENDS)('Account.health from the engine’s SLA status (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let accountId: string;
  const T0 = Date.parse('2026-03-02T01:00:00Z'); // a Monday, 09:00 in Shanghai
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2025-01-06T01:00:00Z' });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId, { effectiveFrom: '2025-01-01T00:00:00Z' }));
    customer = await platform.token('CUSTOMER', { accountId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const gql = (query: string, variables: Record<string, unknown>, token: string) => mustData(platform.gql(query, variables, token));
  const open = async (claimedSeverity: string) =>
    (await gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity } }, customer)).openTicket.id as string;
  const advance = (to: string) => gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin);
  const approveFirstResponseClaim = async (ticketId: string) => {
    const claim = await gql('mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id } }', { input: { ticketId, metric: 'FIRST_RESPONSE', statement: 'late' } }, customer);
    await gql('mutation($id: ID!) { decideBreachClaim(claimId: $id, decision: APPROVE, reason: "from the log") { id } }', { id: claim.fileBreachClaim.id }, admin);
  };

  it('counts retroactive, still-breached and cancelled-after-due clocks, and credits per currency of the last 12 months', async () => {
    // A year earlier, a USD credit: outside the last 12 months by the time of the checks.
    const old = await open('P0');
    await advance('2025-01-06T01:30:00Z');
    await approveFirstResponseClaim(old);
    await gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "done") { id } }', { id: old }, engineer);
    await gql('mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', { id: old }, engineer);
    await advance('2026-03-01T00:00:00Z');
    const calendarId = (await platform.runtime.readDb.query<{ calendar_id: string }>('SELECT calendar_id FROM sla.calendar_versions LIMIT 1'))[0]!.calendar_id;
    await signContract(platform, admin, standardContract(accountId, calendarId, { currency: 'EUR', effectiveFrom: '2026-03-01T00:00:00Z' }));
    await advance(at(0));

    // A: claimed P0, assessed P2 at once, answered at 30 minutes (met under P2), then the dispute is upheld:
    // under P0 the first response was due at 15 minutes — a breach no timer ever recorded.
    const retro = await open('P0');
    await gql('mutation($id: ID!) { assessSeverity(ticketId: $id, severity: P2, reason: "single user") { id } }', { id: retro }, engineer);
    await advance(at(30));
    await gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Looking") { id } }', { id: retro }, engineer);
    await gql('mutation($id: ID!) { disputeSeverity(ticketId: $id, reason: "our stream is down") { id } }', { id: retro }, customer);
    await gql('mutation($id: ID!) { resolveSeverityDispute(ticketId: $id, outcome: UPHELD, reason: "it was") { id } }', { id: retro }, admin);
    await advance(at(32));
    await gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "fixed") { id } }', { id: retro }, engineer);
    expect((await platform.runtime.store.readStream(`sla-${retro}`)).map((e) => e.type)).toEqual(['SlaPolicyPinned']);
    await approveFirstResponseClaim(retro);

    // B: P0 never answered — its first response is BREACHED and still running.
    await open('P0');
    // C: P1 breached at 60 minutes, then closed: CANCELLED after its due time.
    await advance(at(50));
    const cancelled = await open('P1');
    await advance(at(115));
    await gql('mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', { id: cancelled }, engineer);

    const health = (await gql(HEALTH, { a: accountId }, customer)).account.health;
    // Decided: A's first response (missed), next update and resolution (met), B's and C's first responses (missed).
    expect(health).toEqual({
      openTickets: 1,
      breachesLast30Days: 3,
      slaAttainmentPercent: 40,
      creditsIssued: { amount: 500, currency: 'EUR' },
      creditsThisMonth: [{ amount: 500, currency: 'EUR' }],
      creditsLast12Months: [{ amount: 500, currency: 'EUR' }],
    });

    // SLA counts open tickets from its own copy of the ticket events: a reopened ticket is open again, a closed one
    // stays closed (the count triage's read model gives too).
    await gql('mutation($id: ID!) { reopenTicket(ticketId: $id, reason: "again") { id } }', { id: retro }, customer);
    expect((await gql(HEALTH, { a: accountId }, customer)).account.health.openTickets).toBe(2);
    const [triage] = await platform.runtime.readDb.query<{ n: string }>(`SELECT count(*)::text AS n FROM triage.tickets WHERE account_id = $1 AND status NOT IN ('RESOLVED', 'CLOSED')`, [accountId]);
    expect(Number(triage!.n)).toBe(2);
  });
});
