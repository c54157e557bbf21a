import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { freshPostgresDatabase, type TestDatabase } from './support/test-databases.js';
import { TEST_JWT_SECRET, type GraphqlResult, type TestPlatform } from './support/test-platform.js';
import { TokenService } from '#platform-kit';
import { SUBGRAPH_APPS, subgraphEntry } from '../apps/subgraphs.js';

// The split deployment as separate processes on one PostgreSQL: the subgraphs and apps/gateway as child
// processes (their TypeScript sources through test/support/run-source.mjs: no build), tickets opened through the
// gateway while the process that runs triage's routing reactor is killed -9 and restarted.
//
// SUBGRAPHS is the process layout: the five context subgraphs (apps/subgraphs.ts). Triage's reactors (routing, channel
// replies) run in the triage process only: no other app runs triage's core (docs/architecture.md). The test kills
// triage, opens tickets and posts an e-mail reply through intake meanwhile, and counts their effects in the store.
const SUBGRAPHS: { name: string; entry: string }[] = SUBGRAPH_APPS.map((app) => ({ name: app.name, entry: subgraphEntry(app, false) }));
/** The process killed -9 mid-stream and restarted. */
const ROUTING = 'triage';

const root = fileURLToPath(new URL('..', import.meta.url));
const DATABASE = process.env.LEDGERDESK_TEST_DATABASE_URL;
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id assignee { id } } }';
const EMAIL_SECRET = 'split-email-channel-secret-0123456789';
const REPLIES = 'query($id: ID!) { ticket(id: $id) { replies { body } } }';

