import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';
import { Receiver, verify } from './support/webhook-receiver.js';

/** Waits for something the platform does asynchronously (a first attempt), not for time to pass. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const REGISTER = 'mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret webhook { id url eventTypes accountId active secretFingerprint } } }';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const REPLY = 'mutation($id: ID!, $body: String!, $v: Visibility) { addReply(ticketId: $id, body: $body, visibility: $v) { id } }';
const DELIVERIES = `query($id: ID!) { deliveries(ticketId: $id) { id webhookId eventId eventType idempotencyKey status attempts nextAttemptAt lastResponseStatus lastError
  attemptLog { attempt attemptedAt outcome responseStatus error } } }`;
const HISTORY = 'query($id: ID!) { ticketHistory(ticketId: $id) { deliveryEvents { type stream hash data } } }';
const ADVANCE = 'mutation($to: DateTime!) { advanceClock(to: $to) }';

describe.each(TEST_BACKENDS)('webhooks delivered from the log (%s)', (backend) => {
  let platform: TestPlatform;
  let receiver: Receiver;
  let admin: string;
  let customer: string;
  let accountId: string;
  let otherAccountId: string;
  let now = new Date('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await startTestPlatform({ backend, clockStart: now.toISOString(), env: { LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true' } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    otherAccountId = await registerAccount(platform, admin, { name: 'Other Co' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    await signContract(platform, admin, standardContract(otherAccountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
  });
  afterAll(async () => {
    await platform?.close();
    await receiver?.close();
  });

  const register = async (path: string, eventTypes: string[], scope: string | null = null) =>
    (await mustData(platform.gql(REGISTER, { input: { url: `${receiver.url}${path}`, eventTypes, accountId: scope } }, admin))).registerWebhook;
  const open = async (account = accountId) =>
    (await mustData(platform.gql(OPEN, { input: { accountId: account, channel: 'PORTAL', subject: 'Stream black', description: 'd', claimedSeverity: 'P2' } }, admin))).openTicket.id as string;
  const reply = (id: string, body: string, visibility = 'PUBLIC') => mustData(platform.gql(REPLY, { id, body, v: visibility }, admin));
  const deliveries = async (id: string, webhookId?: string) =>
    ((await mustData(platform.gql(DELIVERIES, { id }, admin))).deliveries as any[]).filter((d) => !webhookId || d.webhookId === webhookId);
  const advance = async (ms: number) => {
    now = new Date(now.getTime() + ms);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
  };

  it('POSTs the event signed with the secret shown once, with event id and idempotency key headers', async () => {
    const hook = await register('/signed', ['TicketOpened']);
    expect(hook.secret).toMatch(/^whsec_/);
    expect(hook.webhook).toMatchObject({ eventTypes: ['TicketOpened'], accountId: null, active: true });
    const listed = (await mustData(platform.gql('{ webhooks { id secretFingerprint } }', {}, admin))).webhooks;
    expect(listed).toContainEqual({ id: hook.webhook.id, secretFingerprint: hook.webhook.secretFingerprint });
    // The secret itself is nowhere in the log (sealed), nor its plain hash.
    const logged = JSON.stringify((await platform.runtime.store.readStream(`webhook-${hook.webhook.id}`)).map((event) => [event.data, event.metadata]));
    expect(logged).not.toContain(hook.secret);

    const ticketId = await open();
    await until(() => receiver.bodies('/signed').length === 1, 'the TicketOpened delivery');
    const [request] = receiver.requests.filter((r) => r.path === '/signed');
    expect(verify(hook.secret, String(request!.headers['ledgerdesk-signature']), request!.body)).toBe(true);
    expect(verify('whsec_wrong', String(request!.headers['ledgerdesk-signature']), request!.body)).toBe(false);
    const payload = JSON.parse(request!.body);
    expect(payload).toMatchObject({ type: 'TicketOpened', ticketId, accountId, data: { subject: 'Stream black' } });
    expect(request!.headers['ledgerdesk-event-id']).toBe(payload.id);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(String(request!.headers['ledgerdesk-signature'])).toMatch(new RegExp(`^t=${Math.floor(now.getTime() / 1000)},v1=[0-9a-f]{64}$`));

    await until(async () => (await deliveries(ticketId))[0]?.status === 'SUCCEEDED', 'the success to be recorded');
    const [delivery] = await deliveries(ticketId);
    expect(delivery).toMatchObject({ webhookId: hook.webhook.id, eventId: payload.id, eventType: 'TicketOpened', attempts: 1, lastResponseStatus: 200 });
    expect(request!.headers['idempotency-key']).toBe(delivery.idempotencyKey);
    // The delivery is its own stream in the log: what was sent and what the receiver answered.
    const stream = await platform.runtime.store.readStream(`delivery-${delivery.id}`);
    expect(stream.map((event) => event.type)).toEqual(['DeliveryRequested', 'DeliveryAttempted', 'DeliverySucceeded']);
    expect(stream[0]!.data).toMatchObject({ payload: { id: payload.id, ticketId } });
    await mustData(platform.gql('mutation($id: ID!) { disableWebhook(id: $id, reason: "test done") { active } }', { id: hook.webhook.id }, admin));
  });

  it('a 500 is retried on the platform clock: Failed, then Succeeded a minute later with the same idempotency key; a later event waits its turn', async () => {
    const hook = (await register('/flaky', ['ReplyAdded'])).webhook.id;
    const ticketId = await open();
    receiver.statuses = [500];
    await reply(ticketId, 'first answer');
    await until(async () => (await deliveries(ticketId, hook))[0]?.status === 'RETRYING', 'the failed first attempt');
    let [first] = await deliveries(ticketId, hook);
    expect(first).toMatchObject({ attempts: 1, lastResponseStatus: 500, lastError: 'HTTP 500', nextAttemptAt: new Date(now.getTime() + 60_000).toISOString() });

    // In order per ticket: the second reply's delivery is not sent while the first is being retried.
    await reply(ticketId, 'second answer');
    await until(async () => (await deliveries(ticketId, hook)).length === 2, 'the second delivery to be requested');
    await platform.runtime.settleAll();
    expect(receiver.bodies('/flaky').map((body) => body.data.body)).toEqual(['first answer']);
    expect((await deliveries(ticketId, hook))[1]).toMatchObject({ status: 'PENDING', attempts: 0 });

    await advance(60_000);
    [first] = await deliveries(ticketId, hook);
    expect(first).toMatchObject({ status: 'SUCCEEDED', attempts: 2, lastResponseStatus: 200 });
    expect(first.attemptLog.map((a: any) => [a.attempt, a.outcome, a.responseStatus])).toEqual([
      [1, 'FAILED', 500],
      [2, 'SUCCEEDED', 200],
    ]);
    await until(async () => (await deliveries(ticketId, hook))[1]?.status === 'SUCCEEDED', 'the second delivery');
    expect(receiver.bodies('/flaky').map((body) => body.data.body)).toEqual(['first answer', 'first answer', 'second answer']);
    const keys = receiver.requests.filter((r) => r.path === '/flaky').map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    const stream = await platform.runtime.store.readStream(`delivery-${first.id}`);
    expect(stream.map((event) => event.type)).toEqual(['DeliveryRequested', 'DeliveryAttempted', 'DeliveryFailed', 'DeliveryAttempted', 'DeliverySucceeded']);
    // The deliveries are part of the ticket's history, hashes and all.
    const history = (await mustData(platform.gql(HISTORY, { id: ticketId }, admin))).ticketHistory.deliveryEvents as any[];
    const firstsEvents = history.filter((event) => event.stream === `delivery-${first.id}`);
    expect(firstsEvents.map((event) => event.type)).toEqual(stream.map((event) => event.type));
    expect(firstsEvents.map((event) => event.hash)).toEqual(stream.map((event) => event.hash));
    expect(firstsEvents.find((event) => event.type === 'DeliveryFailed').data).toMatchObject({ responseStatus: 500, error: 'HTTP 500' });
  });

  it('a receiver failing for 24 hours gets attempts with growing gaps, then the delivery is abandoned with the last error', async () => {
    const hook = (await register('/down', ['TicketEscalated'])).webhook.id;
    const ticketId = await open();
    receiver.statuses = Array.from({ length: 40 }, () => 503);
    await mustData(platform.gql('mutation($id: ID!) { escalateTicket(ticketId: $id, reason: "customer is losing viewers") { id } }', { id: ticketId }, admin));
    await until(async () => (await deliveries(ticketId, hook))[0]?.status === 'RETRYING', 'the first failed attempt');
    await advance(25 * 3600_000);
    const [delivery] = await deliveries(ticketId, hook);
    expect(delivery).toMatchObject({ status: 'ABANDONED', attempts: 14, lastError: 'HTTP 503', nextAttemptAt: null });
    const times = delivery.attemptLog.map((a: any) => Date.parse(a.attemptedAt));
    const gaps = times.slice(1).map((t: number, i: number) => (t - times[i]) / 60_000);
    expect(gaps.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    for (let i = 1; i < gaps.length - 1; i += 1) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(times.at(-1)! - times[0]!).toBe(24 * 3600_000);
    expect(receiver.requests.filter((r) => r.path === '/down')).toHaveLength(delivery.attempts);
    const types = (await platform.runtime.store.readStream(`delivery-${delivery.id}`)).map((event) => event.type);
    expect(types.at(-1)).toBe('DeliveryAbandoned');
    receiver.statuses = [];

    // Nothing to that hook succeeded in those 24 h: the platform disables it, with the last error, and ADMIN sees why.
    const listedHook = async () => (await mustData(platform.gql('{ webhooks { id active disabledAt disabledReason } }', {}, admin))).webhooks.find((w: any) => w.id === hook);
    await until(async () => !(await listedHook()).active, 'the hook to be disabled');
    const listed = await listedHook();
    expect(listed).toMatchObject({ active: false });
    expect(listed.disabledAt).not.toBeNull();
    expect(listed.disabledReason).toBe(`failing for 24 h since ${delivery.attemptLog[0].attemptedAt}: HTTP 503`);
    const hookEvents = await platform.runtime.store.readStream(`webhook-${hook}`);
    expect(hookEvents.at(-1)).toMatchObject({ type: 'WebhookAutoDisabled', data: { webhookId: hook, deliveryId: delivery.id, lastError: 'HTTP 503' } });
  });

  it('a hook scoped to an account never carries another account’s events or internal notes', async () => {
    const scoped = (await register('/scoped', ['ReplyAdded'], accountId)).webhook.id;
    await register('/all', ['ReplyAdded']);
    const mine = await open();
    const theirs = await open(otherAccountId);
    await reply(mine, 'internal: customer is on an old SDK', 'INTERNAL');
    await reply(theirs, 'other account answer');
    await reply(mine, 'public answer');
    await until(() => receiver.bodies('/all').length === 3, 'the unscoped hook to get all three');
    // Wait for the scoped hook's own delivery (the ticket's TicketOpened deliveries to earlier tests' hooks succeed too).
    await until(async () => (await deliveries(mine, scoped)).filter((d) => d.status === 'SUCCEEDED').length >= 1, 'the scoped delivery');
    expect(receiver.bodies('/scoped').map((body) => [body.ticketId, body.data.body])).toEqual([[mine, 'public answer']]);
    expect(receiver.bodies('/all').map((body) => body.data.visibility)).toEqual(['INTERNAL', 'PUBLIC', 'PUBLIC']);
    // The customer's history shows the deliveries to their own account's hook only (no internal note in any).
    const scopedIds = (await deliveries(mine, scoped)).map((d) => `delivery-${d.id}`);
    const seen = (await mustData(platform.gql(HISTORY, { id: mine }, customer))).ticketHistory.deliveryEvents as any[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((event) => scopedIds.includes(event.stream))).toBe(true);
    expect(JSON.stringify(seen)).not.toContain('old SDK');
  });

  it('an event whose reaction was cut off after its append is delivered once when the outbox catches up', async () => {
    const hook = (await register('/catch-up', ['ReplyAdded'])).webhook.id;
    const ticketId = await open();
    await platform.runtime.reactorRunner.stop();
    await reply(ticketId, 'answered while the outbox was down');
    await platform.runtime.settleAll();
    expect(await deliveries(ticketId, hook)).toEqual([]);
    expect(receiver.bodies('/catch-up')).toEqual([]);

    await platform.runtime.reactorRunner.start();
    await until(async () => (await deliveries(ticketId, hook))[0]?.status === 'SUCCEEDED', 'the delivery after the restart');
    // A second catch-up over the same events (a crash before the checkpoint) records and sends nothing more.
    await platform.runtime.reactorRunner.stop();
    await platform.runtime.readDb.query(`DELETE FROM projections.checkpoints WHERE name = 'outbound.outbox'`);
    await platform.runtime.reactorRunner.start();
    const head = (await platform.runtime.store.headPosition())!;
    expect(await platform.runtime.reached('outbound.outbox', head, AbortSignal.timeout(15_000))).toBe(true);
    await platform.runtime.settleAll();
    expect(receiver.bodies('/catch-up').map((body) => body.data.body)).toEqual(['answered while the outbox was down']);
    expect(await deliveries(ticketId, hook)).toHaveLength(1);
  });

  it('a TAM registers hooks for the accounts they are TAM of; another TAM’s account or no account is FORBIDDEN and records nothing', async () => {
    const tamA = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam A' });
    const tamB = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam B' });
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accountId, t: tamA }, admin));
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: otherAccountId, t: tamB }, admin));
    const asTamA = await platform.token('TAM', { id: tamA });
    const input = (scope: string | null) => ({ input: { url: `${receiver.url}/tam`, eventTypes: ['TicketOpened'], accountId: scope } });
    const before = await eventCount(platform);
    for (const scope of [otherAccountId, null]) {
      const refused = await platform.gql(REGISTER, input(scope), asTamA);
      expect(refused.errors?.[0]?.extensions?.code, String(scope)).toBe('FORBIDDEN');
    }
    expect((await platform.gql(REGISTER, input(accountId), await platform.token('ENGINEER'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);

    const own = (await mustData(platform.gql(REGISTER, input(accountId), asTamA))).registerWebhook;
    expect(own.secret).toMatch(/^whsec_/);
    expect(own.webhook).toMatchObject({ accountId, active: true });
    const listed = (await mustData(platform.gql('{ webhooks { id registeredBy } }', {}, admin))).webhooks;
    expect(listed).toContainEqual({ id: own.webhook.id, registeredBy: tamA });
    const ticketId = await open();
    await until(() => receiver.bodies('/tam').some((body) => body.ticketId === ticketId), 'the TAM’s hook to get its account’s ticket');
    // After a handover the account is no longer tamA's.
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accountId, t: tamB }, admin));
    expect((await platform.gql(REGISTER, input(accountId), asTamA)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await mustData(platform.gql('mutation($id: ID!) { disableWebhook(id: $id, reason: "test done") { id } }', { id: own.webhook.id }, admin));
  });

  it('refuses bad input with a clear error and records nothing', async () => {
    const before = await eventCount(platform);
    const attempt = (input: Record<string, unknown>) => platform.gql(REGISTER, { input: { url: `${receiver.url}/x`, eventTypes: ['ReplyAdded'], ...input } }, admin);
    const unknown = await attempt({ eventTypes: ['ReplyAdded', 'TicketExploded'] });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.message).toMatch(/TicketExploded.*valid: TicketOpened, .*ReplyAdded/);
    for (const url of ['not a url', 'ftp://example.com/x', 'http://example.com/x', 'https://10.0.0.7/x', 'https://169.254.169.254/latest', 'https://user:pw@example.com/']) {
      const refused = await attempt({ url });
      expect(refused.errors?.[0]?.extensions?.code, url).toBe('BAD_USER_INPUT');
    }
    expect((await attempt({ accountId: 'no-such-account' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await platform.gql(REGISTER, { input: { url: 'https://example.com/x', eventTypes: ['ReplyAdded'] } }, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await platform.gql('mutation { disableWebhook(id: "nope", reason: "x") { id } }', {}, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await eventCount(platform)).toBe(before);
  });
});

describe('webhook targets outside development', () => {
  let platform: TestPlatform;
  let receiver: Receiver;
  let admin: string;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await startTestPlatform({ clockStart: '2026-03-02T02:00:00Z' });
    admin = await platform.token('ADMIN');
  });
  afterAll(async () => {
    await platform?.close();
    await receiver?.close();
  });

  it('refuses plain http and loopback at registration', async () => {
    for (const url of [`${receiver.url}/x`, receiver.url.replace('127.0.0.1', 'localhost'), 'https://127.0.0.1/x', 'https://[::1]/x']) {
      const refused = await platform.gql(REGISTER, { input: { url, eventTypes: ['TicketOpened'] } }, admin);
      expect(refused.errors?.[0]?.extensions?.code, url).toBe('BAD_USER_INPUT');
    }
  });

  it('checks the address a name resolves to at send time: a name pointing at a loopback address is refused, the receiver gets nothing', async (context) => {
    // This machine's own name resolves to a loopback address through /etc/hosts on most hosts.
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (!addresses.some((a) => a.address.startsWith('127.') || a.address === '::1')) context.skip();
    const port = new URL(receiver.url).port;
    await mustData(platform.gql(REGISTER, { input: { url: `https://${name}:${port}/internal`, eventTypes: ['TicketOpened'] } }, admin));
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    const ticketId = (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, admin))).openTicket.id;
    await until(async () => (await mustData(platform.gql(DELIVERIES, { id: ticketId }, admin))).deliveries[0]?.status === 'RETRYING', 'the refused attempt');
    const [delivery] = (await mustData(platform.gql(DELIVERIES, { id: ticketId }, admin))).deliveries;
    expect(delivery.lastError).toMatch(/^refused: .* resolves to 127\.\d+\.\d+\.\d+ is a private, loopback/);
    expect(delivery.lastResponseStatus).toBeNull();
    expect(receiver.requests).toHaveLength(0);
  });
});
