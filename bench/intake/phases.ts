/**
 * BENCH_PHASES=1: where an openTicket request spends its time, measured in-process by wrapping the pieces the
 * request goes through (prototype methods of the compiled modules, patched before the platform boots; no file
 * outside bench/ changes). Every figure is wall time per request while 32 requests run at once, so the pieces
 * of one request add up to its server-side latency; "background" is the projection loops' own work.
 *
 *   request (HTTP 'request' → 'finish')
 *   ├─ auth: TokenService.verify
 *   ├─ OpenTicketHandler.execute
 *   │   ├─ open: coverage read (intake read model), load stream (channel messages only)
 *   │   ├─ route: account + engineers (+ open-ticket counts when triage.tickets moved) in one read, the decision
 *   │   ├─ open: one append (TicketOpened + TicketAssigned)
 *   │   ├─ pin: the SLA context pins the policy (contract + calendar in one read), append
 *   │   └─ open: settled once (the read models that handle what was appended catch up)
 *   ├─ re-read: TicketsQueries.ticket after the handler (repeats only)
 *   └─ the rest: Nest/Apollo/express (parse, validate, serialize)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PgliteClient, PostgresClient, SqlEventStore } from '#event-store';
import type { Projection } from '#projections';
import { PlatformRuntime, TokenService } from '#platform-kit';
import { TicketsQueries } from '#triage';
import { IntakeQueries } from '../../libs/intake/application/intake.queries.js';
import { OpenTicketHandler } from '../../libs/intake/application/open-ticket.handler.js';
import { SlaCommands } from '../../libs/sla/application/sla.commands.js';
import { TicketsCommands } from '../../libs/triage/application/tickets.commands.js';

type Stage = 'open' | 'pin' | 'route';
interface Context {
  stage: Stage | null;
}

const als = new AsyncLocalStorage<Context>();

class Samples {
  readonly values: number[] = [];
  extra = 0;
  add(ms: number): void {
    this.values.push(ms);
  }
  get count(): number {
    return this.values.length;
  }
  get total(): number {
    return this.values.reduce((s, v) => s + v, 0);
  }
  quantile(q: number): number {
    if (this.values.length === 0) return 0;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

export class Phases {
  private recording = false;
  private readonly samples = new Map<string, Samples>();
  private readonly counts = new Map<string, number>();
  private poolTimer: NodeJS.Timeout | null = null;
  private readonly pool = { samples: 0, waitingSum: 0, waitingMax: 0, totalMax: 0 };

  private sample(name: string): Samples {
    let s = this.samples.get(name);
    if (!s) this.samples.set(name, (s = new Samples()));
    return s;
  }

  private count(name: string, by = 1): void {
    if (this.recording) this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  private record(name: string, ms: number): void {
    if (this.recording) this.sample(name).add(ms);
  }

  /** Wraps `proto[method]` so that each call's duration is recorded under `label(args, result)`. */
  private wrap<T extends object>(proto: T, method: string, label: (ctx: Context | undefined, args: unknown[], result: unknown) => string | null, run?: (fn: () => Promise<unknown>) => Promise<unknown>): void {
    const original = (proto as Record<string, unknown>)[method] as (...args: unknown[]) => Promise<unknown>;
    // A method renamed since this was written is left unwrapped (its row is missing), not a failed bench.
    if (typeof original !== 'function') return void process.stderr.write(`[bench:intake phases] cannot wrap ${method}: not timed\n`);
    const phases = this;
    (proto as Record<string, unknown>)[method] = async function (this: unknown, ...args: unknown[]) {
      const began = performance.now();
      const call = () => original.apply(this, args);
      const result = await (run ? run(call) : call());
      const name = label(als.getStore(), args, result);
      if (name) phases.record(name, performance.now() - began);
      return result;
    };
  }

  /** Must run before the platform boots (projections are registered while modules initialise). */
  install(): void {
    const stageOf = (ctx: Context | undefined): string => (ctx ? (ctx.stage ?? 'request') : 'background');

    this.wrap(TokenService.prototype, 'verify', () => 'auth: TokenService.verify');
    this.wrap(OpenTicketHandler.prototype, 'execute', () => 'handler: OpenTicketHandler.execute', (fn) => als.run({ stage: 'open' }, fn));
    this.wrap(IntakeQueries.prototype, 'coverageProblem', (ctx) => `${stageOf(ctx)}: coverage read (intake.accounts + intake.contracts)`);
    this.wrap(SlaCommands.prototype, 'pin', () => 'pin: SlaCommands.pin (total)', (fn) => als.run({ stage: 'pin' }, fn));
    this.wrap(TicketsCommands.prototype, 'routingFor', () => 'route: TicketsCommands.routingFor (total)', (fn) => als.run({ stage: 'route' }, fn));
    this.wrap(TicketsQueries.prototype, 'ticket', (ctx) => (ctx ? `${stageOf(ctx)}: ticket read` : 're-read: TicketsQueries.ticket'));
    this.wrap(TicketsQueries.prototype, 'routingDirectory', (ctx) => `${stageOf(ctx)}: account + engineers + open-ticket counts`);
    this.wrap(SqlEventStore.prototype, 'readStream', (ctx) => `${stageOf(ctx)}: load stream (readStream)`);
    this.wrap(SqlEventStore.prototype, 'append', (ctx) => `${stageOf(ctx)}: append`);
    this.wrap(PlatformRuntime.prototype, 'settled', (ctx) => `${stageOf(ctx)}: settled (waitFor all projections)`);

    // The subscription's polling: one readPage per wake-up (the "hidden events?" check rides on it when a page is short).
    const phases = this;
    // Subscriptions read through readPage (a page and the "hidden events?" answer in one statement).
    this.wrap(SqlEventStore.prototype, 'readPage', (ctx, _args, result) => {
      const { events, hidden } = result as { events: unknown[]; hidden: boolean };
      phases.count(`background: readPage rows`, events.length);
      if (events.length === 0) phases.count('background: readPage returning nothing');
      if (hidden) phases.count('background: readPage: hidden events → 15 ms recheck');
      return ctx ? null : 'background: readPage (subscription poll)';
    });
    this.wrap(SqlEventStore.prototype, 'hasEventsBehindGuard', (ctx, _args, result) => {
      if (result) phases.count('background: hidden events → 15 ms recheck');
      return ctx ? null : 'background: hasEventsBehindGuard';
    });

    for (const Client of [PgliteClient, PostgresClient]) {
      this.wrap(Client.prototype, 'transaction', (ctx) => `${ctx ? 'request' : 'background'}: SQL transaction (${Client.name})`);
      this.wrap(Client.prototype, 'query', (ctx) => `${ctx ? 'request' : 'background'}: SQL query outside a transaction (${Client.name})`);
    }

    // Every statement sent to PostgreSQL (pg.Client.query; the pool's queries go through it), by kind.
    const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client & { benchSampler?: boolean }, ...args: unknown[]) {
      if (!this.benchSampler) {
        const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
        phases.count('SQL statements sent to PostgreSQL (all)');
        phases.count(`SQL statements: ${kind(text)}`);
      }
      return clientQuery.apply(this, args);
    };

    const register = PlatformRuntime.prototype.registerProjection;
    PlatformRuntime.prototype.registerProjection = function (this: PlatformRuntime, projection: Projection) {
      const timed: Projection = {
        ...projection,
        apply: async (events, tx) => {
          const began = performance.now();
          await projection.apply(events, tx);
          phases.record(`background: apply ${projection.name}`, performance.now() - began);
          phases.count(`background: events applied by ${projection.name}`, events.length);
        },
      };
      return register.call(this, timed);
    };
  }

  /** Server-side latency of each POST, each projection's share of the settle waits, the pg pool's queue. */
  attach(server: Server, runtime: PlatformRuntime): void {
    // ProjectionLoop is not exported: reach its prototype through a running loop, and time each loop's waitFor.
    const loops = (runtime.projectionRunner as unknown as { loops: Map<string, { projection: Projection }> }).loops;
    const first = loops.values().next().value;
    if (first) {
      const proto = Object.getPrototypeOf(first) as { waitFor(this: { projection: Projection }, position: unknown): Promise<void>; benchTimed?: boolean };
      if (!proto.benchTimed) {
        proto.benchTimed = true;
        const waitFor = proto.waitFor;
        const phases = this;
        proto.waitFor = async function (this: { projection: Projection }, position: unknown) {
          const began = performance.now();
          await waitFor.call(this, position);
          phases.record(`settle: wait for ${this.projection.name} (calls that had to wait)`, performance.now() - began);
        };
      }
    }
    server.on('request', (req, res) => {
      if (req.method !== 'POST') return;
      const began = performance.now();
      res.on('finish', () => this.record('request: HTTP request → response finish (server side)', performance.now() - began));
    });
    const pool = (runtime.readDb as unknown as { pool?: { waitingCount: number; totalCount: number } }).pool;
    if (pool) {
      this.poolTimer = setInterval(() => {
        if (!this.recording) return;
        this.pool.samples += 1;
        this.pool.waitingSum += pool.waitingCount;
        this.pool.waitingMax = Math.max(this.pool.waitingMax, pool.waitingCount);
        this.pool.totalMax = Math.max(this.pool.totalMax, pool.totalCount);
      }, 20);
      this.poolTimer.unref();
    }
  }

  start(): void {
    this.samples.clear();
    this.counts.clear();
    Object.assign(this.pool, { samples: 0, waitingSum: 0, waitingMax: 0, totalMax: 0 });
    this.recording = true;
  }

  stop(): void {
    this.recording = false;
    if (this.poolTimer) clearInterval(this.poolTimer);
  }

  /** A markdown table: per request (divided by the tickets opened) and per call. */
  table(tickets: number): string {
    const rows = [...this.samples.entries()].sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b));
    const lines = [
      '| piece | calls / ticket | mean ms / call | p50 ms | p99 ms | ms / ticket (sum) |',
      '|---|--:|--:|--:|--:|--:|',
      ...rows.map(([name, s]) =>
        `| ${name} | ${(s.count / tickets).toFixed(2)} | ${(s.total / s.count).toFixed(2)} | ${s.quantile(0.5).toFixed(1)} | ${s.quantile(0.99).toFixed(1)} | ${(s.total / tickets).toFixed(2)} |`,
      ),
    ];
    const counts = [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b));
    lines.push('', '| counter | total | per ticket |', '|---|--:|--:|', ...counts.map(([name, n]) => `| ${name} | ${n} | ${(n / tickets).toFixed(2)} |`));
    if (this.pool.samples > 0) {
      lines.push(
        `| pg pool: clients waiting for a connection (mean / max over ${this.pool.samples} samples) | ${(this.pool.waitingSum / this.pool.samples).toFixed(1)} / ${this.pool.waitingMax} | |`,
        `| pg pool: connections open (max) | ${this.pool.totalMax} | |`,
      );
    }
    return lines.join('\n');
  }
}