/** A raw e-mail as the relay posts it to `POST /channels/email` (of the intake process). */
function email(messageId: string, text: string, inReplyTo?: string): string {
  return [
    'From: Wei <wei@split.example>',
    'To: support@ledgerdesk.example',
    'Subject: Video freezes',
    `Message-ID: ${messageId}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ].join('\r\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await Promise.resolve().then(check).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const healthy = async (port: number) => (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) })).ok;

interface Proc {
  name: string;
  port: number;
  entry: string;
  env: Record<string, string>;
  child: ChildProcess | null;
  output: string[];
}

function launch(proc: Proc): void {
  const child = spawn(process.execPath, [`${root}test/support/run-source.mjs`, `${root}${proc.entry}`], { env: { ...process.env, ...proc.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    proc.output.push(chunk.toString());
    if (proc.output.length > 200) proc.output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  proc.child = child;
}

const running = (proc: Proc) => proc.child !== null && proc.child.exitCode === null && proc.child.signalCode === null;

describe.skipIf(!DATABASE)(`the split processes on PostgreSQL${DATABASE ? '' : ' (skipped: set LEDGERDESK_TEST_DATABASE_URL to a PostgreSQL server to run it)'}`, () => {
  let database: TestDatabase;
  let gateway: Proc;
  const subgraphs: Proc[] = [];
  let tokens: TokenService;

  const through = (): Pick<TestPlatform, 'gql'> => ({
    gql: async (query, variables = {}, token) => {
      const response = await fetch(`http://127.0.0.1:${gateway.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      return { ...((await response.json()) as GraphqlResult), status: response.status } as GraphqlResult<any>;
    },
  });

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    const shared = {
      LEDGERDESK_EVENT_STORE: 'postgres',
      DATABASE_URL: database.url,
      LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET,
      LEDGERDESK_CLOCK: 'system',
      LEDGERDESK_LOG_LEVEL: 'warn',
      LEDGERDESK_GRAPHIQL: 'off',
      LEDGERDESK_RATE_LIMIT_PER_IP: '0',
      LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
      // openTicket waits this long for routing and the pin before it answers without them.
      LEDGERDESK_REACTION_WAIT_MS: '2000',
      LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET,
    };
    for (const { name, entry } of SUBGRAPHS) {
      const port = await freePort();
      subgraphs.push({ name, entry, port, env: { ...shared, PORT: String(port) }, child: null, output: [] });
    }
    const gatewayPort = await freePort();
    gateway = {
      name: 'gateway',
      entry: 'apps/gateway/main.ts',
      port: gatewayPort,
      env: { ...shared, PORT: String(gatewayPort), LEDGERDESK_SUBGRAPHS: subgraphs.map((s) => `${s.name}=http://127.0.0.1:${s.port}/graphql`).join(',') },
      child: null,
      output: [],
    };
    // One subgraph first, alone, so that it migrates the database; then the others.
    launch(subgraphs[0]!);
    await until(() => healthy(subgraphs[0]!.port), `${subgraphs[0]!.name} (${subgraphs[0]!.output.join('').slice(-2000)})`, 240_000);
    for (const proc of subgraphs.slice(1)) launch(proc);
    launch(gateway);
    // The gateway listens once it has composed the subgraphs' SDLs.
    await until(() => healthy(gateway.port), `the gateway (${gateway.output.join('').slice(-2000)})`, 240_000);
    tokens = new TokenService(TEST_JWT_SECRET, { maxLifetimeSeconds: 86_400 }, null);
  }, 300_000);

  afterAll(async () => {
    for (const proc of [gateway, ...subgraphs]) if (proc && running(proc)) proc.child!.kill('SIGKILL');
    await database?.drop();
  });

  it('assigns every ticket exactly once across a kill -9 and restart of the routing process; an e-mail reply posted meanwhile is added once', async () => {
    const admin = await tokens.sign({ id: 'admin-1', role: 'ADMIN', accountId: null, name: null, email: null });
    const platform = through() as TestPlatform;
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin, { name: 'Split Ltd', emailDomains: ['split.example'] });
    await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Round the clock' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    const intake = subgraphs.find((proc) => proc.name === 'intake')!;
    const mail = async (message: string) => {
      const response = await fetch(`http://127.0.0.1:${intake.port}/channels/email`, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` },
        body: message,
        signal: AbortSignal.timeout(30_000),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    // An e-mail reply: intake records it, triage's reactor (another process) adds it; the answer waits for that.
    const mailed = (await mail(email('<split-root@split.example>', 'It freezes.'))).body.ticketId as string;
    expect(await mail(email('<split-reply-1@split.example>', 'Logs attached.', '<split-root@split.example>'))).toEqual({ status: 201, body: { ticketId: mailed, created: false, action: 'replied' } });
    expect((await mustData(platform.gql(REPLIES, { id: mailed }, admin))).ticket.replies).toEqual([{ body: 'Logs attached.' }]);
    const customer = await tokens.sign({ id: 'dev-1', role: 'CUSTOMER', accountId, name: null, email: null });

    // Through the gateway before anything happens: answered with its assignee.
    const first = await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 'first', description: 'd', claimedSeverity: 'P2' } }, customer));
    expect(first.openTicket.assignee).not.toBeNull();

    const opened: string[] = [];
    const refusals: { status: number; codes: (string | undefined)[]; text: string }[] = [];
    let stop = false;
    let sequence = 0;
    const worker = async () => {
      while (!stop) {
        const n = ++sequence;
        try {
          const result = await platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: `stream ${n}`, description: 'd', claimedSeverity: 'P2' } }, customer);
          if (result.data?.openTicket?.id) opened.push(result.data.openTicket.id);
          else {
            refusals.push({ status: result.status, codes: (result.errors ?? []).map((e) => e.extensions?.code), text: JSON.stringify(result.errors) });
            // Pacing, not timing: a client backs off a little before it tries again.
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        } catch {
          // The gateway itself never goes away here; a timed-out request is retried by the loop.
        }
        if (!running(gateway)) throw new Error(`the gateway died: ${gateway.output.join('').slice(-2000)}`);
      }
    };
    const workers = Array.from({ length: 4 }, worker);

    const routing = subgraphs.find((proc) => proc.name === ROUTING)!;
    await until(() => opened.length >= 15, 'tickets opened before the kill', 120_000);
    routing.child!.kill('SIGKILL');
    await new Promise<void>((resolve) => (routing.child!.exitCode !== null || routing.child!.signalCode !== null ? resolve() : routing.child!.once('exit', () => resolve())));
    const openedAtKill = opened.length;
    const pending = await unassigned(database.url);
    // A reply while triage is down: recorded by intake, answered past the bound; a redelivery records nothing.
    const lateReply = email('<split-reply-2@split.example>', 'Still frozen.', '<split-root@split.example>');
    expect(await mail(lateReply)).toEqual({ status: 201, body: { ticketId: mailed, created: false, action: 'replied' } });
    expect(await mail(lateReply)).toEqual({ status: 200, body: { ticketId: mailed, created: false, action: 'duplicate' } });

    // Down: openings through the gateway go on where the layout allows, or are refused with a code, never a stack.
    await until(() => refusals.length + (opened.length - openedAtKill) >= 8, 'requests answered while the routing process is down', 60_000);
    launch(routing);
    await until(() => healthy(routing.port), `${ROUTING} back (${routing.output.join('').slice(-2000)})`, 240_000);
    const openedAtRestart = opened.length;
    await until(() => opened.length >= openedAtRestart + 15, 'tickets opened after the restart', 120_000);
    stop = true;
    await Promise.all(workers);

    for (const refusal of refusals) {
      expect(refusal.codes.length, refusal.text).toBeGreaterThan(0);
      expect(refusal.codes.every((code) => typeof code === 'string'), refusal.text).toBe(true);
      expect(refusal.text).not.toMatch(/stacktrace|\bat \S+ \(|node_modules/);
    }
    expect(running(gateway), 'the gateway stayed up').toBe(true);

    // The reply posted while triage was down is on the ticket once triage caught up, exactly once.
    await until(async () => (await mustData(platform.gql(REPLIES, { id: mailed }, admin))).ticket.replies.length === 2, 'the late reply added', 60_000);
    const replyEvents = await query<{ n: number }>(database.url, `SELECT count(*)::int AS n FROM event_store.events WHERE stream = 'ticket-${mailed}' AND type = 'ReplyAdded'`);
    expect(replyEvents[0]!.n).toBe(2);

    // Every ticket in the store — answered, or appended by a request the kill cut — gets assigned exactly once.
    const counts = async () => assignments(database.url);
    await until(async () => (await counts()).every((row) => row.assigned >= 1), 'every ticket assigned', 60_000);
    const rows = await counts();
    expect(rows.filter((row) => row.assigned !== 1), 'tickets not assigned exactly once').toEqual([]);
    const streams = new Set(rows.map((row) => row.stream));
    for (const id of [first.openTicket.id, ...opened]) expect([...streams].some((stream) => stream.endsWith(id)), id).toBe(true);
    // What the test exercised (in the report of a failure, and visible with --reporter=verbose).
    console.info(`split test: ${rows.length} tickets, ${openedAtKill} answered before the kill, ${pending} appended but not yet routed when killed, ${refusals.length} refused while down, ${opened.length - openedAtRestart} after the restart`);
  }, 600_000);
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Per ticket stream in the store, how many TicketAssigned events it holds. */
async function assignments(url: string): Promise<{ stream: string; assigned: number }[]> {
  return query(
    url,
    `SELECT stream, count(*) FILTER (WHERE type = 'TicketAssigned')::int AS assigned
       FROM event_store.events
      WHERE stream IN (SELECT stream FROM event_store.events WHERE type = 'TicketOpened')
      GROUP BY stream`,
  );
}

/** Tickets opened and not (yet) assigned. */
async function unassigned(url: string): Promise<number> {
  return (await assignments(url)).filter((row) => row.assigned === 0).length;
}
