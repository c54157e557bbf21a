/**
 * Outbound: public replies delivered from the log to one subscribed webhook and by e-mail (SMTP), and what
 * outbound costs intake. A plain script that prints figures, never a test.
 *
 *   npm run bench:outbound                                                      # PGlite (in-memory)
 *   DATABASE_URL=postgres://…/ledgerdesk_bench_outbound npm run bench:outbound  # PostgreSQL (an empty database)
 *
 *   BENCH_REPLIES (10000)   public staff replies posted
 *   BENCH_TICKETS (500)     tickets they are spread over (round robin): one ticket's deliveries go in order
 *   BENCH_OPENINGS (300)    tickets opened per intake phase (without, then with outbound)
 *   BENCH_CONCURRENCY (16)  GraphQL calls in flight
 *   BENCH_BACKLOG (unset)   1: the dispatcher is stopped while the replies are posted (the reactors still request
 *                           every delivery), then started: deliveries/s is how fast it drains that backlog, the
 *                           delays are then queueing, not latency
 *   BENCH_COUNT_SQL (unset) 1, on PostgreSQL: count the statements sent from the first reply to the last arrival, by text
 *
 * In this process: the platform (system clock: recordedAt is the platform clock's; P2 tickets, no SLA timer is due
 * within a run), a webhook receiver answering 200 at once
 * and an SMTP sink (smtp-server) accepting every message; both only note the arrival time. Intake phases: a
 * warm-up, BENCH_OPENINGS openings as the account's customer (with an e-mail address) before any webhook exists
 * ("without outbound": nothing is requested for an opening), then the webhook is registered on TicketOpened and
 * ReplyAdded and BENCH_OPENINGS more openings ("with outbound": each one becomes a delivery). Then BENCH_REPLIES
 * public replies as ADMIN; each becomes two deliveries (the webhook and the e-mail to the requester). Delay of a
 * delivery = its arrival at the receiver (wall clock) − its ReplyAdded's recordedAt (the platform clock at the append).
 * deliveries/s = reply deliveries ÷ (last arrival − first reply's recordedAt). Target (issue #12): ≥ 500
 * deliveries/s, p99 ≤ 1 s, intake with outbound ≥ 80 % of without.
 */
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { PLATFORM_CONTEXTS } from '../apps/platform/platform.contexts.js';
import { createLogger, loadConfig, PlatformRuntime, startLedgerdesk, TokenService } from '#platform-kit';
import { DeliveryDispatcher } from '../libs/outbound/application/delivery-dispatcher.js';

const REPLIES = Number(process.env.BENCH_REPLIES ?? '10000');
const TICKETS = Number(process.env.BENCH_TICKETS ?? '500');
const OPENINGS = Number(process.env.BENCH_OPENINGS ?? '300');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? '16');

