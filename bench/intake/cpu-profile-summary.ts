/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by area (the package or the repo folder a
 * function lives in) and the heaviest functions, as markdown tables.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/intake-prof dist/bench/intake.bench.js
 *   node dist/bench/intake/cpu-profile-summary.js /tmp/intake-prof/<main thread>.cpuprofile [from-s to-s]
 *
 * The optional window (seconds since the profile started) limits it to the measured part of the run.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, fromArg, toArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [from-ms to-ms]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// timeDeltas are in microseconds.
const from = fromArg ? Number(fromArg) * 1_000_000 : 0;
const to = toArg ? Number(toArg) * 1_000_000 : Infinity;

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native / V8 builtins)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  const repo = /\/dist\/(libs\/[^/]+|apps\/[^/]+|bench)/.exec(url);
  if (repo) return repo[1]!;
  return url;
}

const selfByArea = new Map<string, number>();
const selfByFunction = new Map<string, number>();
let total = 0;
let elapsed = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsed += delta;
  if (elapsed < from || elapsed > to) continue;
  const node = byId.get(profile.samples[i]!)!;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') continue;
  total += delta;
  const a = area(url, functionName);
  selfByArea.set(a, (selfByArea.get(a) ?? 0) + delta);
  const f = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : ''}`;
  selfByFunction.set(f, (selfByFunction.get(f) ?? 0) + delta);
}

const pct = (us: number) => ((100 * us) / total).toFixed(1);
console.log(`busy (non-idle) samples: ${(total / 1000).toFixed(0)} ms\n`);
console.log('| area | self ms | % of busy |\n|---|--:|--:|');
for (const [a, us] of [...selfByArea.entries()].sort(([, x], [, y]) => y - x).slice(0, 25)) console.log(`| ${a} | ${(us / 1000).toFixed(0)} | ${pct(us)} |`);
console.log('\n| function | self ms | % of busy |\n|---|--:|--:|');
for (const [f, us] of [...selfByFunction.entries()].sort(([, x], [, y]) => y - x).slice(0, 30)) console.log(`| ${f.replaceAll('|', '/')} | ${(us / 1000).toFixed(0)} | ${pct(us)} |`);
