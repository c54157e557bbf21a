import { parseArgs } from 'node:util';
import type { Role } from '#event-store';
import { ConfigError, loadConfig } from '../config/config.js';
import { ROLES } from './principal.js';
import { jwtSecretDirectory, readJwtSecret, TokenService } from './token.service.js';

export const MINT_TOKEN_USAGE = `usage: npm run token -- [--role ADMIN|ENGINEER|TAM|AUDITOR|CUSTOMER] [--sub <id>] [--account <accountId>] [--ttl 12h]
  Mints a token the server accepts: signed with LEDGERDESK_JWT_SECRET, or with the secret the server
  generated in its data directory (LEDGERDESK_DATA_DIR; memory:// keeps it in ./.ledgerdesk-memory).
  Run it with the server's environment; it never generates a secret of its own.`;

export interface CommandOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run token`: what it prints and its exit code, for the given arguments and environment. */
export async function mintTokenCommand(args: string[], env: NodeJS.ProcessEnv): Promise<CommandOutcome> {
  const fail = (message: string): CommandOutcome => ({ code: 1, stdout: '', stderr: `token: ${message}\n` });
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        role: { type: 'string', default: 'ADMIN' },
        sub: { type: 'string' },
        account: { type: 'string' },
        ttl: { type: 'string', default: '12h' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { ...fail((error as Error).message), stderr: `token: ${(error as Error).message}\n${MINT_TOKEN_USAGE}\n` };
  }
  if (values.help) return { code: 0, stdout: `${MINT_TOKEN_USAGE}\n`, stderr: '' };
  const role = String(values.role).toUpperCase() as Role;
  if (!ROLES.includes(role)) return fail(`--role must be one of ${ROLES.join(', ')}`);
  if (role === 'CUSTOMER' && !values.account) return fail('a CUSTOMER token needs --account <accountId>');
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(`invalid configuration: ${error.message}`);
    throw error;
  }
  const secret = readJwtSecret(config.jwtSecret, config.dataDir);
  if (!secret) {
    return fail(
      `no secret to sign with: LEDGERDESK_JWT_SECRET is unset and ${jwtSecretDirectory(config.dataDir)} holds no jwt-secret. ` +
        'Start the server once (it generates one there), or run this with the same LEDGERDESK_DATA_DIR or LEDGERDESK_JWT_SECRET as the server.',
    );
  }
  let token: string;
  try {
    const tokens = new TokenService(secret, { maxLifetimeSeconds: config.tokenMaxLifetimeSeconds });
    token = await tokens.sign({ id: values.sub ?? role.toLowerCase(), role, accountId: values.account ?? null }, values.ttl);
  } catch (error) {
    return fail(`--ttl: ${(error as Error).message}`);
  }
  try {
    // The platform's own rules (e.g. a --ttl beyond LEDGERDESK_TOKEN_MAX_LIFETIME) refuse it here, not at first use.
    await new TokenService(secret, { maxLifetimeSeconds: config.tokenMaxLifetimeSeconds }).verify(token);
  } catch (error) {
    return fail((error as Error).message);
  }
  return { code: 0, stdout: `${token}\n`, stderr: '' };
}
