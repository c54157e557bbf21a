import { ConfigError, loadConfig, openInfrastructure, SystemClock } from '#platform-kit';
import { readFileSync } from 'node:fs';
import { checkEvidenceBundle, type EvidenceBundle } from '#audit';
import { checkSlaConsistency } from '#sla';

// `ledgerdesk <command>`: operations against the configured store (same environment as the platform).
const USAGE = `usage:
  ledgerdesk verify <bundle.json>   check an evidence bundle offline: hash chains and re-derived SLA verdicts
  ledgerdesk sla check              compare the SLA read model with the log (exit 1 on any mismatch)`;

async function main(args: string[]): Promise<number> {
  const [area, command] = args;
  if (area === 'verify' && command) {
    // Nothing but the bundle: no configuration, no database, no server.
    const result = checkEvidenceBundle(JSON.parse(readFileSync(command, 'utf8')) as EvidenceBundle);
    for (const line of result.lines) process.stdout.write(`${line}\n`);
    process.stdout.write(result.ok ? 'The bundle holds.\n' : 'The bundle does NOT hold.\n');
    return result.ok ? 0 : 1;
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    const message = error instanceof ConfigError ? `invalid configuration: ${error.message}` : (error as Error).message;
    process.stderr.write(`ledgerdesk: ${message}\n`);
    process.exit(1);
  },
);
