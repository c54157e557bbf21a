/**
 * 1,000,000 addBusinessMinutes calls: random starts in 2026, n up to 30 working days of minutes,
 * half on a 5x8 Shanghai calendar (CN holidays, lunch break), half on 09–17 New York (US holidays).
 * Target: under 5 s in total on the 2-core dev machine, cold caches included.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/calendar.bench.js
 */
import { createCalendar, type BusinessCalendar, type CalendarDefinition } from '../libs/calendar/index.js';

const CALLS = 1_000_000;
const BUSINESS_MINUTES_PER_DAY = 8 * 60;
const MAX_N = 30 * BUSINESS_MINUTES_PER_DAY;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_MS = 365 * 86_400_000;

const weekdays = [1, 2, 3, 4, 5];
const shanghai: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  weeklyHours: weekdays.flatMap((weekday) => [
    { weekday, start: '09:00', end: '12:00' },
    { weekday, start: '13:00', end: '18:00' },
  ]),
  holidayRegion: 'CN',
};
const newYork: CalendarDefinition = {
  timeZone: 'America/New_York',
  weeklyHours: weekdays.map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
  holidayRegion: 'US',
};

/** mulberry32: a seeded generator, so every run measures the same inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Row {
  name: string;
  calls: number;
  ms: number;
}

function run(name: string, calendar: BusinessCalendar, calls: number, seed: number): Row {
  const next = random(seed);
  const starts = Array.from({ length: calls }, () => new Date(YEAR_START + Math.floor(next() * YEAR_MS)));
  const minutes = Array.from({ length: calls }, () => Math.floor(next() * (MAX_N + 1)));
  let checksum = 0;
  const began = performance.now();
  for (let i = 0; i < calls; i++) checksum += calendar.addBusinessMinutes(starts[i]!, minutes[i]!).getTime() % 1000;
  const ms = performance.now() - began;
  // Spot-check the results so the loop cannot be optimised away and a fast wrong answer cannot pass.
  for (let i = 0; i < calls; i += 9973) {
    const end = calendar.addBusinessMinutes(starts[i]!, minutes[i]!);
    if (calendar.businessMinutesBetween(starts[i]!, end) !== minutes[i]) throw new Error(`${name}: wrong result for call ${i}`);
  }
  if (Number.isNaN(checksum)) throw new Error('unreachable');
  return { name, calls, ms };
}

const rows = [
  run('Asia/Shanghai 5x8, CN', createCalendar(shanghai), CALLS / 2, 1),
  run('America/New_York 09-17, US', createCalendar(newYork), CALLS / 2, 2),
];
rows.push({ name: 'total', calls: rows.reduce((s, r) => s + r.calls, 0), ms: rows.reduce((s, r) => s + r.ms, 0) });

const peakRssMiB = process.resourceUsage().maxRSS / 1024;
const table = [
  ['calendar', 'calls', 'total ms', 'calls/s', 'ns/call'],
  ...rows.map((r) => [
    r.name,
    r.calls.toLocaleString('en-US'),
    r.ms.toFixed(0),
    Math.round(r.calls / (r.ms / 1000)).toLocaleString('en-US'),
    Math.round((r.ms * 1e6) / r.calls).toLocaleString('en-US'),
  ]),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
console.log(`peak RSS: ${peakRssMiB.toFixed(1)} MiB`);
const total = rows[rows.length - 1]!;
console.log(total.ms < 5000 ? `PASS: ${CALLS.toLocaleString('en-US')} calls in ${total.ms.toFixed(0)} ms (< 5000 ms)` : `FAIL: ${total.ms.toFixed(0)} ms >= 5000 ms`);
process.exitCode = total.ms < 5000 ? 0 : 1;
