import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const VERIFY = 'query($id: ID!) { verifyTicketHistory(ticketId: $id) { ticketId valid eventsChecked headHash brokenAtRevision problem } }';

describe.each(TEST_BACKENDS)('verifying a ticket’s record (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let auditor: string;
  let customer: string;
  let stranger: string;
  let ticketId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    auditor = await platform.token('AUDITOR');
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin);
    const otherAccountId = await registerAccount(platform, admin, { name: 'Other' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
    stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
    const opened = await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P1' } }, customer));
    ticketId = opened.openTicket.id;
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "We are on it") { id } }', { id: ticketId }, admin));
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('finds an intact record valid, for auditors and the ticket’s own customer only', async () => {
    const report = (await mustData(platform.gql(VERIFY, { id: ticketId }, auditor))).verifyTicketHistory;
    const events = await platform.runtime.store.readStream(`ticket-${ticketId}`);
    expect(report).toEqual({ ticketId, valid: true, eventsChecked: events.length + 1, headHash: events.at(-1)!.hash, brokenAtRevision: null, problem: null });
    expect((await mustData(platform.gql(VERIFY, { id: ticketId }, customer))).verifyTicketHistory.valid).toBe(true);
    expect((await platform.gql(VERIFY, { id: ticketId }, stranger)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await platform.gql(VERIFY, { id: 'nope' }, auditor)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('shows the record, the ticket and its SLA as they stood at an instant; customers see internal notes redacted', async () => {
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "customer is on 4.1.2", visibility: INTERNAL) { id } }', { id: ticketId }, admin));
    const before = (await mustData(platform.gql('{ now }', {}, admin))).now;
    await mustData(platform.gql('mutation { advanceClock(to: "2026-03-06T05:00:00Z") }', {}, admin));
    await mustData(platform.gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "Upgrade to 4.1.3") { id } }', { id: ticketId }, admin));
    const history = `query($id: ID!, $asOf: DateTime) { ticketHistory(ticketId: $id, asOf: $asOf) {
      ticketId asOf events { type revision hash previousHash actor { role } data }
      ticket { status version replies { body visibility } sla { severity clocks { metric state } } }
      sla { severity breached clocks { metric state stoppedAt } } } }`;
    const then = (await mustData(platform.gql(history, { id: ticketId, asOf: before }, auditor))).ticketHistory;
    expect(then.asOf).toBe(before);
    expect(then.events.map((e: { type: string }) => e.type)).toEqual(['TicketOpened', 'TicketUnassignable', 'ReplyAdded', 'ReplyAdded']); // nobody on shift for this P0
    expect(then.events[1].previousHash).toBe(then.events[0].hash);
    expect(then.ticket).toMatchObject({ status: 'IN_PROGRESS', version: 3, replies: [{ visibility: 'PUBLIC' }, { visibility: 'INTERNAL' }] });
    expect(then.sla.clocks.find((c: { metric: string }) => c.metric === 'RESOLUTION').state).toBe('RUNNING');
    expect(then.ticket.sla.clocks.find((c: { metric: string }) => c.metric === 'RESOLUTION').state).toBe('RUNNING');

    const now = (await mustData(platform.gql(history, { id: ticketId }, auditor))).ticketHistory;
    expect(now.ticket.status).toBe('RESOLVED');
    expect(now.sla.clocks.find((c: { metric: string }) => c.metric === 'RESOLUTION')).toMatchObject({ state: 'MET', stoppedAt: '2026-03-06T05:00:00.000Z' });

    const asCustomer = (await mustData(platform.gql(history, { id: ticketId, asOf: before }, customer))).ticketHistory;
    const internal = asCustomer.events[3];
    expect(internal.data).toEqual({ ticketId, replyId: expect.any(String), visibility: 'INTERNAL', redacted: true });
    expect(internal.hash).toBe(then.events[3].hash);
    expect(asCustomer.ticket.replies).toEqual([{ body: 'We are on it', visibility: 'PUBLIC' }]);
    expect((await platform.gql(history, { id: ticketId }, stranger)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await platform.gql(history, { id: ticketId, asOf: '2030-01-01T00:00:00Z' }, auditor)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('names the stream and revision of a row changed behind the store’s back', async () => {
    const reply = (await platform.runtime.store.readStream(`ticket-${ticketId}`)).find((e) => e.type === 'ReplyAdded')!;
    await platform.runtime.readDb.query(
      `UPDATE event_store.events SET data = jsonb_set(data, '{body}', '"We fixed it an hour ago"') WHERE stream = $1 AND revision = $2`,
      [`ticket-${ticketId}`, reply.revision],
    );
    const report = (await mustData(platform.gql(VERIFY, { id: ticketId }, auditor))).verifyTicketHistory;
    expect(report).toMatchObject({ valid: false, brokenAtRevision: reply.revision, headHash: null });
    expect(report.problem).toMatch(new RegExp(`^ticket-${ticketId}: content does not match its recorded hash`));
  });

  it('checks the SLA stream the ticket references too', async () => {
    await platform.runtime.readDb.query(`DELETE FROM event_store.events WHERE stream = $1 AND revision = 0`, [`sla-${ticketId}`]);
    const reply = (await platform.runtime.store.readStream(`ticket-${ticketId}`)).find((e) => e.type === 'ReplyAdded')!;
    // Put the ticket stream back as it was, so only the SLA stream is broken.
    await platform.runtime.readDb.query(
      `UPDATE event_store.events SET data = jsonb_set(data, '{body}', '"We are on it"') WHERE stream = $1 AND revision = $2`,
      [`ticket-${ticketId}`, reply.revision],
    );
    const report = (await mustData(platform.gql(VERIFY, { id: ticketId }, auditor))).verifyTicketHistory;
    expect(report).toMatchObject({ valid: false, brokenAtRevision: 0 });
    expect(report.problem).toMatch(new RegExp(`^sla-${ticketId}: (revision 0 is missing|the stream.s head says)`));
  });
});