function order(name: string): number {
  const prefixes = ['request', 'auth', 'handler', 'open', 'pin', 'route', 're-read', 'settle', 'background'];
  const index = prefixes.findIndex((p) => name.startsWith(p));
  return index === -1 ? prefixes.length : index;
}

/**
 * PostgreSQL's side while the load runs: what the bench database's backends are doing, sampled from
 * pg_stat_activity every 50 ms on a connection of its own, and how much CPU the postgres processes burn.
 */
export class PgSampler {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private samples = 0;
  private readonly states = new Map<string, number>();
  private cpuAtStart = new Map<number, number>();
  private wallAtStart = 0;
  private busy = false;

  constructor(private readonly databaseUrl: string) {}

  async start(): Promise<void> {
    this.client = new pg.Client({ connectionString: this.databaseUrl });
    (this.client as pg.Client & { benchSampler?: boolean }).benchSampler = true;
    await this.client.connect();
    this.cpuAtStart = postgresCpuTicks(new URL(this.databaseUrl).pathname.slice(1));
    this.wallAtStart = performance.now();
    this.timer = setInterval(() => void this.sample(), 50);
  }

  private async sample(): Promise<void> {
    if (this.busy || !this.client) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ state: string | null; wait: string | null; query: string }>(
        `SELECT state, wait_event_type || ':' || wait_event AS wait, query FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      this.samples += 1;
      for (const row of rows) {
        const key = `${row.state ?? '?'} | ${row.wait ?? 'on CPU'} | ${row.state === 'active' || row.state?.startsWith('idle in') ? kind(row.query) : ''}`;
        this.states.set(key, (this.states.get(key) ?? 0) + 1);
      }
    } catch {
      // a sample lost is a sample lost
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<{ table: string; postgresCores: number }> {
    if (this.timer) clearInterval(this.timer);
    const after = postgresCpuTicks(new URL(this.databaseUrl).pathname.slice(1));
    const postgresCores = postgresCpuSecondsBetween(this.cpuAtStart, after) / ((performance.now() - this.wallAtStart) / 1000);
    await this.client?.end().catch(() => undefined);
    const rows = [...this.states.entries()].sort(([, a], [, b]) => b - a).filter(([key]) => !key.startsWith('idle |'));
    const idle = [...this.states.entries()].filter(([key]) => key.startsWith('idle |')).reduce((s, [, n]) => s + n, 0);
    const table = [
      `| backend state | wait event | statement | mean backends (over ${this.samples} samples) |`,
      '|---|---|---|--:|',
      ...rows.slice(0, 18).map(([key, n]) => `| ${key.split(' | ').join(' | ')} | ${(n / this.samples).toFixed(2)} |`),
      `| idle | | | ${(idle / this.samples).toFixed(2)} |`,
    ].join('\n');
    return { table, postgresCores };
  }
}

function kind(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim();
  if (q.startsWith('INSERT INTO event_store.streams')) return 'append: lock stream head';
  if (q.startsWith('WITH inserted AS')) return 'append: insert events + NOTIFY';
  if (q === 'COMMIT') return 'COMMIT';
  if (q === 'BEGIN') return 'BEGIN';
  if (q.includes('EXISTS ( SELECT 1 FROM event_store.events')) return 'poll: hidden events?';
  if (q.includes('FROM event_store.events WHERE transaction_id <')) return 'poll: readAll';
  if (q.startsWith('WITH guard AS MATERIALIZED')) return 'poll: readPage (+ hidden?)';
  if (q.includes('FROM event_store.events WHERE stream =')) return 'load stream';
  if (q.startsWith('INSERT INTO projections.checkpoints')) return 'checkpoint upsert';
  if (q.startsWith('LISTEN')) return 'LISTEN';
  if (q === 'ROLLBACK') return 'ROLLBACK';
  if (q.startsWith('SELECT pg_notify')) return 'NOTIFY (separate statement)';
  return q.slice(0, 70).replaceAll('|', '/');
}

/**
 * CPU seconds (user + system) per local postgres process that works for `database`: its backends (the process
 * title names the database) and the shared auxiliary processes (WAL writer, checkpointer, …), but not the
 * backends of other databases. Linux /proc only; empty elsewhere.
 */
export function postgresCpuTicks(database: string): Map<number, number> {
  const ticks = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid));
  } catch {
    return ticks;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const backend = /^postgres: [^:]+: (\S+) (\S+) /.exec(title);
      if (backend && backend[2] !== database && !title.includes('autovacuum') && !title.includes('walsender')) continue;
      if (title.includes('autovacuum worker') && !title.includes(` ${database}`)) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks.set(Number(pid), Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** CPU seconds the processes of `before` and `after` used in between (a process new since counts from 0). */
export function postgresCpuSecondsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100;
}
