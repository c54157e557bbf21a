import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const TICKET = 'query($id: ID!) { ticket(id: $id) { status resolvedAt closedAt } }';

describe('resolved tickets close by themselves after the quiet period (default 7 days)', () => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let accountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-02T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    engineer = await platform.token('ENGINEER', { id: await registerStaff(platform, admin, { role: 'ENGINEER', calendarId }) });
    customer = await platform.token('CUSTOMER', { id: 'dev-1', accountId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const openAndResolve = async () => {
    const { id } = (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 'Echo', description: 'd', claimedSeverity: 'P2' } }, customer))).openTicket;
    await mustData(platform.gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "Fixed") { id } }', { id }, engineer));
    return id as string;
  };
  const ticket = async (id: string) => (await mustData(platform.gql(TICKET, { id }, admin))).ticket;
  const advanceTo = (to: string) => mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin));

  it('closes a ticket nobody reopened 7 days after its resolution, and leaves a reopened one alone', async () => {
    const quiet = await openAndResolve();
    const reopened = await openAndResolve();
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Still broken") { id } }', { id: reopened }, customer));

    await advanceTo('2026-03-09T01:59:00Z');
    expect((await ticket(quiet)).status).toBe('RESOLVED');
    await advanceTo('2026-03-09T02:01:00Z');
    expect(await ticket(quiet)).toMatchObject({ status: 'CLOSED', closedAt: '2026-03-09T02:00:00.000Z' });
    expect((await ticket(reopened)).status).toBe('IN_PROGRESS');

    const history = await mustData(platform.gql('query($id: ID!) { ticketHistory(ticketId: $id) { events { type actor { id } data } } }', { id: quiet }, admin));
    const closings = history.ticketHistory.events.filter((event: { type: string }) => event.type === 'TicketClosed');
    expect(closings).toHaveLength(1);
    expect(closings[0]).toMatchObject({ actor: { id: 'triage-auto-close' }, data: { automatic: true } });
    // Closed is final: the customer opens a new ticket instead.
    const late = await platform.gql('mutation($id: ID!) { reopenTicket(ticketId: $id, reason: "again") { id } }', { id: quiet }, customer);
    expect(late.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
