import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../libs/intake/channels/channel-signatures.js';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const EMAIL_SECRET = 'email-channel-secret-0123456789-abcdef';
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const WORKSPACE = 'T0LIVE';
const CHANNEL = 'C0SUPPORT';

/** A fetch response whose JSON the test reads freely. */
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

const TICKET = `query($id: ID!) { ticket(id: $id) {
  id channel subject description claimedSeverity openedAt account { id }
  replies { body visibility author { id role } } } }`;

/** A raw RFC 822 message, CRLF line endings, as a mail relay would post it. */
function email(options: {
  from?: string;
  messageId?: string | null;
  subject?: string;
  date?: string | null;
  /** The relay's own stamp, as the top Received header. */
  received?: string;
  inReplyTo?: string;
  references?: string;
  text?: string;
  html?: string;
}): string {
  const headers = [
    ...(options.received ? [`Received: from mx.livecommerce.example by relay.ledgerdesk.example; ${options.received}`] : []),
    `From: ${options.from ?? 'Wei Zhang <wei@livecommerce.example>'}`,
    'To: support@ledgerdesk.example',
    `Subject: ${options.subject ?? 'Video freezes'}`,
  ];
  if (options.date !== null) headers.push(`Date: ${options.date ?? 'Fri, 13 Feb 2026 08:30:00 +0000'}`);
  if (options.messageId !== null) headers.push(`Message-ID: ${options.messageId ?? `<${Math.random().toString(36).slice(2)}@mail.livecommerce.example>`}`);
  if (options.inReplyTo) headers.push(`In-Reply-To: ${options.inReplyTo}`);
  if (options.references) headers.push(`References: ${options.references}`);
  headers.push('MIME-Version: 1.0');
  if (options.html !== undefined) {
    headers.push('Content-Type: text/html; charset=utf-8');
    return [...headers, '', options.html].join('\r\n');
  }
  headers.push('Content-Type: text/plain; charset=utf-8');
  return [...headers, '', options.text ?? 'The stream freezes after 30 seconds on iOS 18.'].join('\r\n');
}

