import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

// Auto-linking at intake (issue #13): a ticket opened under a contract with autoLinkIncidents is linked at once
// to the open incident it matches best (Ticket.suggestedIncidents' ranking, score ≥ 3); other contracts, weak
// matches and tickets already linked are left alone. docs/incidents.md#auto-linking.

const START = '2026-03-02T02:00:00Z';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const DECLARE = 'mutation($input: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $input) { id } }';
const LINK = 'mutation($id: ID!, $ids: [ID!]!) { linkTicketsToIncident(incidentId: $id, ticketIds: $ids) { linkedTicketCount } }';
const UNLINK = 'mutation($id: ID!, $t: ID!) { unlinkTicket(incidentId: $id, ticketId: $t) { linkedTicketCount } }';
const RESOLVE = 'mutation($id: ID!) { resolvePlatformIncident(id: $id, resolution: "r", rootCause: "c") { status } }';
const INCIDENT_OF = 'query($id: ID!) { ticket(id: $id) { incident { id title } } }';
const HISTORY = 'query($id: ID!) { ticketHistory(ticketId: $id) { incidentEvents { type actor { id } } } }';

describe.each(TEST_BACKENDS)('incident auto-linking at intake (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let auto: string;
  let manual: string;
  let autoEmea: string;
  let sdkIncident: string;
  let cdnIncident: string;

  const open = async (accountId: string, subject: string, diagnostics: Record<string, unknown> = {}) => {
    const id = (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject, description: 'viewers see a black screen', claimedSeverity: 'P1', diagnostics } }, admin))).openTicket.id as string;
    expect(await platform.runtime.settleReactions(60_000)).toBe(true);
    return id;
  };
  const incidentOf = async (ticketId: string) => (await mustData(platform.gql(INCIDENT_OF, { id: ticketId }, engineer))).ticket.incident?.title ?? null;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: START, backend });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    auto = await registerAccount(platform, admin, { name: 'Auto APAC', region: 'APAC' });
    autoEmea = await registerAccount(platform, admin, { name: 'Auto EMEA', region: 'EMEA' });
    manual = await registerAccount(platform, admin, { name: 'Manual APAC', region: 'APAC' });
    const signed = await mustData(
      platform.gql('mutation($i: SignContractInput!) { signContract(input: $i) { autoLinkIncidents } }', { i: standardContract(auto, calendarId, { autoLinkIncidents: true }) }, admin),
    );
    expect(signed.signContract.autoLinkIncidents).toBe(true);
    await signContract(platform, admin, standardContract(autoEmea, calendarId, { autoLinkIncidents: true }));
    await signContract(platform, admin, standardContract(manual, calendarId)); // autoLinkIncidents defaults to false
    const declare = async (input: Record<string, unknown>) =>
      (await mustData(platform.gql(DECLARE, { input: { severity: 'SEV1', regions: [], components: [], startedAt: START, publicSummary: 'outage', ...input } }, engineer))).declarePlatformIncident.id as string;
    sdkIncident = await declare({ title: 'rtc-web 4.2 crash', sdk: { name: 'rtc-web', versionRange: '>=4.2.0 <4.2.3' } });
    cdnIncident = await declare({ title: 'CDN outage APAC', regions: ['APAC'], components: ['CDN'] });
  }, 120_000);
  afterAll(async () => platform?.close());

  it('links a ticket of an auto-linking contract to its best match, recorded by the auto-linker and caused by the opening', async () => {
    const ticket = await open(auto, 'CDN playback fails', { sdkName: 'rtc-web', sdkVersion: '4.2.1' });
    // SDK (4) beats COMPONENT + REGION (3).
    expect(await incidentOf(ticket)).toBe('rtc-web 4.2 crash');
    const history = (await mustData(platform.gql(HISTORY, { id: ticket }, engineer))).ticketHistory.incidentEvents;
    expect(history.filter((e: any) => e.type === 'TicketsLinkedToIncident')).toEqual([{ type: 'TicketsLinkedToIncident', actor: { id: 'incident-auto-link' } }]);
    const events = await platform.runtime.store.readStream(`incident-${sdkIncident}`);
    const link = events.find((e) => e.type === 'TicketsLinkedToIncident')!;
    const opened = (await platform.runtime.store.readStream(`ticket-${ticket}`))[0]!;
    expect(link.metadata.causationId).toBe(opened.id);
    expect(link.data).toMatchObject({ tickets: [{ ticketId: ticket, accountId: auto }], linkedAt: opened.metadata.occurredAt });

    // COMPONENT + REGION (3) is enough…
    const cdn = await open(auto, 'our CDN urls 404');
    expect(await incidentOf(cdn)).toBe('CDN outage APAC');
    // …a component alone (2) or a region alone (1) is not.
    expect(await incidentOf(await open(autoEmea, 'our CDN urls 404'))).toBeNull();
    expect(await incidentOf(await open(auto, 'login page slow'))).toBeNull();
  });

  it('leaves tickets of other contracts, already linked ones, and resolved incidents alone', async () => {
    // The same match under a contract without the term: suggested, not linked.
    expect(await incidentOf(await open(manual, 'CDN playback fails', { sdkName: 'rtc-web', sdkVersion: '4.2.1' }))).toBeNull();

    // Unlinked by hand and linked to another incident: a redelivery of its opening changes nothing (the event id
    // is the ticket's, and the ticket is linked to another open incident).
    const ticket = await open(auto, 'CDN is down');
    expect(await incidentOf(ticket)).toBe('CDN outage APAC');
    await mustData(platform.gql(UNLINK, { id: cdnIncident, t: ticket }, engineer));
    await mustData(platform.gql(LINK, { id: sdkIncident, ids: [ticket] }, engineer));
    const before = (await platform.runtime.store.readStream(`incident-${cdnIncident}`)).length;
    const opened = (await platform.runtime.store.readStream(`ticket-${ticket}`))[0]!;
    const reactor = (platform.runtime as any).reactors.find((r: any) => r.name === 'incidents.auto-link');
    await reactor.react(opened);
    expect((await platform.runtime.store.readStream(`incident-${cdnIncident}`)).length).toBe(before);
    expect(await incidentOf(ticket)).toBe('rtc-web 4.2 crash');

    // Once the incident is resolved, new tickets are no longer linked to it.
    await mustData(platform.gql(RESOLVE, { id: sdkIncident }, engineer));
    expect(await incidentOf(await open(auto, 'app crashes', { sdkName: 'rtc-web', sdkVersion: '4.2.2' }))).toBeNull();
  });
});
