import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelRepliesReactor } from '../libs/triage/application/reactions.js';
import { TicketsCommands } from '../libs/triage/application/tickets.commands.js';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { TEST_BACKENDS } from './support/test-databases.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

// A channel reply is intake's fact (ChannelReplyReceived on its own stream) that triage's reactor
// `triage.channel-replies` turns into the reply on the ticket (docs/reactors.md#channel-replies).

const EMAIL_SECRET = 'email-channel-secret-0123456789-abcdef';
const REPLIES = 'query($id: ID!) { ticket(id: $id) { status replies { body author { id } } } }';
const RETRY = 'mutation($r: String!, $e: ID!) { retryParkedEvent(reactor: $r, eventId: $e) { recorded error } }';
const PARKED = 'query($r: String) { parkedEvents(reactor: $r) { totalCount edges { node { eventId type stream error } } } }';

function email(messageId: string, text: string, inReplyTo?: string): string {
  return [
    'From: Wei Zhang <wei@replies.example>',
    'To: support@ledgerdesk.example',
    `Subject: ${inReplyTo ? 'Re: ' : ''}Video freezes`,
    'Date: Fri, 13 Feb 2026 08:59:00 +0000',
    `Message-ID: ${messageId}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ].join('\r\n');
}

describe.each(TEST_BACKENDS)('channel replies: intake records the message, triage’s reactor adds the reply (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-02-13T09:00:00Z', env: { LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin, { name: 'Replies Ltd', emailDomains: ['replies.example'] });
    await signContract(platform, admin, standardContract(accountId, calendarId, { channels: ['EMAIL'] }));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env['LEDGERDESK_REACTION_WAIT_MS'];
  });
  afterAll(async () => {
    await platform?.close();
  });

  const post = async (message: string) => {
    const response = await fetch(`${platform.url}/channels/email`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` },
      body: message,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const open = async (root: string) => (await post(email(root, 'It freezes after 30 s.'))).body.ticketId as string;
  const replies = async (ticketId: string) => (await mustData(platform.gql(REPLIES, { id: ticketId }, admin))).ticket.replies as { body: string }[];
  const stream = async (name: string) => (await platform.runtime.store.readStream(name)).map((event) => event.type);

  it('records ChannelReplyReceived on its own stream, and the reply is on the ticket when the channel answers', async () => {
    const ticketId = await open('<r-root@replies.example>');
    const answer = await post(email('<r-1@replies.example>', 'Logs attached.', '<r-root@replies.example>'));
    expect(answer).toEqual({ status: 201, body: { ticketId, created: false, action: 'replied' } });
    expect(await replies(ticketId)).toEqual([{ body: 'Logs attached.', author: { id: 'email:wei@replies.example' } }]);
    const received = (await platform.runtime.store.readAll({ after: null, maxCount: 100_000 })).filter((event) => event.type === 'ChannelReplyReceived');
    expect(received.at(-1)).toMatchObject({ stream: expect.stringMatching(/^channel-reply-/), data: { ticketId, externalId: '<r-1@replies.example>', body: 'Logs attached.' } });
    // The reply is caused by the channel's fact.
    const reply = (await platform.runtime.store.readStream(`ticket-${ticketId}`)).find((event) => event.type === 'ReplyAdded')!;
    expect(reply.metadata.causationId).toBe(received.at(-1)!.id);
  });

  it('adds a reply whose reaction fails once exactly once: the reactor retries, the channel answers after it', async () => {
    const ticketId = await open('<f-root@replies.example>');
    const real = TicketsCommands.prototype.channelReply;
    let calls = 0;
    vi.spyOn(TicketsCommands.prototype, 'channelReply').mockImplementation(function (this: TicketsCommands, ...args) {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error('connection reset'));
      return real.apply(this, args);
    });
    const reply = email('<f-1@replies.example>', 'Still frozen.', '<f-root@replies.example>');
    expect(await post(reply)).toEqual({ status: 201, body: { ticketId, created: false, action: 'replied' } });
    expect(calls).toBe(2);
    expect(await replies(ticketId)).toEqual([{ body: 'Still frozen.', author: { id: 'email:wei@replies.example' } }]);

    const before = await eventCount(platform);
    expect(await post(reply)).toEqual({ status: 200, body: { ticketId, created: false, action: 'duplicate' } });
    expect(await eventCount(platform)).toBe(before);
    expect((await stream(`ticket-${ticketId}`)).filter((type) => type === 'ReplyAdded')).toHaveLength(1);
  });

  it('answers past the bound while the reactor is behind; a redelivery meanwhile records nothing; the retried reaction adds it once', async () => {
    const ticketId = await open('<b-root@replies.example>');
    vi.spyOn(TicketsCommands.prototype, 'channelReply').mockRejectedValue(new Error('ticket store unreadable'));
    process.env['LEDGERDESK_REACTION_WAIT_MS'] = '0';
    const reply = email('<b-1@replies.example>', 'Any news?', '<b-root@replies.example>');
    expect(await post(reply)).toEqual({ status: 201, body: { ticketId, created: false, action: 'replied' } });
    const afterFirst = await eventCount(platform);
    expect(await post(reply)).toEqual({ status: 200, body: { ticketId, created: false, action: 'duplicate' } });
    expect(await eventCount(platform)).toBe(afterFirst);

    // After its retries the reactor parks the message, and ADMIN sees it.
    await platform.runtime.settleReactions();
    const parked = (await mustData(platform.gql(PARKED, { r: 'triage.channel-replies' }, admin))).parkedEvents;
    expect(parked.totalCount).toBe(1);
    expect(parked.edges[0].node).toMatchObject({ type: 'ChannelReplyReceived', stream: expect.stringMatching(/^channel-reply-/), error: 'ticket store unreadable' });
    expect(await replies(ticketId)).toEqual([]);

    vi.restoreAllMocks(); // the cause is fixed
    const retried = (await mustData(platform.gql(RETRY, { r: 'triage.channel-replies', e: parked.edges[0].node.eventId }, admin))).retryParkedEvent;
    expect(retried).toEqual({ recorded: true, error: null });
    // The read models pass the reply the retry recorded (by its own position: on PostgreSQL the log's readable
    // head may stop short of it while an older transaction is still open).
    const added = (await platform.runtime.store.readStream(`ticket-${ticketId}`)).find((event) => event.type === 'ReplyAdded');
    expect(added).toBeDefined();
    await platform.runtime.projectionRunner.waitFor(added!.position);
    expect(await replies(ticketId)).toEqual([{ body: 'Any news?', author: { id: 'email:wei@replies.example' } }]);
    // Retrying what went through, or the message again, adds nothing.
    delete process.env['LEDGERDESK_REACTION_WAIT_MS'];
    expect(await post(reply)).toEqual({ status: 200, body: { ticketId, created: false, action: 'duplicate' } });
    await platform.runtime.reactorRunner.retryParked('triage.channel-replies', parked.edges[0].node.eventId).catch(() => null);
    await platform.runtime.settleReactions();
    expect((await stream(`ticket-${ticketId}`)).filter((type) => type === 'ReplyAdded')).toHaveLength(1);
  });

  it('keeps a reply with its file once when the reaction is delivered again, even on a ticket closed since (no refusal)', async () => {
    const ticketId = await open('<d-root@replies.example>');
    let commands: TicketsCommands | null = null;
    const real = TicketsCommands.prototype.channelReply;
    vi.spyOn(TicketsCommands.prototype, 'channelReply').mockImplementation(function (this: TicketsCommands, ...args) {
      commands = this;
      return real.apply(this, args);
    });
    const withFile = [
      'From: Wei Zhang <wei@replies.example>',
      'To: support@ledgerdesk.example',
      'Subject: Re: Video freezes',
      'Message-ID: <d-1@replies.example>',
      'In-Reply-To: <d-root@replies.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="part"',
      '',
      '--part',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The log.',
      '--part',
      'Content-Type: text/plain; name="sdk.log"',
      'Content-Disposition: attachment; filename="sdk.log"',
      '',
      'E/RTC: ICE failed',
      '--part--',
    ].join('\r\n');
    expect(await post(withFile)).toEqual({ status: 201, body: { ticketId, created: false, action: 'replied' } });
    expect(await stream(`ticket-${ticketId}`)).toEqual(expect.arrayContaining(['ReplyAdded', 'AttachmentAdded']));
    await mustData(platform.gql('mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', { id: ticketId }, admin));

    // At least once: the reactor gets the same ChannelReplyReceived again (a crash before its checkpoint).
    const received = (await platform.runtime.store.readAll({ after: null, maxCount: 100_000 })).filter(
      (event) => event.type === 'ChannelReplyReceived' && (event.data as { externalId: string }).externalId === '<d-1@replies.example>',
    );
    expect(received).toHaveLength(1);
    const before = await eventCount(platform);
    await channelRepliesReactor(commands!, platform.runtime.store).react(received[0]!);
    expect(await eventCount(platform)).toBe(before);
    const types = await stream(`ticket-${ticketId}`);
    expect(types.filter((type) => type === 'ReplyAdded')).toHaveLength(1);
    expect(types.filter((type) => type === 'AttachmentAdded')).toHaveLength(1);
  });

  it('refuses a reply on a closed ticket as before (422, the ticket decider’s words), recording nothing', async () => {
    const ticketId = await open('<c-root@replies.example>');
    await mustData(platform.gql('mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', { id: ticketId }, admin));
    const before = await eventCount(platform);
    const refused = await post(email('<c-1@replies.example>', 'Hello?', '<c-root@replies.example>'));
    expect(refused).toEqual({ status: 422, body: { code: 'BAD_USER_INPUT', message: 'The ticket is closed; open a new one', field: 'ticketId' } });
    expect(await eventCount(platform)).toBe(before);
  });

  it('answers triage’s refusal when intake’s copy had not seen the closing yet; a redelivery is refused again', async () => {
    const ticketId = await open('<l-root@replies.example>');
    await mustData(platform.gql('mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', { id: ticketId }, admin));
    // Intake's copy behind the closing (another process closed it a moment ago).
    await platform.runtime.readDb.query('UPDATE intake.channel_tickets SET closed = false WHERE ticket_id = $1', [ticketId]);
    const reply = email('<l-1@replies.example>', 'Hello?', '<l-root@replies.example>');
    const refusal = { status: 422, body: { code: 'BAD_USER_INPUT', message: 'The ticket is closed; open a new one', field: 'ticketId' } };
    expect(await post(reply)).toEqual(refusal);
    const refusals = (await platform.runtime.store.readAll({ after: null, maxCount: 100_000 })).filter((event) => event.type === 'ChannelReplyRefused');
    expect(refusals.at(-1)).toMatchObject({ stream: expect.stringMatching(/^reply-refusal-/), data: { ticketId, externalId: '<l-1@replies.example>', code: 'BAD_USER_INPUT' } });
    const before = await eventCount(platform);
    expect(await post(reply)).toEqual(refusal);
    expect(await eventCount(platform)).toBe(before);
    expect(await stream(`ticket-${ticketId}`)).not.toContain('ReplyAdded');
  });
});