const COUNT_SQL = process.env.BENCH_COUNT_SQL === '1';
const BACKLOG = process.env.BENCH_BACKLOG === '1';
const statements = new Map<string, number>();
let counting = false;
if (COUNT_SQL) {
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (counting) {
      const first = args[0] as string | { text?: string };
      const text = (typeof first === 'string' ? first : (first?.text ?? '?')).replace(/\s+/g, ' ').trim().slice(0, 110);
      statements.set(text, (statements.get(text) ?? 0) + 1);
    }
    return original.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

const quantile = (sorted: readonly number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);

async function main(): Promise<void> {
  // Arrivals: webhook event id → ms (wall clock); mail reply id → ms.
  const hookArrivals = new Map<string, number>();
  const mailArrivals = new Map<string, number>();
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; type: string };
      if (body.type === 'ReplyAdded' && !hookArrivals.has(body.id)) hookArrivals.set(body.id, at);
      response.statusCode = 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverPort = (receiver.address() as { port: number }).port;
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const at = Date.now();
        const replyId = /^X-Ledgerdesk-Reply-Id:\s*(\S+)/im.exec(head)?.[1];
        if (replyId && !mailArrivals.has(replyId)) mailArrivals.set(replyId, at);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const smtpPort = (sink.server.address() as { port: number }).port;

  const postgres = process.env.DATABASE_URL;
  const config = loadConfig({
    PORT: '0',
    LEDGERDESK_DATA_DIR: 'memory://',
    LEDGERDESK_JWT_SECRET: 'bench-outbound-secret-0123456789-0123456789',
    // The system clock: an event's recordedAt is the platform clock's, and the delay is measured against arrivals' wall clock.
    LEDGERDESK_CLOCK: 'system',
    LEDGERDESK_RATE_LIMIT_PER_IP: '0',
    LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
    LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true',
    LEDGERDESK_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    LEDGERDESK_SMTP_FROM: 'support@ledgerdesk.example',
    ...(postgres ? { LEDGERDESK_EVENT_STORE: 'postgres', DATABASE_URL: postgres } : {}),
  });
  const { app, port } = await startLedgerdesk('bench', PLATFORM_CONTEXTS, config, createLogger((process.env.BENCH_LOG_LEVEL ?? 'silent') as 'silent'));
  // Client and server share this event loop (blocked for seconds by PGlite under load): keep idle sockets longer
  // than any pause, so the server's keep-alive close never meets the client's reuse (ECONNRESET), as in the tests.
  (app.getHttpServer() as import('node:http').Server).keepAliveTimeout = 120_000;
  const runtime = app.get(PlatformRuntime);
  const tokens = app.get(TokenService);
  const admin = await tokens.sign({ id: 'bench-admin', role: 'ADMIN', accountId: null, name: null, email: null });
  const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  try {
    const calendarId = (await gql(admin, 'mutation($i: DefineCalendarInput!) { defineCalendar(input: $i) { id } }', {
      i: { name: 'Weekdays', timeZone: 'UTC', weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })) },
    })).defineCalendar.id;
    const accountId = (await gql(admin, 'mutation($i: RegisterAccountInput!) { registerAccount(input: $i) { id } }', { i: { name: 'Bench', region: 'APAC', timeZone: 'UTC' } })).registerAccount.id;
    await gql(admin, 'mutation($i: SignContractInput!) { signContract(input: $i) { id } }', {
      i: {
        accountId, plan: 'P2', calendarId, channels: ['PORTAL'], pauseWhenWaitingOnCustomer: true, monthlyFee: 1000, currency: 'USD', credits: [], creditCapPercent: 10, effectiveFrom: '2026-01-01T00:00:00Z',
        targets: [
          { severity: 'P0', coverage: 'ALWAYS', firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
          { severity: 'P1', coverage: 'ALWAYS', firstResponseMinutes: 60, resolutionMinutes: 1440 },
          { severity: 'P2', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 240 },
          { severity: 'P3', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480 },
        ],
      },
    });
    const customer = await tokens.sign({ id: 'bench-customer', role: 'CUSTOMER', accountId, name: 'Wei', email: 'wei@customer.example' });
    const tickets: string[] = [];
    const openSome = async (count: number): Promise<number> => {
      const t = performance.now();
      await pool(Array.from({ length: count }), CONCURRENCY, async () => {
        tickets.push((await gql(customer, 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }', { i: { accountId, channel: 'PORTAL', subject: 'Audio drops', description: 'since the upgrade', claimedSeverity: 'P2' } })).openTicket.id);
      });
      return count / ((performance.now() - t) / 1000);
    };
    await openSome(Math.min(50, OPENINGS));
    await runtime.settleReactions(120_000);
    const withoutOutbound = await openSome(OPENINGS);
    await runtime.settleReactions(120_000);
    await gql(admin, 'mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { secret } }', { i: { url: `http://127.0.0.1:${receiverPort}/hook`, eventTypes: ['TicketOpened', 'ReplyAdded'] } });
    const withOutbound = await openSome(OPENINGS);
    await runtime.settleReactions(120_000);
    while (tickets.length < TICKETS) await openSome(Math.min(CONCURRENCY * 4, TICKETS - tickets.length));
    await runtime.settleReactions(120_000);
    process.stderr.write(`intake: ${withoutOutbound.toFixed(1)} tickets/s without outbound, ${withOutbound.toFixed(1)} with; ${tickets.length} tickets\n`);

    const targets = Array.from({ length: REPLIES }, (_, i) => tickets[i % TICKETS]!);
    const dispatcher = app.get(DeliveryDispatcher);
    if (BACKLOG) await dispatcher.stop();
    const t = performance.now();
    const cpuBefore = process.cpuUsage();
    counting = true;
    let failed = 0;
    const failedByCode = new Map<string, number>();
    await pool(targets, CONCURRENCY, async (ticketId, i) => {
      // A reply refused under load (CONFLICT from concurrent writers on one ticket, or an internal error) is counted
      // and not retried: it has no deliveries to wait for. Counted by code, so an INTERNAL_SERVER_ERROR is not hidden
      // among CONFLICTs; the first message of each code is shown.
      await gql(admin, 'mutation($id: ID!, $b: String!) { addReply(ticketId: $id, body: $b) { id } }', { id: ticketId, b: `bench reply ${i}` }).catch((error: Error) => {
        failed += 1;
        const code = /"code":"([A-Z_]+)"/.exec(error.message)?.[1] ?? 'NO_CODE';
        const seen = failedByCode.get(code) ?? 0;
        failedByCode.set(code, seen + 1);
        if (seen === 0) process.stderr.write(`reply failed (${code}): ${error.message.slice(0, 300)}\n`);
      });
    });
    if (failed > 0) process.stderr.write(`${failed} of ${REPLIES} replies failed: ${[...failedByCode].map(([code, n]) => `${n} ${code}`).join(', ')}\n`);
    const expected = REPLIES - failed;
    const postSeconds = (performance.now() - t) / 1000;
    const postedAt = Date.now();
    process.stderr.write(`posted ${REPLIES} replies in ${postSeconds.toFixed(1)} s (${(REPLIES / postSeconds).toFixed(1)}/s: ${((2 * expected) / postSeconds).toFixed(1)} deliveries/s offered)\n`);
    let drainStart = 0;
    if (BACKLOG) {
      // Every delivery requested (the reactors ran on), none sent: then the dispatcher drains them.
      await runtime.settleReactions(600_000);
      process.stderr.write(`backlog: ${hookArrivals.size + mailArrivals.size} arrived before the dispatcher started\n`);
      drainStart = Date.now();
      dispatcher.start();
    }
    const deadline = Date.now() + Number(process.env.BENCH_WAIT_S ?? '300') * 1000;
    let shown = Date.now();
    while ((hookArrivals.size < expected || mailArrivals.size < expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (Date.now() - shown > 10_000) {
        shown = Date.now();
        process.stderr.write(`arrived: ${hookArrivals.size} webhook, ${mailArrivals.size} e-mail of ${REPLIES} each\n`);
      }
    }
    counting = false;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    process.stderr.write(`this process's CPU from the first reply to the last arrival: ${cpuSeconds.toFixed(1)} s (${((cpuSeconds * 1000) / Math.max(1, hookArrivals.size + mailArrivals.size)).toFixed(2)} ms per delivery, reply included)\n`);
    if (COUNT_SQL) {
      const total = [...statements.values()].reduce((a, b) => a + b, 0);
      process.stderr.write(`SQL statements from the first reply to the last arrival: ${total} (${(total / Math.max(1, expected)).toFixed(1)} per reply, 2 deliveries each)\n`);
      for (const [text, count] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 30)) process.stderr.write(`${String(count).padStart(7)}  ${text}\n`);
    }
    if (hookArrivals.size < expected || mailArrivals.size < expected) process.stderr.write(`not all arrived within BENCH_WAIT_S: ${hookArrivals.size} webhook, ${mailArrivals.size} e-mail\n`);

    // The replies' commits (recordedAt), by event id and by reply id.
    const committedByEvent = new Map<string, number>();
    const committedByReply = new Map<string, number>();
    await pool([...new Set(tickets)], 16, async (ticketId) => {
      for (const event of await runtime.store.readStream(`ticket-${ticketId}`)) {
        if (event.type !== 'ReplyAdded' || !String((event.data as { body?: string }).body).startsWith('bench reply ')) continue;
        const at = Date.parse(event.recordedAt);
        committedByEvent.set(event.id, at);
        committedByReply.set((event.data as { replyId: string }).replyId, at);
      }
    });
    const delays = (arrivals: Map<string, number>, committed: Map<string, number>) =>
      [...arrivals].filter(([id]) => committed.has(id)).map(([id, at]) => at - committed.get(id)!).sort((a, b) => a - b);
    const hookDelays = delays(hookArrivals, committedByEvent);
    const mailDelays = delays(mailArrivals, committedByReply);
    const all = [...hookDelays, ...mailDelays].sort((a, b) => a - b);
    const firstCommit = Math.min(...committedByEvent.values());
    const lastArrival = Math.max(...hookArrivals.values(), ...mailArrivals.values());
    const seconds = (lastArrival - firstCommit) / 1000;
    process.stderr.write(`the last delivery arrived ${((lastArrival - postedAt) / 1000).toFixed(1)} s after the last reply was answered\n`);
    if (BACKLOG) {
      const drained = (lastArrival - drainStart) / 1000;
      process.stderr.write(`backlog drained: ${hookArrivals.size + mailArrivals.size} deliveries in ${drained.toFixed(1)} s = ${((hookArrivals.size + mailArrivals.size) / drained).toFixed(1)} deliveries/s\n`);
    }
    const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
    console.log(`| store | replies | posted/s | deliveries (webhook + e-mail) | deliveries/s | p50 / p99 delay, webhook | p50 / p99 delay, e-mail | p99 all | intake tickets/s without → with outbound |`);
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| ${postgres ? 'postgres' : 'pglite'} | ${REPLIES} | ${(REPLIES / postSeconds).toFixed(1)} | ${hookDelays.length} + ${mailDelays.length} | ${(all.length / seconds).toFixed(1)} | ` +
        `${ms(quantile(hookDelays, 0.5))} / ${ms(quantile(hookDelays, 0.99))} | ${ms(quantile(mailDelays, 0.5))} / ${ms(quantile(mailDelays, 0.99))} | ${ms(quantile(all, 0.99))} | ` +
        `${withoutOutbound.toFixed(1)} → ${withOutbound.toFixed(1)} (${Math.round((withOutbound / withoutOutbound) * 100)} %) |`,
    );
  } finally {
    await app.close();
    await new Promise((resolve) => receiver.close(resolve));
    await new Promise((resolve) => sink.close(() => resolve(null)));
  }
}

await main();
