import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../libs/intake/channels/channel-signatures.js';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const EMAIL_SECRET = 'email-channel-secret-0123456789-abcdef';
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id requester { kind id name email } followers } }';
const TICKET = 'query($id: ID!) { ticket(id: $id) { requester { kind id name email } followers } }';

describe('Ticket.requester and Ticket.followers: who opened it, from every channel', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ env: { LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET, LEDGERDESK_SLACK_SIGNING_SECRET: SLACK_SECRET } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, { emailDomains: ['livecommerce.example'], imChannels: [{ workspaceId: 'T0LIVE', channelId: 'C0SUPPORT' }] });
    await signContract(platform, admin, standardContract(accountId, calendarId));
  });
  afterAll(async () => {
    await platform?.close();
  });

  const input = { channel: 'PORTAL', subject: 'Echo', description: 'd', claimedSeverity: 'P2' };
  const ticket = async (id: string) => (await mustData(platform.gql(TICKET, { id }, admin))).ticket;

  it('a portal user: their token subject, with the name and e-mail claims', async () => {
    const customer = await platform.token('CUSTOMER', { id: 'dev-7', accountId, name: 'Mei Lin', email: 'mei@livecommerce.example' });
    const opened = (await mustData(platform.gql(OPEN, { input: { ...input, accountId } }, customer))).openTicket;
    const expected = { requester: { kind: 'PORTAL', id: 'dev-7', name: 'Mei Lin', email: 'mei@livecommerce.example' }, followers: [] };
    expect(opened).toMatchObject(expected);
    expect(await ticket(opened.id)).toEqual(expected);
    // A token without those claims: known by its subject alone.
    const bare = await platform.token('CUSTOMER', { id: 'dev-8', accountId });
    const other = (await mustData(platform.gql(OPEN, { input: { ...input, accountId } }, bare))).openTicket;
    expect(other.requester).toEqual({ kind: 'PORTAL', id: 'dev-8', name: null, email: null });
  });

  it('staff recording a phone call', async () => {
    const engineer = await platform.token('ENGINEER', { id: 'eng-3', name: 'Ravi' });
    const opened = (await mustData(platform.gql(OPEN, { input: { ...input, channel: 'PHONE', accountId } }, engineer))).openTicket;
    expect(opened.requester).toEqual({ kind: 'STAFF', id: 'eng-3', name: 'Ravi', email: null });
  });

  it('an e-mail: the sender with their display name; the Cc addresses kept as followers', async () => {
    const message = [
      'From: Wei Zhang <Wei@LiveCommerce.example>',
      'To: support@ledgerdesk.example',
      'Cc: Ops Team <ops@livecommerce.example>, cto@livecommerce.example, wei@livecommerce.example',
      'Subject: [P1] Video freezes',
      'Message-ID: <req-1@mail.livecommerce.example>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The stream freezes.',
    ].join('\r\n');
    const response = await fetch(`${platform.url}/channels/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` }, body: message });
    expect(response.status).toBe(201);
    const { ticketId } = (await response.json()) as { ticketId: string };
    expect(await ticket(ticketId)).toEqual({
      requester: { kind: 'EMAIL', id: 'email:wei@livecommerce.example', name: 'Wei Zhang', email: 'wei@livecommerce.example' },
      followers: ['ops@livecommerce.example', 'cto@livecommerce.example'],
    });
  });

  it('a Slack message: the Slack user', async () => {
    const raw = JSON.stringify({
      team_id: 'T0LIVE',
      type: 'event_callback',
      event_id: 'EvREQ0001',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'message', channel: 'C0SUPPORT', user: 'U0WEI', text: 'Audio drops', ts: '1771000000.000001' },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`${platform.url}/channels/im`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SLACK_SECRET, timestamp, raw) },
      body: raw,
    });
    const { ticketId } = (await response.json()) as { ticketId: string };
    expect(await ticket(ticketId)).toEqual({ requester: { kind: 'SLACK', id: 'slack:U0WEI', name: null, email: null }, followers: [] });
  });
});
