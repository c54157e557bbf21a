import { ConfigError, loadConfig, loadDotEnv, openInfrastructure, SystemClock } from '#platform-kit';
import { readFileSync } from 'node:fs';
import { checkAttachmentFiles, checkEvidenceBundle, checkStatementBundle, type EvidenceBundle } from '#audit';
import { STATEMENT_BUNDLE_FORMAT, type StatementBundle } from '#sla';
import { checkSlaConsistency } from '#sla';
import { ProjectionRunner } from '#projections';
import { setupTimers } from '#platform-kit';
import { PLATFORM_PROJECTIONS } from '../apps/platform/platform.projections.js';

// `ledgerdesk <command>`: operations against the configured store (same environment as the platform).
const USAGE = `usage:
  ledgerdesk verify <bundle.json> [--attachments DIR]
                                    check an evidence bundle offline: hash chains and re-derived SLA verdicts;
                                    with --attachments, the files in DIR (named by SHA-256, id or file name);
                                    a statement's bundle (GET /reports/statements/...?format=json): its figures
                                    re-derived from the events
  ledgerdesk sla check              compare the SLA read model with the log (exit 1 on any mismatch)
  ledgerdesk projections rebuild <name>|--all
                                    drop read models and replay them from the log (stop the platform first)`;

async function main(args: string[]): Promise<number> {
  const [area, command] = args;
  if (area === 'verify' && command) {
    // Nothing but the bundle: no configuration, no database, no server.
    const bundle = JSON.parse(readFileSync(command, 'utf8')) as EvidenceBundle;
    // A monthly statement's bundle is a kind of its own (libs/audit/application/statement-bundle.ts).
    const statement = (bundle as { format?: string }).format === STATEMENT_BUNDLE_FORMAT;
    const result = statement ? checkStatementBundle(bundle as unknown as StatementBundle) : checkEvidenceBundle(bundle);
    const flag = args.indexOf('--attachments');
    if (flag > 0 && !args[flag + 1]) throw new Error('--attachments needs a directory');
    const files = flag > 0 ? await checkAttachmentFiles(bundle, args[flag + 1]!) : { ok: true, lines: [] };
    for (const line of [...result.lines, ...files.lines]) process.stdout.write(`${line}\n`);
    const ok = result.ok && files.ok;
    process.stdout.write(ok ? 'The bundle holds.\n' : 'The bundle does NOT hold.\n');
    return ok ? 0 : 1;
  }
  if (area === 'projections' && command === 'rebuild' && args[2]) {
    const names = args[2] === '--all' ? PLATFORM_PROJECTIONS.map((p) => p.name) : [args[2]];
    const unknown = names.filter((name) => !PLATFORM_PROJECTIONS.some((p) => p.name === name));
    if (unknown.length) throw new Error(`no projection named ${unknown.join(', ')}; known: ${PLATFORM_PROJECTIONS.map((p) => p.name).join(', ')}`);
    const infrastructure = await openInfrastructure(loadConfig(), new SystemClock());
    const runner = new ProjectionRunner(infrastructure.store, infrastructure.readDb, PLATFORM_PROJECTIONS, { waitTimeoutMs: 24 * 3_600_000 });
    try {
      await setupTimers(infrastructure.readDb);
      // Tables only: nothing follows the log while it is replayed (the platform is stopped).
      await runner.setup();
      // One pass over the log for all of them: each page is read once and applied to every projection.
      const started = Date.now();
      const label = names.length === 1 ? names[0]! : `${names.length} projections`;
      const events = () => Math.min(...names.map((name) => runner.progress()[name] ?? 0));
      const ticker = setInterval(() => report(label, events(), started, false), 500);
      let result;
      try {
        result = await runner.rebuildAll(names);
      } finally {
        clearInterval(ticker);
      }
      report(label, result.events, started, true);
      if (names.length > 1) {
        for (const [name, entry] of Object.entries(result.projections)) {
          process.stdout.write(`  ${name}: ${entry.handled.toLocaleString('en-US')} events applied, ${(entry.busyMs / 1000).toFixed(1)} s in its transactions\n`);
        }
      }
      return 0;
    } finally {
      await runner.stop();
      await infrastructure.close();
    }
  }
  if (area === 'sla' && command === 'check') {
    const infrastructure = await openInfrastructure(loadConfig(), new SystemClock());
    try {
      const { checked, mismatches } = await checkSlaConsistency(infrastructure.store, infrastructure.readDb);
      for (const mismatch of mismatches) process.stdout.write(`MISMATCH ticket ${mismatch.ticketId}: ${mismatch.problem}\n`);
      process.stdout.write(`${checked} tickets checked, ${mismatches.length} mismatches\n`);
      return mismatches.length === 0 ? 0 : 1;
    } finally {
      await infrastructure.close();
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

/** One progress line, rewritten in place on a terminal. */
function report(name: string, events: number, started: number, done: boolean): void {
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  const line = `${name}: ${events.toLocaleString('en-US')} events read, ${Math.round(events / seconds).toLocaleString('en-US')} events/s${done ? ` — rebuilt in ${seconds.toFixed(1)} s` : ''}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${done ? '\n' : ''}`);
  else if (done) process.stdout.write(`${line}\n`);
}

loadDotEnv();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    const message = error instanceof ConfigError ? `invalid configuration: ${error.message}` : (error as Error).message;
    process.stderr.write(`ledgerdesk: ${message}\n`);
    process.exit(1);
  },
);
