import { ConfigError, loadConfig, openInfrastructure, SystemClock } from '#platform-kit';
import { checkSlaConsistency } from '#sla';

// `ledgerdesk <command>`: operations against the configured store (same environment as the platform).
const USAGE = `usage: ledgerdesk sla check     compare the SLA read model with the log (exit 1 on any mismatch)`;

async function main(args: string[]): Promise<number> {
  const [area, command] = args;
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
