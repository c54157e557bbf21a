/**
 * SLA engine throughput and SLA timer scaling. A plain script that prints figures (markdown), never a test.
 *
 *   npm run bench:sla          # = npm run build --silent && node --expose-gc dist/bench/sla.bench.js
 *
 * (a) Engine: BENCH_SLA_TICKETS (default 20,000) ticket histories of 10 events each (opened, assigned, first
 *     response, an assessment, a request for information and the customer's answer, an internal note, two
 *     updates, resolved; see bench/sla/histories.ts) built in memory, then `slaStatus` for each at a late asOf
 *     (after every event), on an all-ALWAYS and an all-BUSINESS_HOURS contract (Shanghai, split shift, CN
 *     holidays). Warm-up round first, not counted.
 * (b) Timers, each in its own child process (so peak memory is per size):
 *     (b1) the whole platform in process (PGlite in memory, manual clock): BENCH_SLA_PLATFORM_TICKETS (default
 *          250) tickets seeded straight into the store (TicketOpened + SlaPolicyPinned), advance two days;
 *          checks every warning and breach is recorded once and each P0 breach escalates once
 *          (bench/sla/platform-run.ts). BENCH_SLA_PLATFORM_BACKDATED=1 backdates receipts up to 12 h, which
 *          shows breaches of clocks already overdue when the SLA projection first sees them going unrecorded
 *          (its scheduleTimers only keeps timers of RUNNING clocks).
 *     (b2) the TimerScheduler alone at BENCH_SLA_TIMER_SIZES (default 10000,100000) open clocks, one breach
 *          timer each, a handler appending one event per timer (BENCH_SLA_TIMER_PROJECTION=1 adds a projection
 *          the scheduler waits for) (bench/sla/timer-scaling.ts). The whole platform costs ~25-65 ms per fired
 *          timer on PGlite here (b1 prints it), so 100k clocks through it would take hours, not minutes.
 *     Targets: ms per fired timer at 100k within 2× of 10k; peak RSS ≤ 1 GB.
 * Figures move with machine load (the load average is printed); BENCH_SLA_DEBUG=1 dumps b1's streams.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Coverage, TicketEvent } from '#contracts';
import { slaStatus } from '#sla';
import { benchPolicy, random, ticketHistory } from './sla/histories.js';
import { platformRun, type PlatformRunResult } from './sla/platform-run.js';
import { maxRssMiB } from './sla/rss.js';
import { timerScaling, type TimerScalingResult } from './sla/timer-scaling.js';

const TICKETS = Number(process.env.BENCH_SLA_TICKETS ?? 20_000);
const PLATFORM_TICKETS = Number(process.env.BENCH_SLA_PLATFORM_TICKETS ?? 250);
const PLATFORM_BACKDATED = process.env.BENCH_SLA_PLATFORM_BACKDATED === '1';
const TIMER_PROJECTION = process.env.BENCH_SLA_TIMER_PROJECTION === '1';
const TIMER_SIZES = (process.env.BENCH_SLA_TIMER_SIZES ?? '10000,100000').split(',').map(Number);
const ENGINE_ROUNDS = 4;
const MAX_RATIO = 2;
const MAX_RSS_MIB = 1024;

const log = (message: string): void => void process.stderr.write(`[bench:sla] ${message}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

type Child = { kind: 'platform'; tickets: number; backdated: boolean } | { kind: 'timers'; clocks: number; projection: boolean };

// ---- (a) engine throughput -------------------------------------------------------------------------------

interface EngineRow {
  coverage: Coverage;
  tickets: number;
  events: number;
  ms: number;
  states: string;
}

/** One timed pass of slaStatus over every history at a late asOf. */
function engineThroughput(coverage: Coverage, histories: TicketEvent[][]): EngineRow {
  const policy = benchPolicy(coverage);
  const asOf = new Date('2026-04-20T00:00:00Z');
  const events = histories.reduce((sum, h) => sum + h.length, 0);
  (globalThis as { gc?: () => void }).gc?.();
  const tally = new Map<string, number>();
  const started = performance.now();
  for (const history of histories) {
    const status = slaStatus(history, policy, asOf);
    for (const clock of status.clocks) tally.set(clock.state, (tally.get(clock.state) ?? 0) + 1);
  }
  const ms = performance.now() - started;
  const states = [...tally].sort().map(([state, n]) => `${state} ${fmt(n)}`).join(', ');
  return { coverage, tickets: histories.length, events, ms, states };
}

