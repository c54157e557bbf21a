import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../libs/intake/channels/channel-signatures.js';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const EMAIL_SECRET = 'email-channel-secret-0123456789-abcdef';
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']);

/** Any UTF-16 code units — NUL, lone surrogates, control characters — mixed with ordinary and CJK text. */
const hostileText = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\uD800b', '\uDFFF', '视频卡顿\u0000', 'x'.repeat(600), '{"redacted":true}', '$1; DROP TABLE x', '\r\n.\r\n'),
);

/**
 * The net behind the hardening fixes: whatever text a client or a channel sends, the platform answers with a
 * coded refusal or a success — never a 5xx, never a stack trace — and a refusal records nothing.
 */
describe('hostile text in GraphQL inputs and channel payloads', () => {
  let platform: TestPlatform;
  let admin: string;
  let customer: string;
  let accountId: string;
  let ticketId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({
      clockStart: '2026-02-13T09:00:00Z',
      env: { LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET, LEDGERDESK_SLACK_SIGNING_SECRET: SLACK_SECRET },
    });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, { emailDomains: ['fuzz.example'], imChannels: [{ workspaceId: 'T0FUZZ', channelId: 'C0FUZZ' }] });
    await signContract(platform, admin, standardContract(accountId, calendarId, { channels: ['PORTAL', 'EMAIL', 'IM'] }));
    customer = await platform.token('CUSTOMER', { accountId });
    ticketId = (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, customer))).openTicket.id;
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** A refusal must be coded and say nothing of the server's insides. */
  function expectCleanAnswer(status: number, errors: { message?: string; extensions?: Record<string, unknown> }[] | undefined, label: string): void {
    expect(status, label).toBeLessThan(500);
    for (const error of errors ?? []) {
      expect(CODES.has(String(error.extensions?.code)), `${label}: code ${String(error.extensions?.code)} (${error.message})`).toBe(true);
      expect(error.extensions?.['stacktrace'], label).toBeUndefined();
      expect(error.message ?? '', label).not.toMatch(/invalid byte sequence|unsupported Unicode|syntax for type|at .*\.(js|ts):\d+/);
    }
  }

  const operations: [string, string, (text: string) => Record<string, unknown>, () => string][] = [
    ['openTicket', 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id subject } }', (text) => ({ input: { accountId, channel: 'PORTAL', subject: text, description: text, claimedSeverity: 'P3', externalId: text } }), () => customer],
    ['addReply', 'mutation($id: ID!, $body: String!) { addReply(ticketId: $id, body: $body) { id } }', (text) => ({ id: ticketId, body: text }), () => admin],
    ['ticket(id)', 'query($id: ID!) { ticket(id: $id) { id } }', (text) => ({ id: text }), () => admin],
    ['searchTickets', 'query($q: String!) { searchTickets(query: $q, first: 5) { totalCount } }', (text) => ({ q: text }), () => customer],
    ['tickets(after)', 'query($after: String) { tickets(first: 5, after: $after) { totalCount } }', (text) => ({ after: text }), () => admin],
    ['registerAccount', 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { id } }', (text) => ({ input: { name: text, timeZone: text, region: 'CN' } }), () => admin],
    ['scheduleHealthCheck', 'mutation($input: ScheduleHealthCheckInput!) { scheduleHealthCheck(input: $input) { id } }', (text) => ({ input: { accountId, kind: 'PERIODIC', dueAt: '2026-03-02T02:00:00Z', agenda: text, recurrence: `FREQ=MONTHLY;${text}` } }), () => admin],
    ['publishSdkAdvisory', 'mutation($input: PublishSdkAdvisoryInput!) { publishSdkAdvisory(input: $input) { id } }', (text) => ({ input: { sdkName: text, affectedVersions: text, fixedIn: text, severity: 'P3', summary: text } }), () => admin],
    ['fileBreachClaim', 'mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id } }', (text) => ({ input: { ticketId, metric: 'FIRST_RESPONSE', statement: text } }), () => customer],
    ['declarePlatformIncident', 'mutation($input: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $input) { id } }', (text) => ({ input: { title: text, publicSummary: text, components: [text], regions: [text], severity: 'SEV3', startedAt: '2026-02-13T08:00:00Z' } }), () => admin],
  ];

  it('answers every GraphQL operation with a coded refusal or a success, and a refusal records nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), hostileText, async ([label, query, variables, token], text) => {
        const before = await eventCount(platform);
        const result = await platform.gql(query, variables(text), token());
        expectCleanAnswer(result.status, result.errors, `${label} ${JSON.stringify(text)}`);
        if (result.errors?.length) expect(await eventCount(platform), `${label}: a refusal records nothing`).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it('answers hostile e-mail with a 2xx or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, hostileText, async (subject, body, name) => {
        const message = [`From: ${name} <wei@fuzz.example>`, 'To: support@ledgerdesk.example', `Subject: ${subject}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n');
        const response = await fetch(`${platform.url}/channels/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` }, body: message });
        expect(response.status, JSON.stringify({ subject, body, name })).toBeLessThan(500);
      }),
      { numRuns: 30 },
    );
  });

  it('answers hostile Slack events with a 2xx (recorded or ignored), never an error Slack would redeliver', async () => {
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, fc.option(hostileText), async (text, user, threadTs) => {
        sequence += 1;
        const raw = JSON.stringify({
          team_id: 'T0FUZZ',
          type: 'event_callback',
          event_id: `EvFUZZ${sequence}`,
          event: { type: 'message', channel: 'C0FUZZ', user, text, ts: `1771000000.${String(sequence).padStart(6, '0')}`, ...(threadTs === null ? {} : { thread_ts: threadTs }) },
        });
        const timestamp = String(Math.floor(Date.now() / 1000));
        const response = await fetch(`${platform.url}/channels/im`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SLACK_SECRET, timestamp, raw) },
          body: raw,
        });
        // Slack redelivers on any non-2xx answer: what can never be recorded is answered 200 `ignored`.
        expect(response.status, raw).toBeLessThan(300);
      }),
      { numRuns: 30 },
    );
  });
});
