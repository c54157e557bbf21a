import { Client as UrqlClient, fetchExchange } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, registerStaff, signContract, standardContract, SHANGHAI_5X8 } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

describe('fields a support UI needs: actor names, updatedAt, IM channels, calendars, exact money, the refused field', () => {
  let platform: TestPlatform;
  let admin: string;
  let customer: string;
  let engineer: string;
  let accountId: string;
  let engineerId: string;
  let calendarIds: string[];

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-11-02T01:00:00Z' });
    admin = await platform.token('ADMIN');
    calendarIds = [await defineCalendar(platform, admin, { ...SHANGHAI_5X8, name: 'Shanghai 5x8' }), await defineCalendar(platform, admin, { ...SHANGHAI_5X8, name: 'Berlin 5x8', timeZone: 'Europe/Berlin', holidayRegion: 'DE' })];
    accountId = await registerAccount(platform, admin, { name: 'Livestream Co', imChannels: [{ workspaceId: 'T0LIVE', channelId: 'C0SUPPORT' }] });
    await signContract(platform, admin, standardContract(accountId, calendarIds[0]!, { monthlyFee: 1234.56, channels: ['PORTAL', 'EMAIL'] }));
    engineerId = await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Mei Lin' });
    customer = await platform.token('CUSTOMER', { accountId });
    engineer = await platform.token('ENGINEER', { id: engineerId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('names staff reply authors and the assignee; Ticket.updatedAt moves with each event', async () => {
    const opened = (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id version updatedAt } }', {
      input: { accountId, channel: 'PORTAL', subject: 'No audio', description: 'd', claimedSeverity: 'P2' },
    }, customer))).openTicket;
    expect(opened.updatedAt).toBe('2026-11-02T01:00:00.000Z');
    await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: '2026-11-02T01:05:00Z' }, admin));
    await mustData(platform.gql('mutation($id: ID!, $a: ID!) { assignTicket(ticketId: $id, assigneeId: $a) { id } }', { id: opened.id, a: engineerId }, admin));
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Looking into it") { id } }', { id: opened.id }, engineer));
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Thanks") { id } }', { id: opened.id }, customer));

    const QUERY = 'query($id: ID!) { ticket(id: $id) { updatedAt assignee { id name } replies { body author { id role displayName } } } }';
    // As a browser UI would ask: urql with its defaults (a GET).
    const client = new UrqlClient({ url: `${platform.url}/graphql`, exchanges: [fetchExchange], fetchOptions: { headers: { authorization: `Bearer ${customer}` } } });
    const result = await client.query(QUERY, { id: opened.id }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data.ticket).toEqual({
      updatedAt: '2026-11-02T01:05:00.000Z',
      assignee: { id: engineerId, name: 'Mei Lin' },
      replies: [
        { body: 'Looking into it', author: { id: engineerId, role: 'ENGINEER', displayName: 'Mei Lin' } },
        { body: 'Thanks', author: { id: expect.any(String), role: 'CUSTOMER', displayName: null } },
      ],
    });
  });

  it('lists the account’s IM channels and every calendar', async () => {
    const data = await mustData(platform.gql('query($id: ID!) { account(id: $id) { imChannels { workspaceId channelId } } calendars { id name timeZone } }', { id: accountId }, admin));
    expect(data.account.imChannels).toEqual([{ workspaceId: 'T0LIVE', channelId: 'C0SUPPORT' }]);
    expect(data.calendars).toEqual([
      { id: calendarIds[1], name: 'Berlin 5x8', timeZone: 'Europe/Berlin' },
      { id: calendarIds[0], name: 'Shanghai 5x8', timeZone: 'Asia/Shanghai' },
    ]);
    expect((await platform.gql('{ calendars { id } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('gives money as an exact decimal string beside the float', async () => {
    const data = await mustData(platform.gql('query($id: ID!) { account(id: $id) { contract { monthlyFee { amount currency amountDecimal } } health { creditsIssued { amount amountDecimal } } } }', { id: accountId }, admin));
    expect(data.account.contract.monthlyFee).toEqual({ amount: 1234.56, currency: 'USD', amountDecimal: '1234.56' });
    expect(data.account.health.creditsIssued).toEqual({ amount: 0, amountDecimal: '0.00' });
  });

  it('reports a channel the contract does not cover on input.channel, an unknown account on input.accountId, recording nothing', async () => {
    const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
    const before = await eventCount(platform);
    const uncovered = await platform.gql(OPEN, { input: { accountId, channel: 'VIDEO', subject: 's', description: 'd', claimedSeverity: 'P2' } }, admin);
    expect(uncovered.errors?.[0]).toMatchObject({ message: expect.stringMatching(/does not cover the VIDEO channel/), extensions: { code: 'BAD_USER_INPUT', field: 'input.channel' } });
    const unknown = await platform.gql(OPEN, { input: { accountId: 'no-such-account', channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, admin);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.accountId' });
    expect(await eventCount(platform)).toBe(before);
  });
});
