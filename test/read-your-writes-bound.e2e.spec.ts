import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const TICKET = 'id status replies { body }';

/**
 * A mutation whose write is recorded answers with what the read models show when they are slow
 * (LEDGERDESK_READ_YOUR_WRITES_WAIT_MS), never with an error: a client retrying an error would record it twice.
 * The read models are held back for real (ProjectionRunner.hold), not slowed by sleeps.
 */
describe('read-your-writes past its bound', () => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let accountId: string;
  let resume: (() => void) | null = null;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    const engineerId = await registerStaff(platform, admin, { role: 'ENGINEER', skills: ['iOS'], calendarId });
    engineer = await platform.token('ENGINEER', { id: engineerId });
    customer = await platform.token('CUSTOMER', { id: 'dev-1', accountId });
  });
  afterEach(() => {
    resume?.();
    resume = null;
    delete process.env.LEDGERDESK_READ_YOUR_WRITES_WAIT_MS;
  });
  afterAll(async () => {
    await platform?.close();
  });

  async function openTicket(): Promise<string> {
    const input = { accountId, channel: 'PORTAL', subject: 'Black screen on iOS', description: 'After ten minutes.', claimedSeverity: 'P1' };
    return (await mustData(platform.gql(`mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }`, { input }, customer))).openTicket.id;
  }

  const replies = async (ticketId: string, body: string) =>
    (await platform.runtime.store.readStream(`ticket-${ticketId}`)).filter((e) => e.type === 'ReplyAdded' && (e.data as { body: string }).body === body);

  it('addReply and resolveTicket answer the ticket as the read models show it, after the configured bound, and record once', async () => {
    const ticketId = await openTicket();
    const before = (await mustData(platform.gql(`query($t: ID!) { ticket(id: $t) { ${TICKET} } }`, { t: ticketId }, admin))).ticket;
    process.env.LEDGERDESK_READ_YOUR_WRITES_WAIT_MS = '300';
    resume = await platform.runtime.projectionRunner.hold();

    const started = Date.now();
    const reply = await platform.gql(`mutation($t: ID!) { addReply(ticketId: $t, body: "We are on it") { ${TICKET} } }`, { t: ticketId }, engineer);
    const waited = Date.now() - started;
    expect(reply.errors, JSON.stringify(reply.errors)).toBeUndefined();
    expect(reply.status).toBe(200);
    // The read model was held: the answer is the ticket before the reply, not an error.
    expect(reply.data!.addReply).toEqual(before);
    expect(waited, 'waited the configured bound, not the 10 s default').toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(8_000);

    const resolved = await platform.gql(`mutation($t: ID!) { resolveTicket(ticketId: $t, resolution: "SDK 4.1.3 fixes it") { ${TICKET} } }`, { t: ticketId }, engineer);
    expect(resolved.errors, JSON.stringify(resolved.errors)).toBeUndefined();
    expect(resolved.data!.resolveTicket).toEqual(before);

    // The log holds each write once; once the read models move on, the ticket shows both.
    expect(await replies(ticketId, 'We are on it')).toHaveLength(1);
    resume();
    resume = null;
    await platform.runtime.settleAll();
    const after = (await mustData(platform.gql(`query($t: ID!) { ticket(id: $t) { ${TICKET} } }`, { t: ticketId }, admin))).ticket;
    expect(after.status).toBe('RESOLVED');
    expect(after.replies.filter((r: { body: string }) => r.body === 'We are on it')).toHaveLength(1);
    expect(await replies(ticketId, 'We are on it')).toHaveLength(1);
  });

  it('a customer reply also answers within the bound while read models are held (the platform default is 10 s)', async () => {
    const ticketId = await openTicket();
    process.env.LEDGERDESK_READ_YOUR_WRITES_WAIT_MS = '0';
    resume = await platform.runtime.projectionRunner.hold();
    const reply = await platform.gql(`mutation($t: ID!) { addReply(ticketId: $t, body: "Logs attached") { ${TICKET} } }`, { t: ticketId }, customer);
    expect(reply.errors, JSON.stringify(reply.errors)).toBeUndefined();
    expect(reply.data!.addReply.id).toBe(ticketId);
    expect(await replies(ticketId, 'Logs attached')).toHaveLength(1);
  });
  it('refuses to issue a statement with CONFLICT, recording nothing, while the read models lag past the bound', async () => {
    // A statement's figures are the log's as of now: with the read models behind, none is issued.
    await openTicket();
    process.env.LEDGERDESK_READ_YOUR_WRITES_WAIT_MS = '200';
    resume = await platform.runtime.projectionRunner.hold();
    await openTicket(); // recorded, not yet in the read models
    const before = (await platform.runtime.store.readAll({ maxCount: 100_000 })).length;
    const issued = await platform.gql('mutation($a: ID!, $m: String!) { issueSlaStatement(accountId: $a, month: $m) { status } }', { a: accountId, m: '2026-02' }, admin);
    expect(issued.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(issued.errors?.[0]?.message).toMatch(/catching up/);
    expect((await platform.runtime.store.readAll({ maxCount: 100_000 })).length).toBe(before);
  });
});
