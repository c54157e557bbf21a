import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';
import { Receiver } from './support/webhook-receiver.js';

/** Waits for what the platform does asynchronously (a delivery), not for time to pass. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const REGISTER = 'mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { webhook { id } } }';
const ENABLE = 'mutation($id: ID!) { enableWebhook(id: $id) { id active disabledAt disabledReason } }';
const DISABLE = 'mutation($id: ID!) { disableWebhook(id: $id, reason: "receiver moving") { active } }';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const REPLY = 'mutation($id: ID!, $body: String!) { addReply(ticketId: $id, body: $body) { id } }';

describe.each(TEST_BACKENDS)('enableWebhook (%s)', (backend) => {
  let platform: TestPlatform;
  let receiver: Receiver;
  let admin: string;
  let accountId: string;
  let otherAccountId: string;
  let tamA: string;
  let now = new Date('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    receiver = await new Receiver().start();
    platform = await startTestPlatform({ backend, clockStart: now.toISOString(), env: { LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true' } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    otherAccountId = await registerAccount(platform, admin, { name: 'Other Co' });
    for (const id of [accountId, otherAccountId]) await signContract(platform, admin, standardContract(id, calendarId));
    tamA = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam A' });
    const tamB = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam B' });
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accountId, t: tamA }, admin));
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: otherAccountId, t: tamB }, admin));
  });
  afterAll(async () => {
    await platform?.close();
    await receiver?.close();
  });

  const register = async (path: string, eventTypes: string[], scope: string | null = null) =>
    (await mustData(platform.gql(REGISTER, { input: { url: `${receiver.url}${path}`, eventTypes, accountId: scope } }, admin))).registerWebhook.webhook.id as string;
  const open = async (account = accountId) =>
    (await mustData(platform.gql(OPEN, { input: { accountId: account, channel: 'PORTAL', subject: 'Stream black', description: 'd', claimedSeverity: 'P2' } }, admin))).openTicket.id as string;
  const reply = (id: string, body: string) => mustData(platform.gql(REPLY, { id, body }, admin));
  const hookEvents = async (id: string) => (await platform.runtime.store.readStream(`webhook-${id}`)).map((event) => event.type);
  const advance = async (ms: number) => {
    now = new Date(now.getTime() + ms);
    await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: now.toISOString() }, admin));
  };

  async function expectRefused(id: string, token: string, code: string, message: RegExp) {
    const before = await eventCount(platform);
    const result = await platform.gql(ENABLE, { id }, token);
    expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result.errors)).toBe(code);
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(await eventCount(platform), 'a refused enableWebhook records nothing').toBe(before);
  }

  it('re-enables a hook disabled by hand: events from then on are delivered, those recorded while it was disabled never are', async () => {
    const hook = await register('/by-hand', ['ReplyAdded']);
    const ticketId = await open();
    await reply(ticketId, 'before');
    await until(() => receiver.bodies('/by-hand').length === 1, 'the first reply');
    await mustData(platform.gql(DISABLE, { id: hook }, admin));
    await reply(ticketId, 'while disabled');

    const enabled = (await mustData(platform.gql(ENABLE, { id: hook }, admin))).enableWebhook;
    expect(enabled).toEqual({ id: hook, active: true, disabledAt: null, disabledReason: null });
    const recorded = await platform.runtime.store.readStream(`webhook-${hook}`);
    expect(recorded.map((event) => event.type)).toEqual(['WebhookRegistered', 'WebhookDisabled', 'WebhookEnabled']);
    expect(recorded.at(-1)!.data).toMatchObject({ webhookId: hook, enabledBy: { id: 'admin-1', role: 'ADMIN' }, enabledAt: now.toISOString() });

    await reply(ticketId, 'after');
    await until(() => receiver.bodies('/by-hand').length === 2, 'the reply after enabling');
    await platform.runtime.settleReactions();
    expect(receiver.bodies('/by-hand').map((body) => body.data.body)).toEqual(['before', 'after']);
    const listed = (await mustData(platform.gql('{ webhooks { id active } }', {}, admin))).webhooks;
    expect(listed).toContainEqual({ id: hook, active: true });
  });

  it('re-enables a hook the platform disabled after 24 h of failures', async () => {
    const hook = await register('/down', ['TicketEscalated', 'ReplyAdded']);
    const ticketId = await open();
    receiver.statuses = Array.from({ length: 40 }, () => 503);
    await mustData(platform.gql('mutation($id: ID!) { escalateTicket(ticketId: $id, reason: "viewers leaving") { id } }', { id: ticketId }, admin));
    await until(() => receiver.bodies('/down').length === 1, 'the first failed attempt');
    await advance(25 * 3600_000);
    await until(async () => (await hookEvents(hook)).includes('WebhookAutoDisabled'), 'the hook to be disabled');
    receiver.statuses = [];

    const enabled = (await mustData(platform.gql(ENABLE, { id: hook }, admin))).enableWebhook;
    expect(enabled).toMatchObject({ active: true, disabledReason: null });
    expect(await hookEvents(hook)).toEqual(['WebhookRegistered', 'WebhookAutoDisabled', 'WebhookEnabled']);
    const before = receiver.bodies('/down').length;
    await reply(ticketId, 'we are back');
    await until(() => receiver.bodies('/down').length === before + 1, 'a delivery after enabling');
    expect(receiver.bodies('/down').at(-1)).toMatchObject({ type: 'ReplyAdded', ticketId, data: { body: 'we are back' } });
  });

  it('a TAM enables their own account’s hook; unknown, enabled, another account’s or an unscoped hook is refused with a code and records nothing', async () => {
    const asTamA = await platform.token('TAM', { id: tamA });
    const own = await register('/tam-own', ['TicketOpened'], accountId);
    const theirs = await register('/tam-theirs', ['TicketOpened'], otherAccountId);
    const everyAccount = await register('/tam-all', ['TicketOpened']);

    await expectRefused('5c3e0f5e-0000-4000-8000-000000000000', admin, 'NOT_FOUND', /Webhook/);
    await expectRefused(own, admin, 'CONFLICT', /enabled already/);
    for (const id of [own, theirs, everyAccount]) await mustData(platform.gql(DISABLE, { id }, admin));
    await expectRefused(theirs, asTamA, 'FORBIDDEN', /TAM/);
    await expectRefused(everyAccount, asTamA, 'FORBIDDEN', /TAM/);
    await expectRefused('5c3e0f5e-0000-4000-8000-000000000000', asTamA, 'NOT_FOUND', /Webhook/);
    await expectRefused(own, await platform.token('ENGINEER'), 'FORBIDDEN', /./);
    await expectRefused(own, await platform.token('CUSTOMER', { accountId }), 'FORBIDDEN', /./);

    const enabled = (await mustData(platform.gql(ENABLE, { id: own }, asTamA))).enableWebhook;
    expect(enabled).toMatchObject({ id: own, active: true });
    expect((await platform.runtime.store.readStream(`webhook-${own}`)).at(-1)).toMatchObject({ type: 'WebhookEnabled', data: { enabledBy: { id: tamA, role: 'TAM' } } });
    await expectRefused(own, asTamA, 'CONFLICT', /enabled already/);

    const ticketId = await open();
    await until(() => receiver.bodies('/tam-own').some((body) => body.ticketId === ticketId), 'the enabled hook’s delivery');
  });
});
