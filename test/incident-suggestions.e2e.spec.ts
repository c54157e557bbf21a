import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

// Ticket.suggestedIncidents (issue #13): the open incidents a ticket probably belongs to, ranked by what matched
// (SDK version in range > component named > account's region), within the incident's time window; staff only.

const START = '2026-03-02T02:00:00Z';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const DECLARE = 'mutation($input: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $input) { id } }';
const LINK = 'mutation($id: ID!, $ids: [ID!]!) { linkTicketsToIncident(incidentId: $id, ticketIds: $ids) { linkedTicketCount } }';
const RESOLVE = 'mutation($id: ID!) { resolvePlatformIncident(id: $id, resolution: "r", rootCause: "c") { status } }';
const SUGGESTED = 'query($id: ID!) { ticket(id: $id) { suggestedIncidents { matchedOn incident { id title status } } } }';
const ADVANCE = 'mutation($to: DateTime!) { advanceClock(to: $to) }';

describe.each(TEST_BACKENDS)('incident suggestions (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let apac: string;
  let emea: string;
  let na: string;
  const incidents: Record<string, string> = {};

  const open = async (accountId: string, subject: string, diagnostics: Record<string, unknown> = {}) =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject, description: 'viewers see a black screen', claimedSeverity: 'P1', diagnostics } }, admin))).openTicket.id as string;
  const suggested = async (ticketId: string, token = engineer) =>
    (await mustData(platform.gql(SUGGESTED, { id: ticketId }, token))).ticket.suggestedIncidents.map((s: any) => ({ title: s.incident.title, matchedOn: s.matchedOn }));

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: START, backend });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    apac = await registerAccount(platform, admin, { name: 'Streamer APAC', region: 'APAC' });
    emea = await registerAccount(platform, admin, { name: 'Streamer EMEA', region: 'EMEA' });
    na = await registerAccount(platform, admin, { name: 'Streamer NA', region: 'NA' });
    for (const id of [apac, emea, na]) await signContract(platform, admin, standardContract(id, calendarId));
    const declare = async (input: Record<string, unknown>) =>
      (await mustData(platform.gql(DECLARE, { input: { severity: 'SEV1', regions: [], components: [], startedAt: START, publicSummary: 'outage', ...input } }, engineer))).declarePlatformIncident.id as string;
    await mustData(platform.gql(ADVANCE, { to: '2026-03-02T02:30:00Z' }, admin));
    incidents.region = await declare({ title: 'APAC edge degraded', regions: ['APAC'] });
    incidents.cdn = await declare({ title: 'CDN outage', regions: ['EMEA'], components: ['CDN'] });
    incidents.sdk = await declare({ title: 'rtc-web 4.2 crash', sdk: { name: 'rtc-web', versionRange: '>=4.2.0 <4.2.3' } });
  }, 120_000);
  afterAll(async () => platform?.close());

  it('ranks the open incidents a ticket matches: SDK version in range, then a named component, then the region', async () => {
    const ticket = await open(apac, 'CDN playback fails', { sdkName: 'rtc-web', sdkVersion: '4.2.1' });
    expect(await suggested(ticket)).toEqual([
      { title: 'rtc-web 4.2 crash', matchedOn: ['SDK'] },
      { title: 'CDN outage', matchedOn: ['COMPONENT'] },
      { title: 'APAC edge degraded', matchedOn: ['REGION'] },
    ]);
    // A version outside the range, another region, no component named: nothing is suggested.
    const unrelated = await open(na, 'login page slow', { sdkName: 'rtc-web', sdkVersion: '4.2.3' });
    expect(await suggested(unrelated)).toEqual([]);
    // Several matches outrank one.
    const both = await open(emea, 'our cdn urls 404', {});
    expect(await suggested(both)).toEqual([{ title: 'CDN outage', matchedOn: ['COMPONENT', 'REGION'] }]);
  });

  it('leaves out incidents the ticket is linked to and resolved ones; customers get none', async () => {
    const ticket = await open(apac, 'CDN playback fails', { sdkName: 'rtc-web', sdkVersion: '4.2.0' });
    await mustData(platform.gql(LINK, { id: incidents.sdk, ids: [ticket] }, engineer));
    expect((await suggested(ticket)).map((s: any) => s.title)).toEqual(['CDN outage', 'APAC edge degraded']);
    const customer = await platform.token('CUSTOMER', { accountId: apac });
    expect(await suggested(ticket, customer)).toEqual([]);
    await mustData(platform.gql(RESOLVE, { id: incidents.region }, engineer));
    expect((await suggested(ticket)).map((s: any) => s.title)).toEqual(['CDN outage']);
  });

  it('a ticket that came in over an hour before an incident started is not suggested for it', async () => {
    const early = await open(na, 'CDN flaky');
    await mustData(platform.gql(ADVANCE, { to: '2026-03-02T04:00:00Z' }, admin));
    await mustData(
      platform.gql(DECLARE, { input: { title: 'CDN outage 2', severity: 'SEV2', regions: [], components: ['CDN'], startedAt: '2026-03-02T03:45:00Z', publicSummary: 'again' } }, engineer),
    );
    expect((await suggested(early)).map((s: any) => s.title)).toEqual(['CDN outage']);
    const late = await open(na, 'CDN flaky again');
    expect((await suggested(late)).map((s: any) => s.title)).toEqual(['CDN outage 2', 'CDN outage']); // a tie: the later start first
  });
});
