import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvidenceBundle, type EvidenceBundle } from '#audit';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const REGISTER = 'mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { webhook { id } } }';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const DELIVERIES = 'query($id: ID!) { deliveries(ticketId: $id) { id kind webhookId status } }';
const VERIFY = 'query($id: ID!) { verifyTicketHistory(ticketId: $id) { valid eventsChecked problem } }';

/** Waits for something the platform does asynchronously (the delivery and its recorded outcome). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(TEST_BACKENDS)('deliveries in the evidence bundle and in verifyTicketHistory (%s)', (backend) => {
  let platform: TestPlatform;
  let server: Server;
  let admin: string;
  let customer: string;
  let accountId: string;
  let ticketId: string;
  let companyHook: string;
  let accountHook: string;

  beforeAll(async () => {
    server = createServer((request, response) => request.resume().on('end', () => response.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    platform = await startTestPlatform({ backend, clockStart: '2026-03-06T02:00:00Z', env: { LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true' } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
    const register = async (path: string, scope: string | null) =>
      (await mustData(platform.gql(REGISTER, { input: { url: `${url}${path}`, eventTypes: ['TicketOpened'], accountId: scope } }, admin))).registerWebhook.webhook.id as string;
    companyHook = await register('/company', null);
    accountHook = await register('/account', accountId);
    ticketId = (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, customer))).openTicket.id;
    await until(async () => {
      const rows = (await mustData(platform.gql(DELIVERIES, { id: ticketId }, admin))).deliveries as { status: string }[];
      return rows.length === 2 && rows.every((row) => row.status === 'SUCCEEDED');
    }, 'both deliveries to succeed');
  });
  afterAll(async () => {
    await platform?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const exportAs = async (token: string) =>
    (await (await fetch(`${platform.url}/audit/tickets/${ticketId}/export`, { headers: { authorization: `Bearer ${token}` } })).json()) as EvidenceBundle;
  const deliveryStreams = (bundle: EvidenceBundle) => Object.keys(bundle.streams).filter((stream) => stream.startsWith('delivery-'));
  const deliveryIds = async () => ((await mustData(platform.gql(DELIVERIES, { id: ticketId }, admin))).deliveries as { id: string; webhookId: string }[]);

  it('bundles every delivery stream with its head; the bundle holds; a customer gets only their own hooks’ deliveries', async () => {
    const all = await deliveryIds();
    const bundle = await exportAs(admin);
    expect(deliveryStreams(bundle).sort()).toEqual(all.map((d) => `delivery-${d.id}`).sort());
    expect(all.map((d) => (d as { kind?: string }).kind)).toEqual(['WEBHOOK', 'WEBHOOK']);
    for (const stream of deliveryStreams(bundle)) {
      expect(bundle.streams[stream]!.map((event) => event.type)).toEqual(['DeliveryRequested', 'DeliveryAttempted', 'DeliverySucceeded']);
      expect(bundle.heads[stream]).toMatchObject({ revision: 2, hash: bundle.streams[stream]![2]!.hash });
    }
    const check = checkEvidenceBundle(bundle);
    expect(check.ok).toBe(true);
    expect(check.lines.filter((line) => /^HOLDS {3}delivery-/.test(line))).toHaveLength(2);

    const own = all.find((d) => d.webhookId === accountHook)!;
    const customers = await exportAs(customer);
    expect(deliveryStreams(customers)).toEqual([`delivery-${own.id}`]);
    expect(checkEvidenceBundle(customers).ok).toBe(true);
    expect(all.find((d) => d.webhookId === companyHook)).toBeDefined();
  });

  it('catches a delivery altered in the bundle ("the receiver answered 500") and a delivery tail cut from it', async () => {
    const bundle = await exportAs(admin);
    const [stream] = deliveryStreams(bundle);
    const altered = structuredClone(bundle);
    (altered.streams[stream!]![2]!.data as { responseStatus: number }).responseStatus = 500;
    const broken = checkEvidenceBundle(altered);
    expect(broken.ok).toBe(false);
    expect(broken.lines.join('\n')).toMatch(new RegExp(`BROKEN  ${stream}: revision 2: content does not match`));

    const cut = structuredClone(bundle);
    cut.streams[stream!]!.pop(); // "it was attempted, but it never succeeded"
    expect(checkEvidenceBundle(cut).lines.join('\n')).toMatch(new RegExp(`BROKEN  ${stream}: .*missing from its tail`));
  });

  it('verifyTicketHistory checks the delivery streams and names one changed behind the store’s back', async () => {
    const before = (await mustData(platform.gql(VERIFY, { id: ticketId }, admin))).verifyTicketHistory;
    expect(before).toMatchObject({ valid: true, problem: null });
    const ticketAndSla = (await platform.runtime.store.readStream(`ticket-${ticketId}`)).length + (await platform.runtime.store.readStream(`sla-${ticketId}`)).length;
    expect(before.eventsChecked).toBe(ticketAndSla + 6);

    const own = (await deliveryIds()).find((d) => d.webhookId === accountHook)!;
    await platform.runtime.readDb.query(
      `UPDATE event_store.events SET data = jsonb_set(data, '{responseStatus}', '500') WHERE stream = $1 AND revision = 2`,
      [`delivery-${own.id}`],
    );
    for (const token of [admin, customer]) {
      const after = (await mustData(platform.gql(VERIFY, { id: ticketId }, token))).verifyTicketHistory;
      expect(after.valid).toBe(false);
      expect(after.problem).toMatch(new RegExp(`^delivery-${own.id}: `));
    }
    const check = checkEvidenceBundle(await exportAs(admin));
    expect(check.ok).toBe(false);
    expect(check.lines.join('\n')).toMatch(new RegExp(`BROKEN  delivery-${own.id}: revision 2: content does not match`));
  });
});
