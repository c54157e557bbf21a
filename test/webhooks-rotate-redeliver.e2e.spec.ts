import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

/** The recipe docs/outbound.md gives receivers. */
function verify(secret: string, header: string, rawBody: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=')));
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return typeof v1 === 'string' && v1.length === expected.length && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const REGISTER = 'mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret webhook { id secretFingerprint } } }';
const ROTATE = 'mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id secretFingerprint active } } }';
const REDELIVER = 'mutation($id: ID!) { redeliver(deliveryId: $id) { id status idempotencyKey } }';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const DELIVERIES = 'query($id: ID!) { deliveries(ticketId: $id) { id status attempts idempotencyKey attemptLog { attempt outcome } } }';

describe.each(TEST_BACKENDS)('rotateWebhookSecret and redeliver (%s)', (backend) => {
  let platform: TestPlatform;
  let server: Server;
  const requests: { headers: IncomingHttpHeaders; body: string }[] = [];
  let admin: string;
  let engineer: string;
  let accountId: string;
  let hook: { secret: string; webhook: { id: string; secretFingerprint: string } };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    platform = await startTestPlatform({ backend, clockStart: '2026-03-06T02:00:00Z', env: { LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true' } });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    hook = (await mustData(platform.gql(REGISTER, { input: { url, eventTypes: ['TicketOpened'] } }, admin))).registerWebhook;
  });
  afterAll(async () => {
    await platform?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const open = async () =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, admin))).openTicket.id as string;
  const deliveriesOf = async (ticketId: string) => (await mustData(platform.gql(DELIVERIES, { id: ticketId }, admin))).deliveries as any[];
  const sentFor = (ticketId: string) => requests.filter((request) => JSON.parse(request.body).ticketId === ticketId);

  it('rotates the secret: the new one is shown once, the fingerprint changes, later deliveries sign with it only', async () => {
    const first = await open();
    await until(async () => (await deliveriesOf(first))[0]?.status === 'SUCCEEDED', 'the first delivery');
    expect(verify(hook.secret, String(sentFor(first)[0]!.headers['ledgerdesk-signature']), sentFor(first)[0]!.body)).toBe(true);

    const rotated = (await mustData(platform.gql(ROTATE, { id: hook.webhook.id }, admin))).rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    expect(rotated.webhook).toMatchObject({ id: hook.webhook.id, active: true });
    expect(rotated.webhook.secretFingerprint).not.toBe(hook.webhook.secretFingerprint);
    const logged = JSON.stringify((await platform.runtime.store.readStream(`webhook-${hook.webhook.id}`)).map((event) => [event.type, event.data]));
    expect(logged).toContain('WebhookSecretRotated');
    expect(logged).not.toContain(rotated.secret);

    const second = await open();
    await until(() => sentFor(second).length === 1, 'the delivery after the rotation');
    const [request] = sentFor(second);
    expect(verify(rotated.secret, String(request!.headers['ledgerdesk-signature']), request!.body)).toBe(true);
    expect(verify(hook.secret, String(request!.headers['ledgerdesk-signature']), request!.body)).toBe(false);
    hook = { ...hook, secret: rotated.secret };
    // The receiver answers before the outcome is recorded: wait for it, so the next test counts a quiet log.
    await until(async () => (await deliveriesOf(second))[0]?.status === 'SUCCEEDED', 'the outcome after the rotation');
  });

  it('refuses a rotation on an unknown hook or by a non-admin, recording nothing', async () => {
    const before = await eventCount(platform);
    expect((await platform.gql(ROTATE, { id: 'nope' }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await platform.gql(ROTATE, { id: hook.webhook.id }, engineer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);
  });

  it('redelivers a finished delivery: a new attempt on its stream, same body and idempotency key', async () => {
    const ticketId = await open();
    await until(async () => (await deliveriesOf(ticketId))[0]?.status === 'SUCCEEDED', 'the delivery');
    const [delivery] = await deliveriesOf(ticketId);
    await until(() => sentFor(ticketId).length === 1, 'the first request');

    const again = (await mustData(platform.gql(REDELIVER, { id: delivery.id }, admin))).redeliver;
    expect(again).toMatchObject({ id: delivery.id, idempotencyKey: delivery.idempotencyKey });
    await until(() => sentFor(ticketId).length === 2, 'the redelivered request');
    const [original, repeat] = sentFor(ticketId);
    expect(repeat!.body).toBe(original!.body);
    expect(repeat!.headers['idempotency-key']).toBe(delivery.idempotencyKey);
    expect(repeat!.headers['idempotency-key']).toBe(original!.headers['idempotency-key']);
    expect(verify(hook.secret, String(repeat!.headers['ledgerdesk-signature']), repeat!.body)).toBe(true);

    await until(async () => (await deliveriesOf(ticketId))[0]?.attemptLog.at(-1)?.outcome === 'SUCCEEDED' && (await deliveriesOf(ticketId))[0]?.attempts === 2, 'the second outcome');
    const events = await platform.runtime.store.readStream(`delivery-${delivery.id}`);
    expect(events.map((event) => event.type)).toEqual(['DeliveryRequested', 'DeliveryAttempted', 'DeliverySucceeded', 'DeliveryRedeliveryRequested', 'DeliveryAttempted', 'DeliverySucceeded']);
    expect(events[3]!.data).toMatchObject({ deliveryId: delivery.id, requestedBy: { role: 'ADMIN' } });
    expect((await deliveriesOf(ticketId))[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  it('refuses redelivering an unknown delivery or by a non-admin, recording nothing', async () => {
    const ticketId = await open();
    await until(async () => (await deliveriesOf(ticketId))[0]?.status === 'SUCCEEDED', 'the delivery');
    const [delivery] = await deliveriesOf(ticketId);
    const before = await eventCount(platform);
    expect((await platform.gql(REDELIVER, { id: 'nope' }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await platform.gql(REDELIVER, { id: delivery.id }, engineer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);
  });
});
