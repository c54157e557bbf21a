import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, resolveJwtSecret, ROLES, TokenService } from '#platform-kit';
import type { Role } from '#event-store';

// Mints a token signed with the platform's secret (LEDGERDESK_JWT_SECRET, or the one kept in the data directory).
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'ADMIN' },
    sub: { type: 'string' },
    account: { type: 'string' },
    ttl: { type: 'string', default: '12h' },
  },
});

try {
  const role = String(values.role).toUpperCase() as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  if (role === 'CUSTOMER' && !values.account) throw new Error('a CUSTOMER token needs --account <accountId>');
  const config = loadConfig();
  const { secret } = resolveJwtSecret(config.jwtSecret, config.dataDir);
  const tokens = new TokenService(secret, { maxLifetimeSeconds: config.tokenMaxLifetimeSeconds });
  const token = await tokens.sign({ id: values.sub ?? role.toLowerCase(), role, accountId: values.account ?? null }, values.ttl);
  // The platform's own rules (e.g. a --ttl beyond LEDGERDESK_TOKEN_MAX_LIFETIME) refuse it here, not at first use.
  await tokens.verify(token);
  process.stdout.write(`${token}\n`);
} catch (error) {
  const message = error instanceof ConfigError ? `invalid configuration: ${error.message}` : (error as Error).message;
  process.stderr.write(`token: ${message}\n`);
  process.exit(1);
}