/** Alternating rounds (the first warms up the JIT, the calendar's day cache and the holiday data); the best round per contract. */
function engineRounds(histories: TicketEvent[][], rounds = ENGINE_ROUNDS): EngineRow[] {
  const best = new Map<Coverage, EngineRow>();
  for (let round = 1; round <= rounds; round++) {
    for (const coverage of ['ALWAYS', 'BUSINESS_HOURS'] as const) {
      const row = engineThroughput(coverage, histories);
      log(`(a) round ${round}, ${coverage}: ${fmt(row.tickets / (row.ms / 1000))} tickets/s`);
      if (!best.has(coverage) || row.ms < best.get(coverage)!.ms) best.set(coverage, row);
    }
  }
  return [...best.values()];
}

// ---- (b) children ----------------------------------------------------------------------------------------

function runChild<T>(child: Child): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(child)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: T | null = null;
    proc.on('message', (message: { result?: T; error?: string }) => {
      if (message.error) reject(new Error(message.error));
      else result = message.result ?? null;
    });
    proc.on('error', reject);
    proc.on('exit', (code) => (result ? resolve(result) : reject(new Error(`child ${JSON.stringify(child)} exited with ${code} and no result`))));
  });
}

async function childMain(child: Child): Promise<void> {
  try {
    const result = child.kind === 'platform' ? await platformRun(child.tickets, child.backdated, log) : await timerScaling(child.clocks, child.projection, log);
    process.send!({ result });
  } catch (error) {
    process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  // PGlite and the platform may leave handles behind; the result is sent.
  setTimeout(() => process.exit(0), 100);
}

// ---- main ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`;
  log(machine);

  log(`(a) building ${fmt(TICKETS)} ticket histories`);
  const next = random(42);
  const histories = Array.from({ length: TICKETS }, (_, i) => ticketHistory(i, next));
  const engine = engineRounds(histories);
  const engineRss = maxRssMiB();

  log(`(b) whole platform, ${fmt(PLATFORM_TICKETS)} tickets`);
  const platform = PLATFORM_TICKETS > 0 ? await runChild<PlatformRunResult>({ kind: 'platform', tickets: PLATFORM_TICKETS, backdated: PLATFORM_BACKDATED }) : null;
  const timers: TimerScalingResult[] = [];
  for (const clocks of TIMER_SIZES) {
    log(`(b) timer scheduler, ${fmt(clocks)} open clocks`);
    timers.push(await runChild<TimerScalingResult>({ kind: 'timers', clocks, projection: TIMER_PROJECTION }));
  }

  const out: string[] = [];
  out.push(`## SLA bench — ${new Date().toISOString()}`, '', `Machine: ${machine}`, '');
  out.push(`### (a) slaStatus over replayed histories (late asOf, 10 events per ticket; best of ${ENGINE_ROUNDS} alternating rounds)`, '');
  out.push('| contract | tickets | events | total ms | tickets/s | events/s | µs/ticket | clock states |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of engine) {
    out.push(`| all ${r.coverage} | ${fmt(r.tickets)} | ${fmt(r.events)} | ${fmt(r.ms)} | ${fmt(r.tickets / (r.ms / 1000))} | ${fmt(r.events / (r.ms / 1000))} | ${fmt((r.ms * 1000) / r.tickets, 1)} | ${r.states} |`);
  }
  out.push('', `Peak RSS of the engine run: ${fmt(engineRss)} MiB.`, '');

  if (platform) {
    const p = platform;
    const ok = p.breaches === p.expectedBreaches && p.distinctBreaches === p.breaches && p.escalations === p.expectedEscalations;
    out.push(`### (b1) whole platform in process (PGlite in memory, manual clock), advance two days${p.backdated ? ' — receipts backdated up to 12 h' : ''}`, '');
    out.push('| tickets | seed + project s | timers fired (warnings + breaches) | advance s | ms / fired timer | breaches (expected) | distinct | warnings | escalations (expected) | peak RSS MiB | once each |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    out.push(
      `| ${fmt(p.tickets)} | ${fmt(p.seedMs / 1000, 1)} | ${fmt(p.fired)} | ${fmt(p.advanceMs / 1000, 1)} | ${fmt(p.msPerFire, 2)} | ${fmt(p.breaches)} (${fmt(p.expectedBreaches)}) | ${fmt(p.distinctBreaches)} | ${fmt(p.warnings)} | ${fmt(p.escalations)} (${fmt(p.expectedEscalations)}) | ${fmt(Math.max(p.peakRssMiB, p.maxRssMiB))} | ${ok ? 'yes' : '**NO**'} |`,
    );
    const perTicketS = (p.seedMs + p.advanceMs) / 1000 / p.tickets;
    out.push('', `At this rate 100,000 tickets through the whole platform would take ≈ ${fmt((perTicketS * 100_000) / 60)} min (seeding + firing), so (b2) measures the scheduler itself.`, '');
  }

  if (timers.length) {
    out.push(`### (b2) TimerScheduler alone (${process.env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'PGlite in memory'}): one breach timer per open clock, a handler appending one event${TIMER_PROJECTION ? ' and a projection recording it' : ''}, advance two days`, '');
    out.push('| open clocks | due in 2 days | fired | breach events (distinct) | advance s | ms / fired timer | middle 80 % | each tenth of the run, ms / fire | peak RSS MiB | once each |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |');
    for (const t of timers) {
      const ok = t.fired === t.due && t.breachEvents === t.due && t.distinctBreaches === t.due && (t.projectedRows < 0 || t.projectedRows === t.due);
      out.push(
        `| ${fmt(t.clocks)} | ${fmt(t.due)} | ${fmt(t.fired)} | ${fmt(t.breachEvents)} (${fmt(t.distinctBreaches)}) | ${fmt(t.advanceMs / 1000, 1)} | ${fmt(t.msPerFire, 2)} | ${fmt(t.steadyMsPerFire, 2)} | ${t.tenthsMsPerFire.map((ms) => fmt(ms, 1)).join(' · ')} | ${fmt(Math.max(t.peakRssMiB, t.maxRssMiB))} | ${ok ? 'yes' : '**NO**'} |`,
      );
    }
    const small = timers[0]!;
    const large = timers.at(-1)!;
    if (timers.length > 1) {
      const ratio = large.msPerFire / small.msPerFire;
      const steadyRatio = large.steadyMsPerFire / small.steadyMsPerFire;
      const peak = Math.max(...timers.map((t) => Math.max(t.peakRssMiB, t.maxRssMiB)));
      out.push(
        '',
        `Per fired timer, ${fmt(large.clocks)} vs ${fmt(small.clocks)} open clocks: ${fmt(ratio, 2)}× overall, ${fmt(steadyRatio, 2)}× over the middle 80 % ` +
          `(target ≤ ${MAX_RATIO}×: ${Math.max(ratio, steadyRatio) <= MAX_RATIO ? 'met' : '**not met**'}); ` +
          `peak RSS ${fmt(peak)} MiB (target ≤ ${MAX_RSS_MIB} MiB: ${peak <= MAX_RSS_MIB ? 'met' : '**not met**'}).`,
      );
    }
  }
  if (timers.length) {
    const big = timers.at(-1)!;
    out.push(
      '',
      `After the run, finding the next timer reads ${fmt(big.nextTimerBuffers)} index/heap pages (dead entries of fired timers at the head of timers_due; PGlite runs no autovacuum); after VACUUM ${fmt(big.nextTimerBuffersAfterVacuum)}.`,
      '',
      `Memory at ${fmt(big.clocks)} clocks: JS heap ${fmt(big.heapUsedMiB)} MiB, ArrayBuffers ${fmt(big.arrayBuffersMiB)} MiB, database ${fmt(big.databaseMiB)} MiB, WAL ${fmt(big.walMiB)} MiB (max_wal_size ${big.maxWalSize})${process.env.DATABASE_URL ? ' (PostgreSQL runs in its own processes: not in this RSS)' : '; an empty in-memory PGlite alone is ≈ 740 MiB RSS here'}.`,
    );
  }
  out.push('', `Whole bench: ${fmt((performance.now() - began) / 1000, 0)} s; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) void childMain(JSON.parse(process.argv[childArg + 1]!) as Child);
else
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
