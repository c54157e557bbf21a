import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { PLATFORM_CONTEXTS } from '../apps/platform/platform.contexts.js';
import { createLogger, loadConfig, PlatformRuntime, startLedgerdesk, TokenService } from '#platform-kit';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { TEST_JWT_SECRET, type TestPlatform } from './support/test-platform.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Enough of TestPlatform for the fixtures: GraphQL over HTTP to a port. */
function client(port: number): Pick<TestPlatform, 'gql'> {
  return {
    gql: async (query, variables = {}, token) => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
  };
}

describe('a platform killed -9 while a webhook or an e-mail is being sent', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-outbox-crash-'));
  const env = {
    PORT: '0',
    LEDGERDESK_DATA_DIR: dataDir,
    LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET,
    LEDGERDESK_CLOCK: 'manual',
    LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true',
    LEDGERDESK_RATE_LIMIT_PER_IP: '0',
    LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
  };
  const mailDataDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-email-crash-'));
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(mailDataDir, { recursive: true, force: true });
  });

  /** The platform from its sources in a child process on `environment`; resolves with its port and its exit. */
  async function spawnPlatform(environment: Record<string, string>): Promise<{ port: number; exited: Promise<unknown> }> {
    child = spawn(process.execPath, [`${root}test/support/run-source.mjs`, `${root}apps/platform/main.ts`], {
      env: { ...process.env, ...environment, LEDGERDESK_CLOCK_START: '2026-03-02T02:00:00Z', LEDGERDESK_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await until(() => /listening on http:\/\/localhost:(\d+)/.test(output), 'the platform to listen', 180_000);
    return { port: Number(/listening on http:\/\/localhost:(\d+)/.exec(output)![1]), exited };
  }

  it('sends it again after the restart, with the same idempotency key, and records one success', async () => {
    // The receiver kills the platform the moment the first delivery arrives, before answering it.
    const requests: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (requests.length === 1) {
          child!.kill('SIGKILL');
          request.socket.destroy();
          return;
        }
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

    const { port, exited } = await spawnPlatform(env);
    const first = client(port) as TestPlatform;
    const admin = await new TokenService(TEST_JWT_SECRET).sign({ id: 'admin', role: 'ADMIN', accountId: null });

    const calendarId = await defineCalendar(first, admin);
    const accountId = await registerAccount(first, admin);
    await signContract(first, admin, standardContract(accountId, calendarId));
    await mustData(first.gql('mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret } }', { input: { url: receiverUrl, eventTypes: ['ReplyAdded'] } }, admin));
    const ticketId = (
      await mustData(first.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2' } }, admin))
    ).openTicket.id as string;
    await mustData(first.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "We are on it") { id } }', { id: ticketId }, admin));
    await exited;
    expect(requests).toHaveLength(1);

    // Restarted on the same data directory: the attempt without an outcome is made again.
    const restarted = await startLedgerdesk('crash-test', PLATFORM_CONTEXTS, loadConfig(env), createLogger('silent'));
    try {
      const second = client(restarted.port);
      const deliveries = async () =>
        (await mustData(second.gql('query($id: ID!) { deliveries(ticketId: $id) { id status attempts idempotencyKey } }', { id: ticketId }, admin))).deliveries as any[];
      await until(async () => (await deliveries())[0]?.status === 'SUCCEEDED', 'the delivery after the restart');
      const [delivery] = await deliveries();
      expect(delivery).toMatchObject({ attempts: 2 });
      expect(requests).toHaveLength(2);
      expect(requests[1]!.body).toBe(requests[0]!.body);
      expect(requests.map((r) => r.headers['idempotency-key'])).toEqual([delivery.idempotencyKey, delivery.idempotencyKey]);
      expect(requests[0]!.headers['ledgerdesk-event-id']).toBe(requests[1]!.headers['ledgerdesk-event-id']);
      const store = restarted.app.get(PlatformRuntime).store;
      expect((await store.readStream(`delivery-${delivery.id}`)).map((event: { type: string }) => event.type)).toEqual([
        'DeliveryRequested',
        'DeliveryAttempted',
        'DeliveryAttempted',
        'DeliverySucceeded',
      ]);
    } finally {
      await restarted.close();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 400_000);
  it('sends the e-mail again after the restart, with the same Message-ID, and records one success', async () => {
    // The SMTP server kills the platform the moment the first message's data arrives, before accepting it.
    const mails: ParsedMail[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          void simpleParser(Buffer.concat(chunks)).then((mail) => {
            mails.push(mail);
            if (mails.length === 1) {
              child!.kill('SIGKILL');
              return callback(new Error('gone'));
            }
            callback();
          });
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const secret = 'email-channel-secret-of-at-least-32-chars';
    const mailEnv = {
      ...env,
      LEDGERDESK_DATA_DIR: mailDataDir,
      LEDGERDESK_EMAIL_CHANNEL_SECRET: secret,
      LEDGERDESK_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`,
      LEDGERDESK_SMTP_FROM: 'support@ledgerdesk.example',
    };
    const { port, exited } = await spawnPlatform(mailEnv);
    const first = client(port) as TestPlatform;
    const admin = await new TokenService(TEST_JWT_SECRET).sign({ id: 'admin', role: 'ADMIN', accountId: null });
    const calendarId = await defineCalendar(first, admin);
    const accountId = await registerAccount(first, admin, { name: 'Mail Crash Co', emailDomains: ['mailcrash.example'] });
    await signContract(first, admin, standardContract(accountId, calendarId, { channels: ['EMAIL', 'PORTAL'] }));
    const message = ['From: Wei <wei@mailcrash.example>', 'To: support@ledgerdesk.example', 'Subject: [P2] Echo', 'Message-ID: <crash-1@mailcrash.example>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Echo on Android.'].join('\r\n');
    const posted = await fetch(`http://127.0.0.1:${port}/channels/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${secret}` }, body: message });
    const { ticketId } = (await posted.json()) as { ticketId: string };
    await mustData(first.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "Please send the SDK log") { id } }', { id: ticketId }, admin));
    await exited;
    expect(mails).toHaveLength(1);

    const restarted = await startLedgerdesk('email-crash-test', PLATFORM_CONTEXTS, loadConfig(mailEnv), createLogger('silent'));
    try {
      const second = client(restarted.port);
      const deliveries = async () =>
        (await mustData(second.gql('query($id: ID!) { deliveries(ticketId: $id) { id kind status attempts idempotencyKey } }', { id: ticketId }, admin))).deliveries as any[];
      await until(async () => (await deliveries()).find((d) => d.kind === 'EMAIL')?.status === 'SUCCEEDED', 'the e-mail after the restart');
      const email = (await deliveries()).find((d) => d.kind === 'EMAIL')!;
      expect(email).toMatchObject({ attempts: 2 });
      // Sent twice, as one message: the same Message-ID (the delivery's idempotency key), once accepted.
      expect(mails.map((mail) => mail.messageId)).toEqual([email.idempotencyKey, email.idempotencyKey]);
      expect(mails.map((mail) => mail.text?.trim())).toEqual(['Please send the SDK log', 'Please send the SDK log']);
      const store = restarted.app.get(PlatformRuntime).store;
      expect((await store.readStream(`delivery-${email.id}`)).map((event: { type: string }) => event.type)).toEqual([
        'DeliveryRequested',
        'DeliveryAttempted',
        'DeliveryAttempted',
        'DeliverySucceeded',
      ]);
    } finally {
      await restarted.close();
      await new Promise((resolve) => smtp.close(() => resolve(null)));
    }
  }, 400_000);
});