describe('e-mail and IM channels', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let uncoveredAccountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({
      clockStart: '2026-02-13T09:00:00Z',
      env: { LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET, LEDGERDESK_SLACK_SIGNING_SECRET: SLACK_SECRET },
    });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, {
      name: 'Live Commerce Ltd',
      emailDomains: ['livecommerce.example'],
      imChannels: [{ workspaceId: WORKSPACE, channelId: CHANNEL }],
    });
    await signContract(platform, admin, standardContract(accountId, calendarId, { channels: ['EMAIL', 'IM'] }));
    uncoveredAccountId = await registerAccount(platform, admin, {
      name: 'Portal Only Inc',
      emailDomains: ['portal-only.example'],
      imChannels: [{ workspaceId: WORKSPACE, channelId: 'C0PORTALONLY' }],
    });
    await signContract(platform, admin, standardContract(uncoveredAccountId, calendarId, { channels: ['PORTAL'] }));
  });
  afterAll(async () => {
    await platform?.close();
  });

  const ticket = async (id: string) => (await mustData(platform.gql(TICKET, { id }, admin))).ticket;
  const ticketCount = async (account = accountId) =>
    (await mustData(platform.gql('query($a: ID!) { tickets(filter: { accountId: $a }) { totalCount } }', { a: account }, admin))).tickets.totalCount;

  describe('POST /channels/email', () => {
    const post = (message: string, secret: string | null = EMAIL_SECRET, contentType = 'message/rfc822'): Promise<JsonResponse> =>
      fetch(`${platform.url}/channels/email`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
        body: message,
      });

    it('opens an EMAIL ticket: severity from the subject tag, the tag stripped, received at the Date header (near the relay receipt)', async () => {
      const response = await post(
        email({ messageId: '<open-1@mail.livecommerce.example>', subject: '[P1] Video freezes after 30 seconds', received: 'Fri, 13 Feb 2026 08:31:00 +0000' }),
      );
      expect(response.status).toBe(201);
      const body = await response.json();
      expect(body).toEqual({ ticketId: expect.any(String), created: true, action: 'opened' });
      expect(await ticket(body.ticketId)).toMatchObject({
        channel: 'EMAIL',
        subject: 'Video freezes after 30 seconds',
        description: 'The stream freezes after 30 seconds on iOS 18.',
        claimedSeverity: 'P1',
        openedAt: '2026-02-13T08:30:00.000Z',
        account: { id: accountId },
        replies: [],
      });
    });

    it('never backdates a ticket to a Date far from the relay receipt: the receipt (or now) is when it was received', async () => {
      const dayOld = await (await post(email({ subject: '[P0] Down since yesterday', date: 'Thu, 12 Feb 2026 09:00:00 +0000' }))).json();
      expect((await ticket(dayOld.ticketId)).openedAt).toBe('2026-02-13T09:00:00.000Z');
      const relayed = await (
        await post(email({ subject: '[P0] Down', date: 'Thu, 12 Feb 2026 09:00:00 +0000', received: 'Fri, 13 Feb 2026 08:40:00 +0000' }))
      ).json();
      expect((await ticket(relayed.ticketId)).openedAt).toBe('2026-02-13T08:40:00.000Z');
    });

    it('keeps MIME attachments as ticket attachments, byte for byte; a message with nothing but a log is accepted', async () => {
      const log = Buffer.from([0, 1, 2, 250, 251, 252, 10, 13, 0]);
      const withLog = (messageId: string, extraHeaders: string[] = []) =>
        [
          'From: Wei Zhang <wei@livecommerce.example>',
          'To: support@ledgerdesk.example',
          'Subject: [P1] SDK log attached',
          'Date: Fri, 13 Feb 2026 08:40:00 +0000',
          `Message-ID: ${messageId}`,
          ...extraHeaders,
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b1"',
          '',
          '--b1',
          'Content-Type: application/octet-stream; name="agora.log"',
          'Content-Disposition: attachment; filename="agora.log"',
          'Content-Transfer-Encoding: base64',
          '',
          log.toString('base64'),
          '--b1--',
          '',
        ].join('\r\n');
      const opened = await post(withLog('<log-1@mail.livecommerce.example>'));
      expect(opened.status).toBe(201);
      const { ticketId } = await opened.json();
      const query = 'query($id: ID!) { ticket(id: $id) { description attachments { id fileName size replyId } } }';
      const first = (await mustData(platform.gql(query, { id: ticketId }, admin))).ticket;
      expect(first).toMatchObject({ description: '', attachments: [{ fileName: 'agora.log', size: log.length, replyId: null }] });
      const download = await fetch(`${platform.url}/attachments/${first.attachments[0].id}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(Buffer.from(await download.arrayBuffer()).equals(log)).toBe(true);

      const replied = await post(withLog('<log-2@mail.livecommerce.example>', ['In-Reply-To: <log-1@mail.livecommerce.example>']));
      expect(await replied.json()).toMatchObject({ ticketId, action: 'replied' });
      const after = (await mustData(platform.gql(query, { id: ticketId }, admin))).ticket;
      expect(after.attachments).toHaveLength(2);
      expect(after.attachments[1].replyId).toEqual(expect.any(String));
      // A redelivery records nothing more.
      expect((await post(withLog('<log-2@mail.livecommerce.example>', ['In-Reply-To: <log-1@mail.livecommerce.example>']))).status).toBe(200);
      expect((await mustData(platform.gql(query, { id: ticketId }, admin))).ticket.attachments).toHaveLength(2);
    });

    it('defaults to P2, takes the text of an HTML-only message, and uses now for a Date older than 30 days or in the future', async () => {
      const old = await (await post(email({ subject: 'Crash on join', date: 'Mon, 05 Jan 2026 08:00:00 +0000', html: '<p>App <b>crashes</b> on join</p>' }))).json();
      expect(await ticket(old.ticketId)).toMatchObject({ claimedSeverity: 'P2', subject: 'Crash on join', description: 'App crashes on join', openedAt: '2026-02-13T09:00:00.000Z' });
      const future = await (await post(email({ subject: '[p0] Outage', date: 'Sat, 14 Feb 2026 08:00:00 +0000' }))).json();
      expect(await ticket(future.ticketId)).toMatchObject({ claimedSeverity: 'P0', subject: 'Outage', openedAt: '2026-02-13T09:00:00.000Z' });
    });

    it('adds a customer reply to the ticket a reply names (In-Reply-To or References), and opens no ticket', async () => {
      const opened = await (await post(email({ messageId: '<thread-root@mail.livecommerce.example>', subject: 'Echo on Android' }))).json();
      const ticketsBefore = await ticketCount();
      const reply = await post(
        email({ messageId: '<thread-reply-1@mail.livecommerce.example>', subject: 'Re: Echo on Android', inReplyTo: '<thread-root@mail.livecommerce.example>', text: 'Logs attached.' }),
      );
      expect(reply.status).toBe(201);
      expect(await reply.json()).toEqual({ ticketId: opened.ticketId, created: false, action: 'replied' });
      // A later reply names only the earlier reply, in References.
      const second = await post(
        email({
          from: 'li@livecommerce.example',
          messageId: '<thread-reply-2@mail.livecommerce.example>',
          subject: 'Re: Echo on Android',
          references: '<unknown@elsewhere.example> <thread-reply-1@mail.livecommerce.example>',
          text: 'Still happening.',
        }),
      );
      expect(await second.json()).toMatchObject({ ticketId: opened.ticketId, action: 'replied' });
      expect((await ticket(opened.ticketId)).replies).toEqual([
        { body: 'Logs attached.', visibility: 'PUBLIC', author: { id: 'email:wei@livecommerce.example', role: 'CUSTOMER' } },
        { body: 'Still happening.', visibility: 'PUBLIC', author: { id: 'email:li@livecommerce.example', role: 'CUSTOMER' } },
      ]);
      expect(await ticketCount()).toBe(ticketsBefore);
    });

    it('answers a redelivered Message-ID (opening or reply) with the same ticket and records nothing', async () => {
      const message = email({ messageId: '<retry-1@mail.livecommerce.example>', subject: 'Retry me' });
      const first = await (await post(message)).json();
      const before = await eventCount(platform);
      const again = await post(message);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ ticketId: first.ticketId, created: false, action: 'duplicate' });
      const reply = email({ messageId: '<retry-reply@mail.livecommerce.example>', inReplyTo: '<retry-1@mail.livecommerce.example>', text: 'once' });
      expect((await post(reply)).status).toBe(201);
      const afterReply = await eventCount(platform);
      expect(afterReply).toBeGreaterThan(before);
      expect(await (await post(reply)).json()).toEqual({ ticketId: first.ticketId, created: false, action: 'duplicate' });
      expect(await eventCount(platform)).toBe(afterReply);
      expect((await ticket(first.ticketId)).replies).toHaveLength(1);
    });

    it('adds a reply delivered twice at the same time only once', async () => {
      const opened = await (await post(email({ messageId: '<race-root@mail.livecommerce.example>' }))).json();
      const reply = email({ messageId: '<race-reply@mail.livecommerce.example>', inReplyTo: '<race-root@mail.livecommerce.example>', text: 'twice at once' });
      const answers = await Promise.all([post(reply), post(reply), post(reply)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 201]);
      expect((await ticket(opened.ticketId)).replies).toHaveLength(1);
    });

    it('refuses an unknown sender domain and an uncovered channel with 422 and a reason, recording nothing', async () => {
      const before = await eventCount(platform);
      const unknown = await post(email({ from: 'someone@unknown.example' }));
      expect(unknown.status).toBe(422);
      expect(await unknown.json()).toEqual({ code: 'BAD_USER_INPUT', message: 'No account has the e-mail domain unknown.example', field: 'from' });
      const uncovered = await post(email({ from: 'ops@portal-only.example' }));
      expect(uncovered.status).toBe(422);
      expect(await uncovered.json()).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/does not cover the EMAIL channel/) });
      const noMessageId = await post(email({ messageId: null }));
      expect(noMessageId.status).toBe(422);
      expect(await eventCount(platform)).toBe(before);
    });

    it('refuses a NUL character in the message (raw or quoted-printable) with 422, recording nothing', async () => {
      const before = await eventCount(platform);
      const quotedPrintable = email({ text: 'Freezes=00 after 30 s' }).replace('Content-Type: text/plain', 'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain');
      for (const message of [email({ text: 'Freezes\u0000 after 30 s' }), quotedPrintable]) {
        const response = await post(message);
        expect(response.status).toBe(422);
        expect(await response.json()).toMatchObject({ code: 'BAD_USER_INPUT' });
      }
      expect(await eventCount(platform)).toBe(before);
    });

    it('needs the channel secret (401) and a message/rfc822 body (415), never showing a stack trace', async () => {
      const before = await eventCount(platform);
      for (const secret of [null, 'wrong-secret', `${EMAIL_SECRET}x`, EMAIL_SECRET.slice(0, -1)]) {
        const response = await post(email({}), secret);
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      const wrongType = await post(email({}), EMAIL_SECRET, 'text/plain');
      expect(wrongType.status).toBe(415);
      const json = await post('{"not": "mail"}', EMAIL_SECRET, 'application/json');
      expect(json.status).toBe(415);
      expect(await json.text()).not.toMatch(/at .*\.[jt]s:\d+/);
      expect(await eventCount(platform)).toBe(before);
    });
  });

  describe('POST /channels/im (Slack Events API)', () => {
    let sequence = 0;
    const nowSeconds = () => String(Math.floor(Date.now() / 1000));
    const post = (payload: unknown, options: { timestamp?: string; secret?: string; signature?: string } = {}): Promise<JsonResponse> => {
      const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const timestamp = options.timestamp ?? nowSeconds();
      return fetch(`${platform.url}/channels/im`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': options.signature ?? slackSignature(options.secret ?? SLACK_SECRET, timestamp, raw),
        },
        body: raw,
      });
    };
    const message = (event: Record<string, unknown>, envelope: Record<string, unknown> = {}) => {
      sequence += 1;
      return {
        token: 'legacy-verification-token',
        team_id: WORKSPACE,
        api_app_id: 'A0LEDGER',
        type: 'event_callback',
        event_id: `Ev${String(sequence).padStart(6, '0')}`,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'message', channel: CHANNEL, user: 'U0WEI', text: 'Audio drops', ts: `1771000000.${String(sequence).padStart(6, '0')}`, ...event },
        ...envelope,
      };
    };

    it('answers url_verification with the challenge', async () => {
      const response = await post({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    });

    it('opens an IM ticket from a message and adds thread replies to it; a redelivered event_id records nothing', async () => {
      const root = message({ text: '[P1] Audio drops every minute\nSDK 4.1.2 on Android 14, since this morning.' });
      const response = await post(root);
      expect(response.status).toBe(201);
      const opened = await response.json();
      expect(opened).toEqual({ ticketId: expect.any(String), created: true, action: 'opened' });
      expect(await ticket(opened.ticketId)).toMatchObject({
        channel: 'IM',
        subject: 'Audio drops every minute',
        description: '[P1] Audio drops every minute\nSDK 4.1.2 on Android 14, since this morning.',
        claimedSeverity: 'P1',
        openedAt: '2026-02-13T09:00:00.000Z',
      });

      const before = await eventCount(platform);
      const redelivered = await post(root);
      expect(redelivered.status).toBe(200);
      expect(await redelivered.json()).toEqual({ ticketId: opened.ticketId, created: false, action: 'duplicate' });
      expect(await eventCount(platform)).toBe(before);

      const ticketsBefore = await ticketCount();
      const reply = message({ text: 'It also happens on Wi-Fi &amp; 5G', user: 'U0LI', thread_ts: root.event.ts });
      const replied = await post(reply);
      expect(replied.status).toBe(201);
      expect(await replied.json()).toEqual({ ticketId: opened.ticketId, created: false, action: 'replied' });
      const afterReply = await eventCount(platform);
      expect(await (await post(reply)).json()).toMatchObject({ action: 'duplicate' });
      expect(await eventCount(platform)).toBe(afterReply);
      expect((await ticket(opened.ticketId)).replies).toEqual([
        { body: 'It also happens on Wi-Fi & 5G', visibility: 'PUBLIC', author: { id: 'slack:U0LI', role: 'CUSTOMER' } },
      ]);
      expect(await ticketCount()).toBe(ticketsBefore);
    });

    it('answers a reply another process recorded first (not yet in this one’s read model) as a duplicate, recording nothing', async () => {
      const root = await (await post(message({ text: 'Video freezes' }))).json();
      const reply = message({ text: 'Still frozen', user: 'U0LI', thread_ts: `1771000000.${String(sequence).padStart(6, '0')}` });
      expect(await (await post(reply)).json()).toMatchObject({ ticketId: root.ticketId, action: 'replied' });
      // The other process recorded the reply; this process's copy (intake.channel-messages) has not shown it yet.
      await platform.runtime.readDb.query('DELETE FROM intake.channel_messages WHERE ticket_id = $1', [root.ticketId]);
      const before = await eventCount(platform);
      const repeat = await post(reply);
      expect(repeat.status).toBe(200);
      expect(await repeat.json()).toEqual({ ticketId: root.ticketId, created: false, action: 'duplicate' });
      expect(await eventCount(platform)).toBe(before);
      expect((await platform.runtime.store.readStream(`ticket-${root.ticketId}`)).filter((event) => event.type === 'ReplyAdded')).toHaveLength(1);
    });

    it('reopens a resolved ticket on a customer’s thread reply, once', async () => {
      const root = await (await post(message({ text: 'Screen share fails' }))).json();
      await mustData(platform.gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "Fixed in 4.2") { id } }', { id: root.ticketId }, admin));
      const reply = message({ text: 'It happens again', user: 'U0LI', thread_ts: `1771000000.${String(sequence).padStart(6, '0')}` });
      const replied = await post(reply);
      expect(replied.status).toBe(201);
      expect(await replied.json()).toEqual({ ticketId: root.ticketId, created: false, action: 'replied' });
      expect(await (await post(reply)).json()).toMatchObject({ action: 'duplicate' });
      expect((await platform.runtime.store.readStream(`ticket-${root.ticketId}`)).map((event) => event.type).slice(-2)).toEqual(['TicketReopened', 'ReplyAdded']);
    });

    it('opens a ticket from a reply in a thread that is no ticket yet, and keeps that thread on it', async () => {
      const ticketsBefore = await ticketCount();
      const orphan = await (await post(message({ text: 'Following up on the call', thread_ts: '1770000000.000001', ts: '1770000100.000001' }))).json();
      expect(orphan).toMatchObject({ created: true, action: 'opened' });
      const next = await (await post(message({ text: 'Any news?', thread_ts: '1770000000.000001', ts: '1770000200.000001' }))).json();
      expect(next).toEqual({ ticketId: orphan.ticketId, created: false, action: 'replied' });
      expect(await ticket(orphan.ticketId)).toMatchObject({ subject: 'Following up on the call', claimedSeverity: 'P2', replies: [{ body: 'Any news?' }] });
      expect(await ticketCount()).toBe(ticketsBefore + 1);
    });

    it('refuses a bad signature, another secret, a missing signature and a stale or future timestamp with 401', async () => {
      const before = await eventCount(platform);
      const payload = message({});
      const raw = JSON.stringify(payload);
      const old = String(Math.floor(Date.now() / 1000) - 6 * 60);
      const future = String(Math.floor(Date.now() / 1000) + 6 * 60);
      const attempts = [
        post(payload, { signature: `v0=${'0'.repeat(64)}` }),
        post(payload, { secret: 'another-app-signing-secret' }),
        post(payload, { signature: '' }),
        // Signed correctly, but captured more than 5 minutes ago (or stamped ahead): a replay.
        post(payload, { timestamp: old, signature: slackSignature(SLACK_SECRET, old, raw) }),
        post(payload, { timestamp: future, signature: slackSignature(SLACK_SECRET, future, raw) }),
        // The signature covers the exact bytes: the same JSON re-serialised differently no longer matches.
        post(JSON.stringify(payload, null, 2), { signature: slackSignature(SLACK_SECRET, nowSeconds(), raw) }),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      expect(await eventCount(platform)).toBe(before);
    });

    it('answers 200 and records nothing for unknown channels, uncovered channels, bots, edits and other events', async () => {
      const before = await eventCount(platform);
      const cases: [unknown, RegExp][] = [
        [message({ channel: 'C0UNKNOWN' }), /unknown channel/],
        [message({ channel: 'C0PORTALONLY' }), /does not cover the IM channel/],
        [message({ bot_id: 'B0BOT', subtype: 'bot_message' }), /bot/],
        [message({ subtype: 'message_changed' }), /message_changed/],
        [message({ type: 'reaction_added' }), /reaction_added/],
        [{ type: 'app_rate_limited', team_id: WORKSPACE }, /app_rate_limited/],
      ];
      for (const [payload, reason] of cases) {
        const response = await post(payload);
        expect(response.status).toBe(200);
        expect((await response.json()).ignored).toMatch(reason);
      }
      expect(await eventCount(platform)).toBe(before);
    });

    it('ignores a message with a NUL character or an unpaired surrogate with 200 (any other answer Slack redelivers), recording nothing', async () => {
      const before = await eventCount(platform);
      for (const text of ['Audio\u0000 drops', 'Audio \uDC00 drops']) {
        const response = await post(message({ text }));
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ ignored: expect.stringMatching(/NUL characters or unpaired surrogates cannot be stored \(at payload\.event\.text\)/) });
      }
      expect(await eventCount(platform)).toBe(before);
    });

    it('answers malformed JSON without a stack trace', async () => {
      const response = await post('{"type": ');
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await response.text()).not.toMatch(/at .*\.[jt]s:\d+/);
    });
  });
});

describe('channels without their secrets', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('answers 503 "channel not configured" on both endpoints', async () => {
    for (const [path, contentType, body] of [
      ['/channels/email', 'message/rfc822', email({})],
      ['/channels/im', 'application/json', '{"type":"url_verification","challenge":"c"}'],
    ] as const) {
      const response = await fetch(`${platform.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, authorization: 'Bearer x' }, body });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'CHANNEL_NOT_CONFIGURED', message: expect.stringMatching(/^channel not configured/) });
    }
  });
});
