import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

// incidentUpdates (issue #13) over a real graphql-ws socket, on the manual clock: staff see every update, a customer
// only PUBLIC updates of incidents linked to their account's tickets; a cursor resumes exactly after an update.

const START = '2026-03-02T02:00:00Z';
const UPDATES = 'subscription($i: ID, $after: String) { incidentUpdates(incidentId: $i, after: $after) { incidentId cursor update { id status body visibility postedAt } } }';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const DECLARE = 'mutation($input: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $input) { id } }';
const LINK = 'mutation($id: ID!, $ids: [ID!]!) { linkTicketsToIncident(incidentId: $id, ticketIds: $ids) { linkedTicketCount } }';
const POST = 'mutation($id: ID!, $b: String!, $v: IncidentVisibility!) { postIncidentUpdate(incidentId: $id, status: IDENTIFIED, body: $b, visibility: $v) { id } }';
const ADVANCE = 'mutation($to: DateTime!) { advanceClock(to: $to) }';

interface Listener {
  received: any[];
  errors: any[];
  subscribed: Promise<void>;
  client: Client;
}

describe('incidentUpdates subscription', () => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customerA: string;
  let incidentA: string;
  let incidentB: string;
  const clients: Client[] = [];

  const listen = (token: string, variables: { i?: string | null; after?: string | null } = {}): Listener => {
    const received: any[] = [];
    const errors: any[] = [];
    const client = createClient({ url: `${platform.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    clients.push(client);
    const subscribed = new Promise<void>((resolve) => {
      // graphql-ws acknowledges a connection, not a subscription: give the server a moment to register it.
      client.on('connected', () => setTimeout(resolve, 300));
      client.on('closed', () => resolve());
    });
    client.subscribe(
      { query: UPDATES, variables: { i: null, after: null, ...variables } },
      { next: (m) => (m.errors ? errors.push(m.errors) : received.push(m.data!['incidentUpdates'])), error: (e) => errors.push(e), complete: () => undefined },
    );
    return { received, errors, subscribed, client };
  };
  const post = async (incidentId: string, body: string, visibility: 'PUBLIC' | 'INTERNAL', at: string) => {
    await mustData(platform.gql(ADVANCE, { to: at }, admin));
    return (await mustData(platform.gql(POST, { id: incidentId, b: body, v: visibility }, engineer))).postIncidentUpdate.id as string;
  };
  const brief = (notices: any[]) => notices.map((n) => `${n.incidentId === incidentA ? 'A' : 'B'}:${n.update.body}:${n.update.visibility}:${n.update.postedAt}`);

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: START });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    const accountA = await registerAccount(platform, admin, { name: 'A' });
    const accountB = await registerAccount(platform, admin, { name: 'B' });
    for (const id of [accountA, accountB]) await signContract(platform, admin, standardContract(id, calendarId));
    customerA = await platform.token('CUSTOMER', { accountId: accountA });
    const open = async (accountId: string) =>
      (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 'black screen', description: 'd', claimedSeverity: 'P0' } }, admin))).openTicket.id as string;
    const declare = async (title: string) =>
      (await mustData(platform.gql(DECLARE, { input: { title, severity: 'SEV1', regions: [], components: [], startedAt: START, publicSummary: 's' } }, engineer))).declarePlatformIncident.id as string;
    incidentA = await declare('CDN APAC');
    incidentB = await declare('Media servers EU');
    await mustData(platform.gql(LINK, { id: incidentA, ids: [await open(accountA)] }, engineer));
    await mustData(platform.gql(LINK, { id: incidentB, ids: [await open(accountB)] }, engineer));
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await platform?.close();
  });

  it('staff get every update in log order; a customer only PUBLIC ones of incidents linked to their account', async () => {
    const staff = listen(engineer);
    const customer = listen(customerA);
    await Promise.all([staff.subscribed, customer.subscribed]);

    await post(incidentA, 'investigating internally', 'INTERNAL', '2026-03-02T02:10:00Z');
    await post(incidentA, 'rolling back the CDN config', 'PUBLIC', '2026-03-02T02:20:00Z');
    await post(incidentB, 'EU media servers restarting', 'PUBLIC', '2026-03-02T02:30:00Z');

    await vi.waitFor(() => expect(staff.received).toHaveLength(3), { timeout: 10_000 });
    expect(brief(staff.received)).toEqual([
      'A:investigating internally:INTERNAL:2026-03-02T02:10:00.000Z',
      'A:rolling back the CDN config:PUBLIC:2026-03-02T02:20:00.000Z',
      'B:EU media servers restarting:PUBLIC:2026-03-02T02:30:00.000Z',
    ]);
    await vi.waitFor(() => expect(customer.received).toHaveLength(1), { timeout: 10_000 });
    // Give a stray delivery (B's update, A's internal one) time to show up if it were sent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(brief(customer.received)).toEqual(['A:rolling back the CDN config:PUBLIC:2026-03-02T02:20:00.000Z']);
    expect(staff.errors).toEqual([]);
    expect(customer.errors).toEqual([]);

    // Resuming after the first update's cursor replays exactly the two after it, then stays live.
    await staff.client.dispose();
    const resumed = listen(engineer, { after: staff.received[0].cursor });
    await resumed.subscribed;
    await vi.waitFor(() => expect(resumed.received).toHaveLength(2), { timeout: 10_000 });
    expect(resumed.received.map((n) => n.update.body)).toEqual(['rolling back the CDN config', 'EU media servers restarting']);

    // One incident only: B's subscriber sees a new update on B, not one on A.
    const b = listen(engineer, { i: incidentB });
    await b.subscribed;
    await post(incidentA, 'CDN recovering', 'PUBLIC', '2026-03-02T02:40:00Z');
    await post(incidentB, 'EU back', 'PUBLIC', '2026-03-02T02:50:00Z');
    await vi.waitFor(() => expect(b.received).toHaveLength(1), { timeout: 10_000 });
    expect(brief(b.received)).toEqual(['B:EU back:PUBLIC:2026-03-02T02:50:00.000Z']);
    await vi.waitFor(() => expect(resumed.received).toHaveLength(4), { timeout: 10_000 });
    await vi.waitFor(() => expect(customer.received).toHaveLength(2), { timeout: 10_000 });
    expect(customer.received[1].update.body).toBe('CDN recovering');
  });

  it('refuses an incident the customer may not see, and a cursor it did not hand out', async () => {
    const other = listen(customerA, { i: incidentB });
    await vi.waitFor(() => expect(other.errors).toHaveLength(1), { timeout: 10_000 });
    expect(JSON.stringify(other.errors[0])).toContain('NOT_FOUND');
    const bad = listen(engineer, { after: 'not-a-cursor' });
    await vi.waitFor(() => expect(bad.errors).toHaveLength(1), { timeout: 10_000 });
    expect(JSON.stringify(bad.errors[0])).toContain('BAD_USER_INPUT');
    expect(other.received).toEqual([]);
  });
});
