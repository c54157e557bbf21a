/**
 * Platform incident broadcast: N tickets linked to one incident, one PUBLIC update; how long until every ticket
 * shows the reply. A plain script that prints figures, never a test.
 *
 *   npm run bench:incidents                         # PGlite (in-memory)
 *   DATABASE_URL=postgres://…/ledgerdesk_bench_incidents npm run bench:incidents   # PostgreSQL (an empty database)
 *
 * The platform starts in this process on a manual clock; over GraphQL as ADMIN: a calendar, 40 accounts with
 * contracts, BENCH_TICKETS (default 5000) P0 tickets opened 16 at a time, linked 500 per call, then one PUBLIC
 * update. Measured: from posting the update until `settleReactions` returns (every reply recorded by the
 * triage.incident-broadcast reactor and in every read model, every reactor past it), then every ticket is read
 * over GraphQL to check it shows exactly one reply carrying the update. Target (issue #13): ≤ 5 s for 5,000 tickets on PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PLATFORM_CONTEXTS } from '../apps/platform/platform.contexts.js';
import { createLogger, loadConfig, PlatformRuntime, startLedgerdesk, TokenService } from '#platform-kit';

const TICKETS = Number(process.env.BENCH_TICKETS ?? '5000');
/**
 * BENCH_COUNT_SQL=1 (PostgreSQL): the CPU time of the database's backends during the broadcast (read from /proc:
 * the server on this machine), and the statements sent meanwhile, by statement text, with the wall time they took (from sending to the answer, queueing on a busy connection included; statements
 * overlap, so the times add up to more than the broadcast).
 */
const COUNT_SQL = process.env.BENCH_COUNT_SQL === '1';
const statements = new Map<string, { count: number; ms: number }>();
let counting = false;
if (COUNT_SQL) {
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (!counting) return original.apply(this, args);
    const first = args[0] as string | { text?: string };
    const text = (typeof first === 'string' ? first : (first?.text ?? '?')).replace(/\s+/g, ' ').trim().slice(0, 110);
    const entry = statements.get(text) ?? { count: 0, ms: 0 };
    statements.set(text, entry);
    entry.count += 1;
    const sent = performance.now();
    const done = () => void (entry.ms += performance.now() - sent);
    const callback = args.findIndex((arg) => typeof arg === 'function');
    if (callback >= 0) {
      const inner = args[callback] as (...a: unknown[]) => void;
      args[callback] = (...a: unknown[]) => {
        done();
        inner(...a);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, done);
    return result;
  } as typeof pg.Client.prototype.query;
}
const START = '2026-03-02T02:00:00Z';

/**
 * CPU time (ms) the PostgreSQL backends serving this database have used so far, by pid, from /proc (the server
 * runs on this machine): the server's share of the work, which wall time under load does not show.
 */
async function serverCpu(url: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    const ticksPerMs = 100 / 1000; // USER_HZ
    const used = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        used.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerMs);
      } catch {
        // ended meanwhile, or not on this machine
      }
    }
    return used;
  } finally {
    await client.end();
  }
}

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (next < items.length) await work(items[next++]!); }));
}

