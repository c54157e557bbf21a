import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const ALERTS = 'subscription($a: ID) { slaAlerts(accountId: $a) { kind metric cycle dueAt at ticket { id } } }';

describe('SLA alerts over GraphQL-over-WebSocket (graphql-transport-ws)', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let otherAccountId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    otherAccountId = await registerAccount(platform, admin, { name: 'Other' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    await signContract(platform, admin, standardContract(otherAccountId, calendarId));
    // An APAC engineer round the clock, so these P0s are assigned (an unassignable one raises UNASSIGNABLE, tested below).
    await registerStaff(platform, admin, { role: 'ENGINEER' });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await platform?.close();
  });

  function listen(token: string | null, accountFilter: string | null = null) {
    const received: any[] = [];
    const errors: unknown[] = [];
    const client = createClient({
      url: `${platform.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
    });
    clients.push(client);
    const subscribed = new Promise<void>((resolve) => {
      // graphql-ws acknowledges a connection, not a subscription: give the server a moment to register it.
      client.on('connected', () => setTimeout(resolve, 50));
      client.on('closed', () => resolve());
    });
    const closes: { code: number; reason: string }[] = [];
    client.on('closed', (event) => closes.push({ code: (event as { code: number }).code, reason: (event as { reason: string }).reason }));
    client.subscribe({ query: ALERTS, variables: { a: accountFilter } }, { next: (m) => received.push(m), error: (e) => errors.push(e), complete: () => undefined });
    return { received, errors, subscribed, closes };
  }

  it('sends each warning and breach once, and a customer only their own account’s', async () => {
    const mine = listen(await platform.token('CUSTOMER', { accountId }));
    const theirs = listen(await platform.token('CUSTOMER', { accountId: otherAccountId }));
    const staff = listen(await platform.token('ENGINEER'), accountId);
    const anonymous = listen(null);
    await Promise.all([mine.subscribed, theirs.subscribed, staff.subscribed, anonymous.subscribed]);

    const opened = await mustData(
      platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, admin),
    );
    const id = opened.openTicket.id;
    await mustData(platform.gql('mutation { advanceClock(to: "2026-03-06T02:16:00Z") }', {}, admin));
    await vi.waitFor(() => expect(mine.received).toHaveLength(2), { timeout: 5_000 });
    expect(mine.received.map((m) => m.data.slaAlerts)).toEqual([
      { kind: 'WARNING', metric: 'FIRST_RESPONSE', cycle: 1, dueAt: '2026-03-06T02:15:00.000Z', at: '2026-03-06T02:11:15.000Z', ticket: { id } },
      { kind: 'BREACH', metric: 'FIRST_RESPONSE', cycle: 1, dueAt: '2026-03-06T02:15:00.000Z', at: '2026-03-06T02:15:00.000Z', ticket: { id } },
    ]);
    await vi.waitFor(() => expect(staff.received).toHaveLength(2), { timeout: 5_000 });

    await mustData(platform.gql('mutation { advanceClock(to: "2026-03-06T02:30:00Z") }', {}, admin));
    // Another account's breach arrives after ours would have; by then anything for us would have too.
    await mustData(
      platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId: otherAccountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, admin),
    );
    await mustData(platform.gql('mutation { advanceClock(to: "2026-03-06T02:46:00Z") }', {}, admin));
    await vi.waitFor(() => expect(theirs.received).toHaveLength(2), { timeout: 5_000 });
    expect(mine.received).toHaveLength(2);
    expect(theirs.received.every((m) => m.data.slaAlerts.ticket.id !== id)).toBe(true);
    expect(anonymous.received).toHaveLength(0);
  });

  it('closes a subscription (4401) when the token it connected with expires, and delivers nothing after', async () => {
    // Tokens are judged by real time: this one lives about two seconds (exp is in whole seconds).
    const shortLived = listen(await platform.token('ENGINEER', { expiresIn: '2s' }), accountId);
    const longLived = listen(await platform.token('ENGINEER'), accountId);
    await Promise.all([shortLived.subscribed, longLived.subscribed]);
    expect(shortLived.closes).toEqual([]);
    await vi.waitFor(() => expect(shortLived.closes).toHaveLength(1), { timeout: 5_000, interval: 100 });
    expect(shortLived.closes[0]).toEqual({ code: 4401, reason: 'Unauthorized: the token has expired' });

    await mustData(
      platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, admin),
    );
    const now = (await mustData(platform.gql('{ now }', {}, admin))).now as string;
    await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: new Date(Date.parse(now) + 16 * 60_000).toISOString() }, admin));
    await vi.waitFor(() => expect(longLived.received.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    expect(shortLived.received).toHaveLength(0);
    expect(longLived.closes).toEqual([]);
  });

  it('raises UNASSIGNABLE for a P0/P1 routing can give nobody (no engineer on shift in the region, no TAM), recorded as TicketUnassignable', async () => {
    const nobodyThere = await registerAccount(platform, admin, { name: 'Sao Paulo Streams', region: 'LATAM', timeZone: 'America/Sao_Paulo' });
    await signContract(platform, admin, standardContract(nobodyThere, await defineCalendar(platform, admin, { name: 'Sao Paulo 5x8', timeZone: 'America/Sao_Paulo', weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })) })));
    const customer = listen(await platform.token('CUSTOMER', { accountId: nobodyThere }));
    await customer.subscribed;
    const open = (claimedSeverity: string) =>
      mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id assignee { id } } }', { input: { accountId: nobodyThere, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity } }, admin));
    const p3 = (await open('P3')).openTicket;
    const p1 = (await open('P1')).openTicket;
    expect(p1.assignee).toBeNull();
    await vi.waitFor(() => expect(customer.received).toHaveLength(1), { timeout: 5_000 });
    const now = (await mustData(platform.gql('{ now }', {}, admin))).now as string;
    expect(customer.received[0].data.slaAlerts).toEqual({ kind: 'UNASSIGNABLE', metric: 'FIRST_RESPONSE', cycle: 1, dueAt: now, at: now, ticket: { id: p1.id } });
    const history = await mustData(platform.gql('query($id: ID!) { ticketHistory(ticketId: $id) { events { type actor { id } data } } }', { id: p1.id }, admin));
    const found = history.ticketHistory.events.filter((event: { type: string }) => event.type === 'TicketUnassignable');
    expect(found).toEqual([{ type: 'TicketUnassignable', actor: { id: 'router' }, data: expect.objectContaining({ severity: 'P1', region: 'LATAM', reason: expect.stringContaining('no TAM') }) }]);
    // A P3 may wait for a shift: nothing recorded, nothing raised.
    const p3History = await mustData(platform.gql('query($id: ID!) { ticketHistory(ticketId: $id) { events { type } } }', { id: p3.id }, admin));
    expect(p3History.ticketHistory.events.map((event: { type: string }) => event.type)).not.toContain('TicketUnassignable');
  });

  it('refuses a customer asking for another account’s alerts', async () => {
    const stranger = listen(await platform.token('CUSTOMER', { accountId: otherAccountId }), accountId);
    await stranger.subscribed;
    await vi.waitFor(() => expect(stranger.errors.length + stranger.received.length).toBeGreaterThan(0), { timeout: 5_000 });
    expect(JSON.stringify(stranger.errors.length ? stranger.errors : stranger.received)).toMatch(/NOT_FOUND/);
  });
});
