import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvidenceBundle, type EvidenceBundle } from '#audit';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

// Platform incidents (issue #13): one outage, many customers' tickets. 300 tickets of 40 accounts linked in one
// call; one PUBLIC update answers every one of them exactly once (FIRST_RESPONSE MET at the update's instant);
// an INTERNAL update reaches none; customers see only their own account's part.

const START = '2026-03-02T02:00:00Z';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const DECLARE = 'mutation($input: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $input) { id status title linkedTicketCount affectedAccountCount } }';
const LINK = 'mutation($id: ID!, $ids: [ID!]!) { linkTicketsToIncident(incidentId: $id, ticketIds: $ids) { linkedTicketCount affectedAccountCount } }';
const UNLINK = 'mutation($id: ID!, $t: ID!) { unlinkTicket(incidentId: $id, ticketId: $t) { linkedTicketCount } }';
const POST = 'mutation($id: ID!, $s: IncidentUpdateStatus!, $b: String!, $v: IncidentVisibility!) { postIncidentUpdate(incidentId: $id, status: $s, body: $b, visibility: $v) { updates { id visibility postedAt } } }';
const RESOLVE = 'mutation($id: ID!, $r: String!, $c: String!) { resolvePlatformIncident(id: $id, resolution: $r, rootCause: $c, resolveLinkedTickets: true) { status rootCause } }';
const INCIDENT = 'query($id: ID!) { platformIncident(id: $id) { id title status linkedTicketCount affectedAccountCount linkedTicketIds updates { id body visibility } } }';
const INCIDENTS = 'query($s: PlatformIncidentStatus) { platformIncidents(status: $s, first: 10) { totalCount edges { node { id linkedTicketCount affectedAccountCount } } } }';
const TICKET = `query($id: ID!) { ticket(id: $id) { id status rootCause replies { id body visibility author { id } at incidentUpdateId }
  sla { clocks { metric state stoppedAt } } incident { id title linkedTicketCount updates { visibility } } } }`;
const HISTORY = 'query($id: ID!) { ticketHistory(ticketId: $id) { events { type data } incidentEvents { type data hash } } }';

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

