import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

describe('tickets filters: channel, opened/updated ranges, error code, SDK name; resolution served', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-02-13T09:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    const open = async (name: string, channel: string, diagnostics: Record<string, string>) => {
      ids[name] = (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel, subject: name, description: 'd', claimedSeverity: 'P2', diagnostics } }, admin))).openTicket.id;
    };
    await open('portal-1003', 'PORTAL', { errorCode: '1003', sdkName: 'Agora Web' });
    await mustData(platform.gql('mutation { advanceClock(to: "2026-02-13T10:00:00Z") }', {}, admin));
    await open('email-17', 'EMAIL', { errorCode: '17', sdkName: 'agora web' });
    await mustData(platform.gql('mutation { advanceClock(to: "2026-02-13T11:00:00Z") }', {}, admin));
    await mustData(platform.gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "Rotated the token", rootCause: "expired token") { id } }', { id: ids['portal-1003'] }, admin));
  });
  afterAll(async () => {
    await platform?.close();
  });

  const subjects = async (filter: Record<string, unknown>) =>
    (await mustData(platform.gql('query($f: TicketFilter) { tickets(filter: $f, orderBy: OPENED_AT) { edges { node { subject } } } }', { f: filter }, admin))).tickets.edges.map((e: any) => e.node.subject);

  it('filters by each new field', async () => {
    expect(await subjects({ channel: ['EMAIL'] })).toEqual(['email-17']);
    expect(await subjects({ openedAfter: '2026-02-13T09:30:00Z' })).toEqual(['email-17']);
    expect(await subjects({ openedBefore: '2026-02-13T09:30:00Z' })).toEqual(['portal-1003']);
    // The resolution at 11:00 is the portal ticket's latest event.
    expect(await subjects({ updatedAfter: '2026-02-13T10:30:00Z' })).toEqual(['portal-1003']);
    expect(await subjects({ updatedBefore: '2026-02-13T10:30:00Z' })).toEqual(['email-17']);
    expect(await subjects({ errorCode: '1003' })).toEqual(['portal-1003']);
    expect(await subjects({ sdkName: 'AGORA WEB' })).toEqual(['portal-1003', 'email-17']);
  });

  it('serves resolution and root cause', async () => {
    const ticket = (await mustData(platform.gql('query($id: ID!) { ticket(id: $id) { resolution rootCause updatedAt } }', { id: ids['portal-1003'] }, admin))).ticket;
    expect(ticket).toEqual({ resolution: 'Rotated the token', rootCause: 'expired token', updatedAt: '2026-02-13T11:00:00.000Z' });
  });
});
