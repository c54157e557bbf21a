import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const OPEN = `mutation($input: OpenTicketInput!) { openTicket(input: $input) { id version status assignee { id } sla { contractVersion calendarVersion } } }`;

/**
 * openTicket records TicketOpened and the routing triage decided in one append, pins the SLA policy, and
 * answers once the read models show all of it; routing balances by the open tickets the read model holds.
 */
describe.each(TEST_BACKENDS)('opening and routing a ticket (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    // Friday 2026-03-06 10:00 in Shanghai: the APAC day shift is open.
    platform = await startTestPlatform({ backend, clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN', { id: 'routing-admin' });
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, { name: 'Routing Co' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    const engineers = [
      await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Web one', skills: ['Web'], calendarId }),
      await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Web two', skills: ['Web'], calendarId }),
    ].sort();
    [first, second] = engineers as [string, string];
  });
  afterAll(async () => {
    await platform?.close();
  });

  const open = async (overrides: Record<string, unknown> = {}) =>
    (
      await mustData(
        platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 'Black screen', description: 'On Web.', claimedSeverity: 'P2', diagnostics: { platform: 'Web' }, ...overrides } }, admin),
      )
    ).openTicket;

  const assignment = async (ticketId: string) => {
    const events = await platform.runtime.store.readStream(`ticket-${ticketId}`);
    return events.find((event) => event.type === 'TicketAssigned')!;
  };

  it('records TicketOpened, then triage’s reactor the TicketAssigned it caused and SLA’s the pin, and shows all of it in the response', async () => {
    const ticket = await open();
    expect(ticket).toMatchObject({ version: 1, status: 'OPEN', assignee: { id: first }, sla: { contractVersion: 1, calendarVersion: 1 } });
    const events = await platform.runtime.store.readStream(`ticket-${ticket.id}`);
    expect(events.map((event) => [event.type, event.revision, event.metadata.actor.id])).toEqual([
      ['TicketOpened', 0, 'routing-admin'],
      ['TicketAssigned', 1, 'router'],
    ]);
    // The assignment is a reaction to the opening (triage.route-new-tickets), dated at the opening.
    expect(events[1]!.metadata).toMatchObject({ causationId: events[0]!.id, correlationId: events[0]!.id, reason: expect.stringMatching(/0 open tickets/) });
    expect((events[1]!.data as { automatic: boolean; assignedAt: string }).automatic).toBe(true);
    expect((events[1]!.data as { assignedAt: string }).assignedAt).toBe((events[0]!.data as { openedAt: string }).openedAt);
    const sla = await platform.runtime.store.readStream(`sla-${ticket.id}`);
    expect(sla.map((event) => event.type)).toEqual(['SlaPolicyPinned']);
  });

  it('gives each new ticket to the engineer with the fewest open tickets, as the read model holds them then', async () => {
    // After the first test: first 1, second 0.
    const a = await open();
    expect(a.assignee.id).toBe(second);
    expect((await assignment(a.id)).metadata.reason).toMatch(/, 0 open tickets$/);
    const b = await open(); // 1 each: the lower id
    expect(b.assignee.id).toBe(first);
    expect((await assignment(b.id)).metadata.reason).toMatch(/, 1 open tickets$/);
    const c = await open(); // first 2, second 1
    expect(c.assignee.id).toBe(second);
    // Resolving one of first's tickets counts at once for the next routing: first 1, second 2.
    await mustData(platform.gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "done") { id } }', { id: b.id }, admin));
    const d = await open();
    expect(d.assignee.id).toBe(first);
    expect((await assignment(d.id)).metadata.reason).toMatch(/, 1 open tickets$/);
    // A new engineer is counted too (and has none).
    const third = await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Web three', skills: ['Web'] });
    const e = await open();
    expect(e.assignee.id).toBe(third);
    expect((await assignment(e.id)).metadata.reason).toMatch(/, 0 open tickets$/);
  });

  it('counts each routed ticket for the next one even before the read model shows it (a burst is balanced)', async () => {
    // Opened at once, the routing reactor takes them back to back, without waiting for triage.tickets between
    // them: an engineer counted with the same number of open tickets twice would mean a stale count. (The unit
    // test libs/triage/application/routing-directory.spec.ts holds the read model back on purpose.)
    const burst = await Promise.all(Array.from({ length: 9 }, () => open()));
    const counted = await Promise.all(
      burst.map(async (ticket) => {
        const event = await assignment(ticket.id);
        const open = /, (\d+) open tickets$/.exec(String(event.metadata.reason))?.[1];
        return `${(event.data as { assigneeId: string }).assigneeId} with ${open}`;
      }),
    );
    expect(new Set(counted).size).toBe(burst.length);
  });

  it('records nothing for a repeated channel message and answers with the ticket it opened', async () => {
    const ticket = await open({ externalId: 'portal-message-1' });
    const before = await eventCount(platform);
    const again = await open({ externalId: 'portal-message-1', subject: 'Black screen (resent)' });
    expect(again.id).toBe(ticket.id);
    expect(again.assignee.id).toBe(ticket.assignee.id);
    expect(await eventCount(platform)).toBe(before);
    // Delivered twice at once: one ticket, one opening, one assignment, one pin.
    const [x, y] = await Promise.all([open({ externalId: 'portal-message-2' }), open({ externalId: 'portal-message-2' })]);
    expect(x.id).toBe(y.id);
    expect((await platform.runtime.store.readStream(`ticket-${x.id}`)).map((event) => event.type)).toEqual(['TicketOpened', 'TicketAssigned']);
    expect((await platform.runtime.store.readStream(`sla-${x.id}`)).map((event) => event.type)).toEqual(['SlaPolicyPinned']);
  });
});