describe.each(TEST_BACKENDS)('platform incidents (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  const accounts: string[] = [];
  const tickets: { id: string; accountId: string }[] = [];
  let otherAccount: string;
  let incidentId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: START, backend });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER', { id: 'eng-oncall' });
    const calendarId = await defineCalendar(platform, admin);
    for (let i = 0; i < 41; i += 1) {
      const id = await registerAccount(platform, admin, { name: `Streamer ${i}` });
      await signContract(platform, admin, standardContract(id, calendarId));
      if (i < 40) accounts.push(id);
      else otherAccount = id;
    }
    const opened = await pool(
      Array.from({ length: 300 }, (_, i) => accounts[i % 40]!),
      8,
      async (accountId) =>
        (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 'CDN ap-east down', description: 'viewers see black', claimedSeverity: 'P0' } }, admin))).openTicket
          .id as string,
    );
    opened.forEach((id, i) => tickets.push({ id, accountId: accounts[i % 40]! }));
  }, 120_000);
  afterAll(async () => platform?.close());

  const declare = (input: Record<string, unknown>, token = engineer) =>
    platform.gql(DECLARE, { input: { title: 'CDN ap-east-1 outage', severity: 'SEV1', regions: ['ap-east-1'], components: ['CDN'], startedAt: START, publicSummary: 'Playback fails in ap-east-1', ...input } }, token);

  it('refuses bad declarations: empty title, startedAt after the clock, a customer', async () => {
    expect(codeOf(await declare({ title: '  ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await declare({ startedAt: '2026-03-02T03:00:00Z' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await declare({ sdk: { name: 'rtc-web', versionRange: 'not a range' } }))).toBe('BAD_USER_INPUT');
    const customer = await platform.token('CUSTOMER', { accountId: accounts[0]! });
    expect(codeOf(await declare({}, customer))).toBe('FORBIDDEN');
    expect((await mustData(platform.gql(INCIDENTS, {}, admin))).platformIncidents.totalCount).toBe(0);
  });

  it('links 300 tickets of 40 accounts in one call, all or nothing', async () => {
    const declared = (await mustData(declare({ sdk: { name: 'rtc-web', versionRange: '>=4.2.0 <4.2.3' } }))).declarePlatformIncident;
    incidentId = declared.id;
    expect(declared).toMatchObject({ status: 'OPEN', linkedTicketCount: 0 });

    // Unknown ids: named in the error, nothing linked.
    const unknown = await platform.gql(LINK, { id: incidentId, ids: [tickets[0]!.id, 'no-such-ticket', 'nor-this'] }, engineer);
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0]!.message).toContain('no-such-ticket');
    expect(unknown.errors![0]!.message).toContain('nor-this');
    expect(codeOf(await platform.gql(LINK, { id: incidentId, ids: Array.from({ length: 501 }, (_, i) => `t-${i}`) }, engineer))).toBe('BAD_USER_INPUT');
    expect((await mustData(platform.gql(INCIDENT, { id: incidentId }, admin))).platformIncident.linkedTicketCount).toBe(0);

    const linked = (await mustData(platform.gql(LINK, { id: incidentId, ids: tickets.map((t) => t.id) }, engineer))).linkTicketsToIncident;
    expect(linked).toEqual({ linkedTicketCount: 300, affectedAccountCount: 40 });
    // Linking again is no change.
    expect((await mustData(platform.gql(LINK, { id: incidentId, ids: [tickets[0]!.id] }, engineer))).linkTicketsToIncident.linkedTicketCount).toBe(300);
  });

  it('a ticket linked to another open incident is a CONFLICT; a closed ticket is refused; nothing linked', async () => {
    const second = (await mustData(declare({ title: 'Media servers eu' }))).declarePlatformIncident.id;
    const fresh = (await mustData(platform.gql(OPEN, { input: { accountId: otherAccount, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, admin))).openTicket.id;
    const conflicting = await platform.gql(LINK, { id: second, ids: [fresh, tickets[5]!.id] }, engineer);
    expect(codeOf(conflicting)).toBe('CONFLICT');
    expect(conflicting.errors![0]!.message).toContain(tickets[5]!.id);
    await mustData(platform.gql('mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', { id: fresh }, admin));
    const closed = await platform.gql(LINK, { id: second, ids: [fresh] }, engineer);
    expect(codeOf(closed)).toBe('BAD_USER_INPUT');
    expect((await mustData(platform.gql(INCIDENT, { id: second }, admin))).platformIncident.linkedTicketCount).toBe(0);
    expect((await mustData(platform.gql(INCIDENTS, { s: 'OPEN' }, admin))).platformIncidents.totalCount).toBe(2);
  });

  it('an INTERNAL update reaches no ticket', async () => {
    await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: '2026-03-02T02:05:00Z' }, admin));
    await mustData(platform.gql(POST, { id: incidentId, s: 'INVESTIGATING', b: 'edge nodes in HKG flapping; suspect config push', v: 'INTERNAL' }, engineer));
    expect(await platform.runtime.settleReactions(60_000)).toBe(true);
    const seen = await pool(tickets.slice(0, 40), 8, async (t) => (await mustData(platform.gql(TICKET, { id: t.id }, admin))).ticket);
    for (const ticket of seen) {
      expect(ticket.replies).toEqual([]);
      expect(ticket.sla.clocks.find((c: any) => c.metric === 'FIRST_RESPONSE').state).toBe('RUNNING');
    }
  });

  it('one PUBLIC update answers all 300 tickets exactly once: FIRST_RESPONSE MET at the update’s instant', async () => {
    await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: '2026-03-02T02:10:00Z' }, admin));
    const started = Date.now();
    const posted = (await mustData(platform.gql(POST, { id: incidentId, s: 'IDENTIFIED', b: 'A CDN configuration change is being rolled back.', v: 'PUBLIC' }, engineer))).postIncidentUpdate;
    const update = posted.updates.find((u: any) => u.visibility === 'PUBLIC');
    expect(await platform.runtime.settleReactions(60_000)).toBe(true);
    const elapsed = Date.now() - started;
    const seen = await pool(tickets, 8, async (t) => (await mustData(platform.gql(TICKET, { id: t.id }, admin))).ticket);
    for (const ticket of seen) {
      const broadcast = ticket.replies.filter((r: any) => r.body.includes('A CDN configuration change is being rolled back.'));
      expect(broadcast).toHaveLength(1);
      expect(broadcast[0]).toMatchObject({ visibility: 'PUBLIC', author: { id: 'eng-oncall' }, at: update.postedAt, incidentUpdateId: update.id });
      expect(ticket.sla.clocks.find((c: any) => c.metric === 'FIRST_RESPONSE')).toMatchObject({ state: 'MET', stoppedAt: update.postedAt });
      expect(ticket.incident).toMatchObject({ id: incidentId, title: 'CDN ap-east-1 outage' });
    }
    // The record tells the broadcast from a personal answer: the reply carries the update's id.
    const events = (await mustData(platform.gql(HISTORY, { id: tickets[7]!.id }, admin))).ticketHistory.events;
    const replies = events.filter((e: any) => e.type === 'ReplyAdded');
    expect(replies).toHaveLength(1);
    expect(replies[0].data).toMatchObject({ incidentUpdateId: update.id, side: 'STAFF', visibility: 'PUBLIC' });
    // A personal answer carries none, over GraphQL too.
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Following up personally") { id } }', { id: tickets[7]!.id }, engineer));
    const personal = (await mustData(platform.gql(TICKET, { id: tickets[7]!.id }, admin))).ticket.replies.find((r: any) => r.body === 'Following up personally');
    expect(personal).toMatchObject({ incidentUpdateId: null });
    console.info(`incident broadcast (${backend}): 300 tickets answered ${elapsed} ms after the update was posted`);
  }, 120_000);

  it('the next PUBLIC update counts for NEXT_UPDATE (every tenth linked ticket checked)', async () => {
    await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: '2026-03-02T02:40:00Z' }, admin));
    await mustData(platform.gql(POST, { id: incidentId, s: 'MONITORING', b: 'Rolled back; playback recovering.', v: 'PUBLIC' }, engineer));
    expect(await platform.runtime.settleReactions(60_000)).toBe(true);
    const seen = await pool(tickets.filter((_, i) => i % 10 === 0), 8, async (t) => (await mustData(platform.gql(TICKET, { id: t.id }, admin))).ticket);
    for (const ticket of seen) {
      expect(ticket.replies).toHaveLength(2);
      expect(ticket.sla.clocks.filter((c: any) => c.metric === 'NEXT_UPDATE')[0]).toMatchObject({ state: 'MET', stoppedAt: '2026-03-02T02:40:00.000Z' });
    }
  }, 60_000);

  it('a customer sees only their own account’s tickets and PUBLIC updates; another account sees nothing', async () => {
    const accountId = accounts[3]!;
    const own = tickets.filter((t) => t.accountId === accountId).map((t) => t.id);
    const customer = await platform.token('CUSTOMER', { accountId });
    const seen = (await mustData(platform.gql(INCIDENT, { id: incidentId }, customer))).platformIncident;
    expect(seen.linkedTicketCount).toBe(own.length);
    expect(seen.affectedAccountCount).toBe(1);
    expect([...seen.linkedTicketIds].sort()).toEqual([...own].sort());
    expect(seen.updates.map((u: any) => u.visibility)).toEqual(['PUBLIC', 'PUBLIC']);
    expect(JSON.stringify(seen)).not.toContain('HKG');
    const listed = (await mustData(platform.gql(INCIDENTS, {}, customer))).platformIncidents;
    expect(listed.totalCount).toBe(1);
    expect(listed.edges[0].node).toMatchObject({ linkedTicketCount: own.length, affectedAccountCount: 1 });
    const onTicket = (await mustData(platform.gql(TICKET, { id: own[0] }, customer))).ticket.incident;
    expect(onTicket).toMatchObject({ id: incidentId, linkedTicketCount: own.length, updates: [{ visibility: 'PUBLIC' }, { visibility: 'PUBLIC' }] });

    // The ticket's history carries the incident's stream: staff whole, the customer without links or INTERNAL updates.
    const staffHistory = (await mustData(platform.gql(HISTORY, { id: own[0] }, admin))).ticketHistory.incidentEvents.map((e: any) => e.type);
    expect(staffHistory).toEqual(['PlatformIncidentDeclared', 'TicketsLinkedToIncident', 'IncidentUpdatePosted', 'IncidentUpdatePosted', 'IncidentUpdatePosted']);
    const customerHistory = (await mustData(platform.gql(HISTORY, { id: own[0] }, customer))).ticketHistory.incidentEvents;
    expect(customerHistory.map((e: any) => e.type)).toEqual(['PlatformIncidentDeclared', 'IncidentUpdatePosted', 'IncidentUpdatePosted']);
    expect(JSON.stringify(customerHistory)).not.toContain('HKG');

    // verifyTicketHistory and the evidence bundle take in the incident's stream: staff whole, a customer's with
    // the links and the INTERNAL update withheld (stubs committing to the removed data, so the chain still holds).
    const exportAs = async (token: string) =>
      (await (await fetch(`${platform.url}/audit/tickets/${own[0]}/export`, { headers: { authorization: `Bearer ${token}` } })).json()) as EvidenceBundle;
    const staffBundle = await exportAs(admin);
    expect(staffBundle.streams[`incident-${incidentId}`]!.map((e) => e.type)).toEqual(staffHistory);
    expect(checkEvidenceBundle(staffBundle).lines.find((line) => line.includes(`incident-${incidentId}`))).toMatch(/^HOLDS {3}incident-.*: 5 events/);
    expect(checkEvidenceBundle(staffBundle).ok).toBe(true);
    const verified = (await mustData(platform.gql('query($id: ID!) { verifyTicketHistory(ticketId: $id) { valid eventsChecked } }', { id: own[0] }, admin))).verifyTicketHistory;
    expect(verified).toEqual({ valid: true, eventsChecked: Object.values(staffBundle.streams).reduce((sum, events) => sum + events.length, 0) });
    const customerBundle = await exportAs(customer);
    const customerIncident = customerBundle.streams[`incident-${incidentId}`]!;
    expect(customerIncident.map((e) => e.type)).toEqual(staffHistory);
    expect(customerIncident.map((e) => e.hash)).toEqual(staffBundle.streams[`incident-${incidentId}`]!.map((e) => e.hash));
    expect(customerIncident.map((e) => (e.redaction ? 'withheld' : (e.data as { visibility?: string }).visibility ?? e.type))).toEqual([
      'PlatformIncidentDeclared',
      'withheld',
      'withheld',
      'PUBLIC',
      'PUBLIC',
    ]);
    expect(customerIncident[2]!.data).toMatchObject({ visibility: 'INTERNAL', redacted: true });
    expect(customerBundle.heads[`incident-${incidentId}`]).toEqual(staffBundle.heads[`incident-${incidentId}`]);
    // Nothing of the internal update, nor any other account's ticket, is in the customer's file.
    const customerJson = JSON.stringify(customerBundle);
    expect(customerJson).not.toContain('HKG');
    for (const other of tickets.filter((t) => t.accountId !== accountId)) expect(customerJson).not.toContain(other.id);
    const customerCheck = checkEvidenceBundle(customerBundle);
    expect(customerCheck.ok).toBe(true);
    expect(customerCheck.lines.find((line) => line.includes(`incident-${incidentId}`))).toMatch(/^HOLDS {3}incident-.*: 5 events, chain intact up to the recorded head \(2 redacted/);
    // A PUBLIC update may not be withheld, and a stub whose commitment is not the removed data's fails its hash.
    const forged = structuredClone(customerBundle);
    const publicUpdate = forged.streams[`incident-${incidentId}`]![3]!;
    forged.streams[`incident-${incidentId}`]![3] = { ...publicUpdate, data: { redacted: true }, redaction: customerIncident[2]!.redaction! };
    expect(checkEvidenceBundle(forged).lines.find((line) => line.includes(`incident-${incidentId}`))).toMatch(/^BROKEN .*revision 3: a IncidentUpdatePosted cannot be redacted/);
    const swapped = structuredClone(customerBundle);
    swapped.streams[`incident-${incidentId}`]![1]!.redaction = customerIncident[2]!.redaction!;
    expect(checkEvidenceBundle(swapped).lines.find((line) => line.includes(`incident-${incidentId}`))).toMatch(/^BROKEN .*revision 1: content does not match its recorded hash/);

    const stranger = await platform.token('CUSTOMER', { accountId: otherAccount });
    expect(codeOf(await platform.gql(INCIDENT, { id: incidentId }, stranger))).toBe('NOT_FOUND');
    expect((await mustData(platform.gql(INCIDENTS, {}, stranger))).platformIncidents.totalCount).toBe(0);
  });

  it('unlinks a ticket; resolving with resolveLinkedTickets resolves the linked ones with the root cause; then updates are refused', async () => {
    const unlinked = tickets[0]!.id;
    expect((await mustData(platform.gql(UNLINK, { id: incidentId, t: unlinked }, engineer))).unlinkTicket.linkedTicketCount).toBe(299);
    const resolved = (await mustData(platform.gql(RESOLVE, { id: incidentId, r: 'Configuration rolled back', c: 'Bad CDN config push to ap-east-1' }, engineer))).resolvePlatformIncident;
    expect(resolved).toMatchObject({ status: 'RESOLVED', rootCause: 'Bad CDN config push to ap-east-1' });
    expect(await platform.runtime.settleReactions(60_000)).toBe(true);
    const [first, second] = await Promise.all([tickets[0]!, tickets[1]!].map(async (t) => (await mustData(platform.gql(TICKET, { id: t.id }, admin))).ticket));
    expect(first.status).not.toBe('RESOLVED');
    expect(second).toMatchObject({ status: 'RESOLVED', rootCause: 'Bad CDN config push to ap-east-1' });
    expect(codeOf(await platform.gql(POST, { id: incidentId, s: 'MONITORING', b: 'late', v: 'PUBLIC' }, engineer))).toBe('BAD_USER_INPUT');
    expect(codeOf(await platform.gql(POST, { id: 'no-such-incident', s: 'MONITORING', b: 'x', v: 'PUBLIC' }, engineer))).toBe('NOT_FOUND');
  });
});
