import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const EMAIL_SECRET = 'email-channel-secret-of-at-least-32-chars';

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function email(messageId: string, subject: string, text: string, extra: string[] = []): string {
  return [
    'From: Wei Zhang <wei@livecommerce.example>',
    'To: support@ledgerdesk.example',
    'Cc: Ops <ops@livecommerce.example>',
    `Subject: ${subject}`,
    'Date: Mon, 02 Mar 2026 01:59:00 +0000',
    `Message-ID: ${messageId}`,
    ...extra,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ].join('\r\n');
}

const REPLY = 'mutation($id: ID!, $body: String!, $v: Visibility) { addReply(ticketId: $id, body: $body, visibility: $v) { id } }';
const DELIVERIES = 'query($id: ID!) { deliveries(ticketId: $id) { id kind webhookId idempotencyKey url status attempts lastResponseStatus lastError } }';
const ADVANCE = 'mutation($to: DateTime!) { advanceClock(to: $to) }';
const HISTORY = 'query($id: ID!) { ticketHistory(ticketId: $id) { events { type } deliveryEvents { type data } } }';

/** A delivery status notification (RFC 3464) from the customer's mail server about the message `original`. */
function bounceReport(reportId: string, original: string, recipient: string, status: string, diagnostic: string, action = 'failed'): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.livecommerce.example>',
    'To: support@ledgerdesk.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 02 Mar 2026 02:30:00 +0000',
    `Message-ID: ${reportId}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="REPORT"',
    '',
    '--REPORT',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is the mail system. Your message could not be delivered.',
    '--REPORT',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.livecommerce.example',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    '--REPORT',
    'Content-Type: text/rfc822-headers',
    '',
    'From: support@ledgerdesk.example',
    `To: ${recipient}`,
    'Subject: Re: Something',
    `Message-ID: ${original}`,
    '',
    '--REPORT--',
    '',
  ].join('\r\n');
}

describe.each(TEST_BACKENDS)('e-mail replies out (SMTP, %s)', (backend) => {
  let platform: TestPlatform;
  let sink: SmtpSink;
  let admin: string;
  let now = new Date('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    platform = await startTestPlatform({
      backend,
      clockStart: now.toISOString(),
      env: { LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET, LEDGERDESK_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, LEDGERDESK_SMTP_FROM: 'support@ledgerdesk.example' },
    });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin, { name: 'LiveCommerce', emailDomains: ['livecommerce.example'] });
    await signContract(platform, admin, standardContract(accountId, calendarId, { channels: ['EMAIL', 'PORTAL'] }));
  });
  afterAll(async () => {
    await platform?.close();
    await sink?.close();
  });

  const postRaw = (message: string) => fetch(`${platform.url}/channels/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` }, body: message });
  const post = async (message: string) => (await (await postRaw(message)).json()) as { ticketId: string; action: string };
  const reply = (id: string, body: string, visibility = 'PUBLIC') => mustData(platform.gql(REPLY, { id, body, v: visibility }, admin));
  const deliveries = async (id: string) => (await mustData(platform.gql(DELIVERIES, { id }, admin))).deliveries as any[];

  it('a public staff reply reaches the requester (Cc the followers) threaded on their message, once; an internal note never; the answer lands on the same ticket', async () => {
    const opened = await post(email('<open-1@mail.livecommerce.example>', '[P1] Video freezes', 'Freezes after 30 s.'));
    expect(opened.action).toBe('opened');
    await reply(opened.ticketId, 'Internal: looks like the TURN relay', 'INTERNAL');
    await reply(opened.ticketId, 'We are on it: please send the SDK log.');
    await until(() => sink.messages.length >= 1, 'the e-mail');
    await platform.runtime?.settleReactions?.();
    const [mail] = sink.messages;
    expect(sink.messages).toHaveLength(1);
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.value.map((a) => a.address) : []).toEqual(['wei@livecommerce.example']);
    expect(mail!.cc && !Array.isArray(mail!.cc) ? mail!.cc.value.map((a) => a.address) : []).toEqual(['ops@livecommerce.example']);
    expect(mail!.subject).toBe('Re: Video freezes');
    expect(mail!.inReplyTo).toBe('<open-1@mail.livecommerce.example>');
    expect(mail!.references).toBe('<open-1@mail.livecommerce.example>');
    expect(mail!.text?.trim()).toBe('We are on it: please send the SDK log.');
    // The sink has the mail before the dispatcher records the SMTP answer: wait for the recorded outcome.
    await until(async () => (await deliveries(opened.ticketId))[0]?.status === 'SUCCEEDED', 'the recorded outcome of the e-mail');
    const [delivery] = await deliveries(opened.ticketId);
    expect(delivery).toMatchObject({ kind: 'EMAIL', webhookId: 'email', status: 'SUCCEEDED', attempts: 1, lastResponseStatus: 250, url: 'mailto:wei@livecommerce.example,ops@livecommerce.example' });
    expect(mail!.messageId).toBe(delivery.idempotencyKey);
    expect(mail!.messageId).toBe(`<${delivery.id}@ledgerdesk.example>`);

    // The customer answers the e-mail: it references the platform's message and lands on the same ticket.
    const answer = await post(email('<answer-1@mail.livecommerce.example>', 'Re: Video freezes', 'Log attached.', [`In-Reply-To: ${mail!.messageId}`, `References: <open-1@mail.livecommerce.example> ${mail!.messageId}`]));
    expect(answer).toMatchObject({ ticketId: opened.ticketId, action: 'replied' });
  });

  it('readiness says e-mail out is on and paging off', async () => {
    const ready = (await (await fetch(`${platform.url}/health/ready`)).json()) as { outbound: unknown };
    expect(ready.outbound).toEqual({ email: 'on', paging: 'off: no configureOnCall and LEDGERDESK_PAGING_URL is not set' });
  });

  it('an SMTP refusal is retried on the same backoff with the same Message-ID', async () => {
    const opened = await post(email('<open-2@mail.livecommerce.example>', 'Audio drops', 'Audio drops on Android.'));
    const before = sink.messages.length;
    sink.refuse = 1;
    await reply(opened.ticketId, 'Which Android version?');
    await until(async () => (await deliveries(opened.ticketId))[0]?.status === 'RETRYING', 'the failed attempt');
    expect(sink.messages.length).toBe(before);
    const [failed] = await deliveries(opened.ticketId);
    expect(failed).toMatchObject({ attempts: 1, lastResponseStatus: 451 });
    now = new Date(now.getTime() + 60_000);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
    await until(() => sink.messages.length === before + 1, 'the retried e-mail');
    const [done] = await deliveries(opened.ticketId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(sink.messages.at(-1)!.messageId).toBe(done.idempotencyKey);
    expect(sink.messages.at(-1)!.inReplyTo).toBe('<open-2@mail.livecommerce.example>');
  });

  it('a permanent SMTP rejection (5xx) is recorded and abandoned at once, not retried', async () => {
    const opened = await post(email('<open-3@mail.livecommerce.example>', 'Screen share black', 'Black screen when sharing.'));
    const before = sink.messages.length;
    sink.reject = 1;
    await reply(opened.ticketId, 'Which browser?');
    await until(async () => (await deliveries(opened.ticketId))[0]?.status === 'ABANDONED', 'the abandoned delivery');
    const [abandoned] = await deliveries(opened.ticketId);
    expect(abandoned).toMatchObject({ attempts: 1, lastResponseStatus: 550 });
    expect(abandoned.lastError).toContain('permanent SMTP rejection (550');
    // A day later nothing was tried again.
    now = new Date(now.getTime() + 25 * 3600_000);
    await mustData(platform.gql(ADVANCE, { to: now.toISOString() }, admin));
    await platform.runtime?.settleReactions?.();
    const [after] = await deliveries(opened.ticketId);
    expect(after).toMatchObject({ status: 'ABANDONED', attempts: 1 });
    expect(sink.messages.length).toBe(before);
  });

  it('a bounce report naming our Message-ID is recorded on the delivery, shown in deliveries and history, and opens no ticket nor reply', async () => {
    const opened = await post(email('<open-4@mail.livecommerce.example>', 'Recording missing', 'Where is the recording?'));
    await reply(opened.ticketId, 'It is in the Recordings tab.');
    await until(async () => (await deliveries(opened.ticketId))[0]?.status === 'SUCCEEDED', 'the recorded outcome of the e-mail');
    const [sent] = await deliveries(opened.ticketId);
    const mailsBefore = sink.messages.length;
    const eventsBefore = (await mustData(platform.gql(HISTORY, { id: opened.ticketId }, admin))).ticketHistory.events.length;

    const dsn = bounceReport('<dsn-1@mx.livecommerce.example>', sent.idempotencyKey, 'wei@livecommerce.example', '5.1.1', '550 5.1.1 <wei@livecommerce.example>: user unknown');
    const answer = await postRaw(dsn);
    // The channel records the report (its own fact); outbound's reactor marks the delivery.
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ action: 'bounce-reported', deliveryId: sent.id });
    await until(async () => (await deliveries(opened.ticketId))[0]?.status === 'BOUNCED', 'the bounced delivery');
    const [bounced] = await deliveries(opened.ticketId);
    expect(bounced.lastError).toContain('5.1.1');
    expect(bounced.lastError).toContain('wei@livecommerce.example');

    // The same report again (the relay redelivers): nothing new.
    expect((await postRaw(dsn)).status).toBe(200);
    const history = (await mustData(platform.gql(HISTORY, { id: opened.ticketId }, admin))).ticketHistory;
    const bounces = history.deliveryEvents.filter((event: any) => event.type === 'DeliveryBounced');
    expect(bounces).toHaveLength(1);
    expect(bounces[0].data).toMatchObject({ deliveryId: sent.id, recipient: 'wei@livecommerce.example', action: 'failed', status: '5.1.1', reportMessageId: '<dsn-1@mx.livecommerce.example>' });
    expect(bounces[0].data.diagnostic).toContain('user unknown');

    // The reaction cut off before its checkpoint (a crash): replayed, it records nothing more.
    await platform.runtime.reactorRunner.stop();
    await platform.runtime.readDb.query(`DELETE FROM projections.checkpoints WHERE name = 'outbound.bounces'`);
    await platform.runtime.reactorRunner.start();
    expect(await platform.runtime.reached('outbound.bounces', (await platform.runtime.store.headPosition())!, AbortSignal.timeout(15_000))).toBe(true);
    const replayed = (await mustData(platform.gql(HISTORY, { id: opened.ticketId }, admin))).ticketHistory.deliveryEvents.filter((event: any) => event.type === 'DeliveryBounced');
    expect(replayed).toHaveLength(1);
    // No reply on the ticket, no mail out (no loop), no ticket opened.
    expect(history.events.length).toBe(eventsBefore);
    await platform.runtime?.settleReactions?.();
    expect(sink.messages.length).toBe(mailsBefore);

    // A report about a message that is not ours is ignored: no ticket is opened.
    const stray = await postRaw(bounceReport('<dsn-2@mx.livecommerce.example>', '<someone-else@mail.livecommerce.example>', 'wei@livecommerce.example', '5.1.1', '550 user unknown'));
    expect(stray.status).toBe(202);
    expect(await stray.json()).toEqual({ action: 'ignored', deliveryId: null });
  });
});