async function main(): Promise<void> {
  const postgres = process.env.DATABASE_URL;
  const config = loadConfig({
    PORT: '0',
    LEDGERDESK_DATA_DIR: 'memory://',
    LEDGERDESK_JWT_SECRET: 'bench-incidents-secret-0123456789-0123456789',
    LEDGERDESK_CLOCK: 'manual',
    LEDGERDESK_CLOCK_START: START,
    LEDGERDESK_RATE_LIMIT_PER_IP: '0',
    LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
    ...(postgres ? { LEDGERDESK_EVENT_STORE: 'postgres', DATABASE_URL: postgres } : {}),
  });
  const { app, port } = await startLedgerdesk('bench', PLATFORM_CONTEXTS, config, createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent'));
  const runtime = app.get(PlatformRuntime);
  const admin = await app.get(TokenService).sign({ id: 'bench-admin', role: 'ADMIN', accountId: null, name: null, email: null });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  try {
    const calendarId = (await gql('mutation($i: DefineCalendarInput!) { defineCalendar(input: $i) { id } }', { i: { name: 'Weekdays', timeZone: 'UTC', weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })) } })).defineCalendar.id;
    const accounts: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const id = (await gql('mutation($i: RegisterAccountInput!) { registerAccount(input: $i) { id } }', { i: { name: `Bench ${i}`, region: 'APAC', timeZone: 'UTC' } })).registerAccount.id;
      await gql('mutation($i: SignContractInput!) { signContract(input: $i) { id } }', {
        i: {
          accountId: id, plan: 'P0', calendarId, channels: ['PORTAL'], pauseWhenWaitingOnCustomer: true, monthlyFee: 1000, currency: 'USD', credits: [], creditCapPercent: 10, effectiveFrom: '2026-01-01T00:00:00Z',
          targets: [
            { severity: 'P0', coverage: 'ALWAYS', firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
            { severity: 'P1', coverage: 'ALWAYS', firstResponseMinutes: 60, resolutionMinutes: 1440 },
            { severity: 'P2', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 240 },
            { severity: 'P3', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480 },
          ],
        },
      });
      accounts.push(id);
    }
    const ids: string[] = [];
    let t = performance.now();
    await pool(Array.from({ length: TICKETS }, (_, i) => accounts[i % 40]!), 16, async (accountId) => {
      ids.push((await gql('mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }', { i: { accountId, channel: 'PORTAL', subject: 'CDN down', description: 'black', claimedSeverity: 'P0' } })).openTicket.id);
    });
    process.stderr.write(`opened ${TICKETS} tickets in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    await runtime.settleReactions(120_000);
    const incidentId = (await gql('mutation($i: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $i) { id } }', { i: { title: 'CDN outage', severity: 'SEV1', regions: ['ap-east-1'], components: ['CDN'], startedAt: START, publicSummary: 's' } })).declarePlatformIncident.id;
    t = performance.now();
    for (let i = 0; i < ids.length; i += 500) await gql('mutation($id: ID!, $t: [ID!]!) { linkTicketsToIncident(incidentId: $id, ticketIds: $t) { linkedTicketCount } }', { id: incidentId, t: ids.slice(i, i + 500) });
    const linkSeconds = (performance.now() - t) / 1000;
    // When the broadcast's last appendMany returned: the replies are all recorded; the rest is the read models.
    const store = runtime.store as { appendMany: (...args: never[]) => Promise<unknown> };
    const appendMany = store.appendMany.bind(store);
    let appendsDone = 0;
    let appendCalls = 0;
    store.appendMany = async (...args: never[]) => {
      const outcomes = await appendMany(...args);
      appendsDone = performance.now();
      appendCalls += 1;
      return outcomes;
    };
    const serverBefore = COUNT_SQL && postgres ? await serverCpu(postgres) : null;
    t = performance.now();
    const cpu = process.cpuUsage();
    counting = true;
    const posted = await gql('mutation($id: ID!) { postIncidentUpdate(incidentId: $id, status: IDENTIFIED, body: "Rolling back", visibility: PUBLIC) { id updates { id visibility } } }', { id: incidentId });
    const settled = await runtime.settleReactions(600_000);
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    counting = false;
    // On a machine shared with other work the wall time is mostly waiting; this process's CPU time compares better.
    process.stderr.write(`broadcast: ${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU in this process (${((used.user + used.system) / 1000 / TICKETS).toFixed(2)} ms per reply)\n`);
    process.stderr.write(`every reply recorded ${((appendsDone - t) / 1000).toFixed(2)} s after posting (${appendCalls} appendMany calls); the read models and reactors after that took ${((t + seconds * 1000 - appendsDone) / 1000).toFixed(2)} s\n`);
    if (serverBefore && postgres) {
      let serverMs = 0;
      for (const [pid, ms] of await serverCpu(postgres)) serverMs += ms - (serverBefore.get(pid) ?? 0);
      process.stderr.write(`PostgreSQL backends of this database: ${serverMs.toFixed(0)} ms CPU during the broadcast (${(serverMs / TICKETS).toFixed(2)} ms per reply)\n`);
    }
    if (COUNT_SQL) {
      const total = [...statements.values()].reduce((a, b) => a + b.count, 0);
      process.stderr.write(`SQL statements during the broadcast: ${total} (${(total / TICKETS).toFixed(2)} per reply); count, summed wall ms, statement:\n`);
      for (const [text, { count, ms }] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) process.stderr.write(`${String(count).padStart(7)} ${ms.toFixed(0).padStart(8)}  ${text}\n`);
    }
    // What "shows the reply" means: each ticket over GraphQL, as staff read it, has exactly one reply carrying the update.
    const updateId = posted.postIncidentUpdate.updates.find((u: { visibility: string }) => u.visibility === 'PUBLIC').id as string;
    let replies = 0;
    const wrong: string[] = [];
    const checkStarted = performance.now();
    await pool(ids, 16, async (id) => {
      const ticket = (await gql('query($id: ID!) { ticket(id: $id) { replies { incidentUpdateId } } }', { id })).ticket as { replies: { incidentUpdateId: string | null }[] };
      const carrying = ticket.replies.filter((reply) => reply.incidentUpdateId === updateId).length;
      replies += carrying;
      if (carrying !== 1) wrong.push(id);
    });
    process.stderr.write(`checked ${ids.length} tickets over GraphQL in ${((performance.now() - checkStarted) / 1000).toFixed(1)} s: ${wrong.length} without exactly one reply of the update${wrong.length ? ` (first: ${wrong[0]})` : ''}\n`);
    console.log(`| store | tickets | link (${Math.ceil(TICKETS / 500)} calls) | update → every reply in the read models | replies/s | tickets showing the reply once (GraphQL) | settled |`);
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    console.log(`| ${postgres ? 'postgres' : 'pglite'} | ${TICKETS} | ${linkSeconds.toFixed(2)} s | ${seconds.toFixed(2)} s | ${Math.round(TICKETS / seconds)} | ${TICKETS - wrong.length} (${replies} replies) | ${settled} |`);
  } finally {
    await app.close();
  }
}

await main();
