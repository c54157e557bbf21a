import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { defineCalendar, mustData, registerAccount, signContract, standardContract, registerStaff } from './support/fixtures.js';
import { freshPostgresDatabase, type TestDatabase } from './support/test-databases.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const ALERTS = 'subscription($a: ID, $after: String) { slaAlerts(accountId: $a, after: $after) { kind metric cycle at cursor ticket { id } } }';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';

interface Listener {
  received: any[];
  errors: unknown[];
  subscribed: Promise<void>;
  client: Client;
}

function listen(clients: Client[], platform: TestPlatform, token: string, variables: { a?: string | null; after?: string | null } = {}): Listener {
  const received: any[] = [];
  const errors: unknown[] = [];
  const client = createClient({ url: `${platform.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  clients.push(client);
  const subscribed = new Promise<void>((resolve) => {
    // graphql-ws acknowledges a connection, not a subscription: give the server a moment to register it.
    client.on('connected', () => setTimeout(resolve, 100));
    client.on('closed', () => resolve());
  });
  client.subscribe(
    { query: ALERTS, variables: { a: null, after: null, ...variables } },
    { next: (m) => (m.errors ? errors.push(m.errors) : received.push(m.data!['slaAlerts'])), error: (e) => errors.push(e), complete: () => undefined },
  );
  return { received, errors, subscribed, client };
}

const brief = (alerts: any[]) => alerts.map((alert) => `${alert.ticket.id}:${alert.kind}`);

async function openP0(platform: TestPlatform, admin: string, accountId: string): Promise<string> {
  return (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, admin))).openTicket.id;
}

/** Moves the manual clock 16 minutes on: a P0's first-response warning and breach fall due. */
async function passFirstResponse(platform: TestPlatform, admin: string): Promise<void> {
  const now = (await mustData(platform.gql('{ now }', {}, admin))).now as string;
  await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: new Date(Date.parse(now) + 16 * 60_000).toISOString() }, admin));
}

describe('slaAlerts on one process: a resume cursor replays exactly what was missed, then goes live', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    // An engineer round the clock, so these P0s are assigned (an unassignable one would raise UNASSIGNABLE too).
    await registerStaff(platform, admin, { role: 'ENGINEER' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await platform?.close();
  });

  it('hands out a cursor with each alert and resumes after it', async () => {
    const engineer = await platform.token('ENGINEER');
    const first = listen(clients, platform, engineer);
    await first.subscribed;
    const one = await openP0(platform, admin, accountId);
    await passFirstResponse(platform, admin);
    await vi.waitFor(() => expect(first.received).toHaveLength(2), { timeout: 5_000 });
    expect(brief(first.received)).toEqual([`${one}:WARNING`, `${one}:BREACH`]);
    expect(first.received.every((alert) => typeof alert.cursor === 'string' && alert.cursor.length > 0)).toBe(true);
    await first.client.dispose();

    // Missed while disconnected:
    const two = await openP0(platform, admin, accountId);
    await passFirstResponse(platform, admin);

    const resumed = listen(clients, platform, engineer, { after: first.received[1].cursor });
    const fromWarning = listen(clients, platform, engineer, { after: first.received[0].cursor });
    await Promise.all([resumed.subscribed, fromWarning.subscribed]);
    await vi.waitFor(() => expect(resumed.received).toHaveLength(2), { timeout: 5_000 });
    const three = await openP0(platform, admin, accountId);
    await passFirstResponse(platform, admin);
    await vi.waitFor(() => expect(resumed.received).toHaveLength(4), { timeout: 5_000 });
    expect(brief(resumed.received)).toEqual([`${two}:WARNING`, `${two}:BREACH`, `${three}:WARNING`, `${three}:BREACH`]);
    await vi.waitFor(() => expect(fromWarning.received).toHaveLength(5), { timeout: 5_000 });
    expect(brief(fromWarning.received)).toEqual([`${one}:BREACH`, `${two}:WARNING`, `${two}:BREACH`, `${three}:WARNING`, `${three}:BREACH`]);
    expect([...resumed.errors, ...fromWarning.errors]).toEqual([]);
  });

  it('refuses a cursor it did not hand out with BAD_USER_INPUT', async () => {
    const engineer = await platform.token('ENGINEER');
    for (const after of ['not-a-cursor', Buffer.from('sla-alert:12').toString('base64url'), Buffer.from('["x"]').toString('base64url')]) {
      const bad = listen(clients, platform, engineer, { after });
      await vi.waitFor(() => expect(bad.errors.length + bad.received.length).toBeGreaterThan(0), { timeout: 5_000 });
      expect(JSON.stringify(bad.errors)).toMatch(/BAD_USER_INPUT/);
      expect(bad.received).toEqual([]);
    }
  });
});

describe.skipIf(!process.env.LEDGERDESK_TEST_DATABASE_URL)('slaAlerts across processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let firing: TestPlatform;
  let serving: TestPlatform | null = null;
  let admin: string;
  let accountId: string;
  let otherAccountId: string;
  const clients: Client[] = [];
  const env = () => ({ LEDGERDESK_EVENT_STORE: 'postgres', DATABASE_URL: database.url });

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    firing = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z', env: env() });
    serving = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z', env: env() });
    admin = await firing.token('ADMIN');
    const calendarId = await defineCalendar(firing, admin);
    accountId = await registerAccount(firing, admin);
    await registerStaff(firing, admin, { role: 'ENGINEER' });
    otherAccountId = await registerAccount(firing, admin, { name: 'Other' });
    await signContract(firing, admin, standardContract(accountId, calendarId));
    await signContract(firing, admin, standardContract(otherAccountId, calendarId));
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await serving?.close();
    await firing?.close();
    await database?.drop();
  });

  it('delivers a breach fired in one process to a subscriber of another, and resumes there after a restart', async () => {
    const server = serving!;
    const customer = await server.token('CUSTOMER', { accountId });
    const mine = listen(clients, server, customer);
    const theirs = listen(clients, server, await server.token('CUSTOMER', { accountId: otherAccountId }));
    await Promise.all([mine.subscribed, theirs.subscribed]);

    const one = await openP0(firing, admin, accountId);
    await passFirstResponse(firing, admin); // the timers fire in the other process
    await vi.waitFor(() => expect(mine.received).toHaveLength(2), { timeout: 10_000 });
    expect(mine.received.map(({ kind, metric, cycle, ticket }) => ({ kind, metric, cycle, ticket }))).toEqual([
      { kind: 'WARNING', metric: 'FIRST_RESPONSE', cycle: 1, ticket: { id: one } },
      { kind: 'BREACH', metric: 'FIRST_RESPONSE', cycle: 1, ticket: { id: one } },
    ]);
    const lastSeen = mine.received[1].cursor as string;

    // The serving process goes away (with its subscribers); alerts keep being recorded meanwhile.
    await serving!.close();
    serving = null;
    const two = await openP0(firing, admin, accountId);
    const other = await openP0(firing, admin, otherAccountId);
    await passFirstResponse(firing, admin);

    const now = (await mustData(firing.gql('{ now }', {}, admin))).now as string;
    serving = await startTestPlatform({ clockStart: now, env: env() });
    const back = listen(clients, serving, await serving.token('CUSTOMER', { accountId }), { after: lastSeen });
    const fresh = listen(clients, serving, await serving.token('ENGINEER'));
    await Promise.all([back.subscribed, fresh.subscribed]);
    await vi.waitFor(() => expect(back.received).toHaveLength(2), { timeout: 10_000 });
    expect(brief(back.received)).toEqual([`${two}:WARNING`, `${two}:BREACH`]);

    // Then live, still from the other process; the other account's alerts never reach this customer.
    const three = await openP0(firing, admin, accountId);
    await passFirstResponse(firing, admin);
    await vi.waitFor(() => expect(back.received).toHaveLength(4), { timeout: 10_000 });
    expect(brief(back.received)).toEqual([`${two}:WARNING`, `${two}:BREACH`, `${three}:WARNING`, `${three}:BREACH`]);
    // A subscriber without a cursor starts from the head: only what was recorded after it subscribed.
    await vi.waitFor(() => expect(fresh.received).toHaveLength(2), { timeout: 10_000 });
    expect(brief(fresh.received)).toEqual([`${three}:WARNING`, `${three}:BREACH`]);
    expect(back.received.some((alert) => alert.ticket.id === other)).toBe(false);
    expect(theirs.received).toEqual([]); // the other account's customer, connected while ticket one's alerts went out
    // (`mine` ended with the process that went away: 1001 Going away.)
    expect([...back.errors, ...fresh.errors]).toEqual([]);
  });
});
