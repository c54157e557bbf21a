/**
 * How long the event loop is held before a hostile input is refused (or accepted): docs/hardening.md.
 *
 * GraphQL: the worst documents within the body limit, each put through what runs before any resolver — parse
 * (token bound), the shape check, graphql-js's rules plus the depth rule, the cost — on the schema in
 * schema.graphql. Recurrence rules: `parseRecurrence` for the issue's rules, and the main thread's longest stall
 * while a never-meeting rule is searched in its worker (stopped after its budget). Text: the storable-text check
 * over a 1 MB string. Each figure is the median and the worst of RUNS runs; target: under 10 ms each.
 *
 *   npm run bench:hardening
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildSchema, Kind, parse, specifiedRules, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { depthLimitRule } from '../libs/platform-kit/graphql/depth-limit.rule.js';
import { documentShapeError, MAX_QUERY_TOKENS } from '../libs/platform-kit/graphql/document-limits.js';
import { queryCost } from '../libs/platform-kit/graphql/query-cost.js';
import { parseRecurrence } from '../libs/health-checks/domain/recurrence.js';
import { nextOccurrenceWithin } from '../libs/health-checks/application/bounded-occurrence.js';
import { unstorableTextPath } from '../libs/event-store/text-safety.js';

const RUNS = Number(process.env['RUNS'] ?? 21);
const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const rules = [...specifiedRules, depthLimitRule(10)];

/** What the HTTP pipeline does before execution; returns the refusal's code, or "accepted". */
function preExecution(query: string, limits: boolean): string {
  let document;
  try {
    document = parse(query, limits ? { maxTokens: MAX_QUERY_TOKENS } : {});
  } catch {
    return 'GRAPHQL_PARSE_FAILED';
  }
  if (limits && documentShapeError(document)) return 'BAD_USER_INPUT (shape)';
  const errors = validate(schema, document, rules);
  if (errors.length > 0) return `GRAPHQL_VALIDATION_FAILED (${String(errors[0]!.extensions['code'] ?? errors.length)})`;
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  return queryCost(schema, operation, fragments, {}) > 10_000 ? 'BAD_USER_INPUT (cost)' : 'accepted';
}

/** Wall time (what the event loop waits) and the process's CPU time (the work itself, whatever the load). */
function timed(run: () => string, runs = RUNS): { outcome: string; median: number; worst: number; cpu: number } {
  const times: number[] = [];
  const cpu: number[] = [];
  let outcome = '';
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    outcome = run();
    const cpuUsed = process.cpuUsage(cpuStart);
    times.push(performance.now() - start);
    cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { outcome, median: times[Math.floor(times.length / 2)]!, worst: times[times.length - 1]!, cpu: cpu[Math.floor(cpu.length / 2)]! };
}
const figure = (t: { median: number; worst: number; cpu: number }) => `${t.median.toFixed(2)} / ${t.worst.toFixed(2)} / ${t.cpu.toFixed(2)}`;

const BODY = 1024 * 1024;
const fill = (bytes: number, unit: (i: number) => string) => {
  const parts: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const part = unit(i);
    parts.push(part);
    size += part.length + 1;
  }
  return parts.join(' ');
};
const doubling = (levels: number) => {
  const fragments = ['fragment F0 on Query { now }'];
  for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return `query { ...F${levels} } ${fragments.join(' ')}`;
};
const nested = 'tickets(first: 200) { edges { node { account { tickets(first: 200) { edges { node { id } } } } } } }';

/** Each shape at the size that hurts most: the body limit (refused by tokens) and just within the token bound. */
const documents: [string, (bytes: number) => string][] = [
  ['one field repeated', (bytes) => `{ ${fill(bytes, () => 'now')} }`],
  ['one alias, two fields', (bytes) => `{ ${fill(bytes, (i) => (i % 2 ? 'a: now' : 'a: __typename'))} }`],
  ['one field with a subselection, repeated', (bytes) => `{ ${fill(bytes, () => 'tickets { totalCount }')} }`],
  ['distinct aliases', (bytes) => `{ ${fill(bytes, (i) => `a${i}: now`)} }`],
  ['one fragment spread many times', (bytes) => `{ ${fill(bytes, () => '...F')} } fragment F on Query { now }`],
  ['many fragments spread', (bytes) => `{ ${fill(bytes / 2, (i) => `...G${i}`)} } ${fill(bytes / 2, (i) => `fragment G${i} on Query { a: now }`)}`],
  ['many operations', (bytes) => fill(bytes, (i) => `query Q${i} { now }`)],
  ['many unused variables', (bytes) => `query(${fill(bytes, (i) => `$v${i}: Int`)}) { now }`],
  ['repeated directives', (bytes) => `{ now ${fill(bytes, () => '@include(if: true)')} }`],
  ['nested aliases (cost)', (bytes) => `{ ${fill(bytes, (i) => `a${i}: ${nested}`)} }`],
];

