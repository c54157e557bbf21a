import { loadDotEnv, mintTokenCommand } from '#platform-kit';

// Mints a token signed with the platform's secret (LEDGERDESK_JWT_SECRET, or the one kept in the data directory).
loadDotEnv();
const outcome = await mintTokenCommand(process.argv.slice(2), process.env);
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
process.exitCode = outcome.code;
