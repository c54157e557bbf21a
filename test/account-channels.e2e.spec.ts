import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const EMAIL_SECRET = 'email-channel-secret-0123456789-abcdef';
const UPDATE = 'mutation($a: ID!, $d: [String!], $c: [ImChannelInput!]) { updateAccountChannels(accountId: $a, emailDomains: $d, imChannels: $c) { id emailDomains } }';

describe('updateAccountChannels: e-mail domains and IM channels after registration, intake matching follows', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let otherId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ env: { LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, { emailDomains: ['old-brand.example'] });
    otherId = await registerAccount(platform, admin, { name: 'Other', emailDomains: ['other.example'] });
    await signContract(platform, admin, standardContract(accountId, calendarId));
  });
  afterAll(async () => {
    await platform?.close();
  });

  const mail = (from: string, id: string) =>
    fetch(`${platform.url}/channels/email`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` },
      body: [`From: ${from}`, 'To: support@ledgerdesk.example', 'Subject: Help', `Message-ID: <${id}@x>`, 'Content-Type: text/plain', '', 'Stream down'].join('\r\n'),
    });

  it('moves the account to its new domain: mail from it opens tickets there, the old one no longer does; the change is recorded with what it was', async () => {
    expect((await mail('wei@old-brand.example', 'before')).status).toBe(201);
    const updated = (await mustData(platform.gql(UPDATE, { a: accountId, d: ['new-brand.example'], c: [{ workspaceId: 'T1', channelId: 'C1' }] }, admin))).updateAccountChannels;
    expect(updated).toEqual({ id: accountId, emailDomains: ['new-brand.example'] });

    const opened = await mail('wei@new-brand.example', 'after');
    expect(opened.status).toBe(201);
    const { ticketId } = (await opened.json()) as { ticketId: string };
    expect((await mustData(platform.gql('query($id: ID!) { ticket(id: $id) { account { id } } }', { id: ticketId }, admin))).ticket.account.id).toBe(accountId);
    const old = await mail('wei@old-brand.example', 'old-after');
    expect(old.status).toBe(422);
    expect(await old.json()).toMatchObject({ code: "BAD_USER_INPUT" });

    const events = await platform.runtime.store.readStream(`account-${accountId}`);
    const changed = events.filter((e) => e.type === 'AccountChannelsChanged');
    expect(changed).toHaveLength(1);
    expect(changed[0]!.data).toMatchObject({
      emailDomains: ['new-brand.example'],
      imChannels: [{ workspaceId: 'T1', channelId: 'C1' }],
      previousEmailDomains: ['old-brand.example'],
      previousImChannels: [],
      changedBy: { id: 'admin-1', role: 'ADMIN' },
    });

    const history = (await mustData(platform.gql('query($id: ID!) { account(id: $id) { channelHistory { emailDomains previousEmailDomains imChannels { workspaceId channelId } previousImChannels { channelId } changedBy { id role } changedAt } } }', { id: accountId }, admin))).account.channelHistory;
    expect(history).toEqual([{
      emailDomains: ['new-brand.example'],
      previousEmailDomains: ['old-brand.example'],
      imChannels: [{ workspaceId: 'T1', channelId: 'C1' }],
      previousImChannels: [],
      changedBy: { id: 'admin-1', role: 'ADMIN' },
      changedAt: (changed[0]!.data as { changedAt: string }).changedAt,
    }]);
    const customer = await platform.token('CUSTOMER', { accountId });
    expect((await mustData(platform.gql('query($id: ID!) { account(id: $id) { channelHistory { emailDomains } } }', { id: accountId }, customer))).account.channelHistory).toEqual([{ emailDomains: ['new-brand.example'] }]);
    const other = await mustData(platform.gql('query($id: ID!) { account(id: $id) { channelHistory { emailDomains } } }', { id: otherId }, admin));
    expect(other.account.channelHistory).toEqual([]);
  });

  it('refuses a domain another account has (CONFLICT), a bad domain (BAD_USER_INPUT), an unknown account (NOT_FOUND), non-admins (FORBIDDEN): nothing recorded', async () => {
    const before = await eventCount(platform);
    const code = async (variables: Record<string, unknown>, token = admin) => (await platform.gql(UPDATE, variables, token)).errors?.[0]?.extensions?.code;
    expect(await code({ a: accountId, d: ['other.example'] })).toBe('CONFLICT');
    expect(await code({ a: accountId, d: ['not a domain'] })).toBe('BAD_USER_INPUT');
    expect(await code({ a: 'no-such-account', d: ['x.example'] })).toBe('NOT_FOUND');
    expect(await code({ a: otherId, d: ['x.example'] }, await platform.token('ENGINEER'))).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);
  });
});