console.log(`RUNS=${RUNS}; token bound ${MAX_QUERY_TOKENS}; ms = wall median / wall worst / CPU median`);
console.log('\nGraphQL document                          | bytes     | without the bounds (5 runs)            | with them');
for (const [label, make] of documents) {
  // Largest within the token bound: halve the size until parsing accepts it, then grow back by tenths.
  let bytes = BODY;
  while (bytes > 64 && preExecution(make(bytes), true) === 'GRAPHQL_PARSE_FAILED') bytes = Math.floor(bytes / 2);
  while (preExecution(make(Math.floor(bytes * 1.1)), true) !== 'GRAPHQL_PARSE_FAILED' && bytes < BODY) bytes = Math.floor(bytes * 1.1);
  for (const size of [BODY, bytes]) row(label, make(size), size < BODY);
}
for (const levels of [20, 40]) row(`fragment doubling, ${levels} levels`, doubling(levels), true);

function row(label: string, query: string, compare: boolean): void {
  const before = compare ? figure(timed(() => preExecution(query, false), 5)) : 'not run (seconds)';
  const now = timed(() => preExecution(query, true));
  console.log(`${label.padEnd(41)} | ${String(query.length).padStart(9)} | ${before.padEnd(38)} | ${figure(now)} ${now.outcome}`);
}

console.log('\nRecurrence rule (parseRecurrence)                         | ms                  | outcome');
const START = new Date('2026-03-03T02:00:00Z');
const longRule = `FREQ=MONTHLY;BYMONTHDAY=${Array.from({ length: 100_000 }, (_, i) => (i % 28) + 1).join(',')}`;
for (const rule of ['FREQ=DAILY;INTERVAL=-1', 'FREQ=DAILY;INTERVAL=0', 'FREQ=MONTHLY;COUNT=0', 'FREQ=MONTHLY;COUNT=-5', 'FREQ=MONTHLY;UNTIL=20250101T000000Z', 'FREQ=DAILY;BYHOUR=9,17', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', longRule]) {
  const result = timed(() => {
    try {
      parseRecurrence(rule, START);
      return 'accepted';
    } catch (error) {
      return String((error as { code?: string }).code ?? (error as Error).message);
    }
  });
  console.log(`${(rule.length > 55 ? `${rule.slice(0, 40)}… (${rule.length} chars)` : rule).padEnd(57)} | ${figure(result).padEnd(19)} | ${result.outcome}`);
}

// The stall is compared with an idle loop's over as long: on a loaded machine both include being descheduled.
const idle = monitorEventLoopDelay({ resolution: 1 });
idle.enable();
await new Promise((resolve) => setTimeout(resolve, 2000));
idle.disable();
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const searchStart = performance.now();
const search = await nextOccurrenceWithin('FREQ=DAILY;INTERVAL=7;BYDAY=MO', new Date('2026-03-03T02:00:00Z'), new Date('2026-03-03T02:00:00Z'), 'UTC', 2000).then(
  () => 'found',
  (error: Error) => error.constructor.name,
);
histogram.disable();
console.log(`never-meeting rule searched in its worker: ${search} after ${(performance.now() - searchStart).toFixed(0)} ms; main thread's longest stall ${(histogram.max / 1e6).toFixed(1)} ms (idle loop over 2 s: ${(idle.max / 1e6).toFixed(1)} ms)`);

const text = 'x'.repeat(BODY - 1) + '\u0000';
const textCheck = timed(() => unstorableTextPath({ body: text }) ?? 'storable');
console.log(`\nstorable-text check of a 1 MB string ending in NUL: ${figure(textCheck)} ms (${textCheck.outcome})`);
