import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const EMAIL_SECRET = 'email-channel-secret-0123456789-abcdef';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const FOLLOW_UPS = `query($id: ID!) { ticket(id: $id) { id status replies { body }
  followUps { id status channel subject description claimedSeverity openedAt followUpOf { id } account { id } replies { body } } } }`;

describe('a customer reply after the reopen window opens a follow-up ticket linked to the old one', () => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let accountId: string;

  beforeAll(async () => {
    // A quiet period longer than the 14-day reopen window, so a resolved ticket is still RESOLVED after it.
    platform = await startTestPlatform({
      clockStart: '2026-03-02T02:00:00Z',
      env: { LEDGERDESK_AUTO_CLOSE_AFTER: '30d', LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET },
    });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, { emailDomains: ['livecommerce.example'] });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    engineer = await platform.token('ENGINEER', { id: 'eng-1' });
    customer = await platform.token('CUSTOMER', { id: 'dev-1', accountId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const resolve = (id: string) => mustData(platform.gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "Fixed in 4.1.3") { id } }', { id }, engineer));
  const advanceTo = (to: string) => mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin));
  const followUps = async (id: string) => (await mustData(platform.gql(FOLLOW_UPS, { id }, customer))).ticket;

  it('GraphQL addReply: the old ticket stays RESOLVED with the reply; the follow-up is open, at the old severity, received at the reply', async () => {
    const input = { accountId, channel: 'PORTAL', subject: 'Echo on Android', description: 'd', claimedSeverity: 'P1' };
    const { id } = (await mustData(platform.gql(OPEN, { input }, customer))).openTicket;
    await resolve(id);
    await advanceTo('2026-03-17T03:00:00Z'); // 15 days later
    const before = await eventCount(platform);
    const answered = await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "It happens again on 4.1.3") { status followUps { id } } }', { id }, customer));
    expect(answered.addReply.status).toBe('RESOLVED');
    expect(answered.addReply.followUps).toHaveLength(1);

    const old = await followUps(id);
    expect(old).toMatchObject({ status: 'RESOLVED', replies: [{ body: 'It happens again on 4.1.3' }] });
    expect(old.followUps).toEqual([
      {
        id: answered.addReply.followUps[0].id,
        status: 'OPEN',
        channel: 'PORTAL',
        subject: 'Follow-up: Echo on Android',
        description: 'It happens again on 4.1.3',
        claimedSeverity: 'P1',
        openedAt: '2026-03-17T03:00:00.000Z',
        followUpOf: { id },
        account: { id: accountId },
        replies: [],
      },
    ]);
    // Reply, opening, its SLA pin (and routing, if anyone were on shift): nothing else, and no reopening.
    const history = await mustData(platform.gql('query($id: ID!) { ticketHistory(ticketId: $id) { events { type } } }', { id }, admin));
    expect(history.ticketHistory.events.map((e: { type: string }) => e.type)).not.toContain('TicketReopened');
    expect(await eventCount(platform)).toBeGreaterThan(before);

    // Staff notes on the resolved ticket never open one.
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Noted") { id } }', { id }, engineer));
    expect((await followUps(id)).followUps).toHaveLength(1);
  });

  it('an e-mail reply in the old thread: the follow-up is opened once, even when the relay delivers it twice', async () => {
    const post = (message: string) =>
      fetch(`${platform.url}/channels/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` }, body: message });
    const mail = (messageId: string, subject: string, text: string, inReplyTo?: string) =>
      [
        'From: Wei Zhang <wei@livecommerce.example>',
        'To: support@ledgerdesk.example',
        `Subject: ${subject}`,
        `Message-ID: ${messageId}`,
        ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
      ].join('\r\n');
    const opened = (await (await post(mail('<fu-open@mail.livecommerce.example>', '[P2] Audio drops', 'Audio drops every minute'))).json()) as { ticketId: string };
    await resolve(opened.ticketId);
    await advanceTo('2026-04-02T03:00:00Z'); // 15 days later
    const late = mail('<fu-late@mail.livecommerce.example>', 'Re: Audio drops', 'Back again', '<fu-open@mail.livecommerce.example>');
    expect((await post(late)).status).toBe(201);
    expect((await post(late)).status).toBe(200);
    const old = await followUps(opened.ticketId);
    expect(old.status).toBe('RESOLVED');
    expect(old.followUps).toHaveLength(1);
    expect(old.followUps[0]).toMatchObject({ status: 'OPEN', channel: 'EMAIL', subject: 'Follow-up: Audio drops', description: 'Back again', claimedSeverity: 'P2', followUpOf: { id: opened.ticketId } });
  });
});
