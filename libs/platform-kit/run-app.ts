import type { Type } from '@nestjs/common';
import { TokenService } from './auth/token.service.js';
import { startLedgerdesk } from './bootstrap.js';
import { ConfigError, loadConfig, loadDotEnv, prepareDataDirectory } from './config/config.js';
import { createLogger } from './logging/logger.js';

/** How long the shutdown hooks (projections, subscriptions, databases) may take after the drain. */
const SHUTDOWN_HOOKS_GRACE_MS = 10_000;

/**
 * The `main` of every app: configuration (one clear line and exit 1 when invalid), start, an ADMIN token
 * printed for the embedded default, and on SIGTERM/SIGINT a drain of the requests in flight, then a clean
 * close (PGlite must flush and unlock) and exit 0.
 */
/**
 * `subgraph`: serve a Federation 2 subgraph, as a context's own app behind the gateway does.
 * `platformOperations`: in a subgraph, also serve the per-process platform operations (one app owns them).
 */
export async function runApp(name: string, contexts: Type[], { subgraph = false, platformOperations }: { subgraph?: boolean; platformOperations?: boolean } = {}): Promise<void> {
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
    prepareDataDirectory(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ledgerdesk: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  try {
    const started = await startLedgerdesk(name, contexts, config, logger, { subgraph, platformOperations });
    const { app, port } = started;
    // As long-lived as the configured maximum allows (30 days by default).
    const lifetime = config.tokenMaxLifetimeSeconds;
    const token = await app.get(TokenService).sign({ id: 'admin', role: 'ADMIN', accountId: null }, `${lifetime}s`);
    logger.info({ port, store: config.eventStore, clock: config.clock }, `${name} listening on http://localhost:${port}/graphql`);
    if (!config.jwtSecret) {
      const days = Math.floor(lifetime / 86_400);
      const span = days >= 1 ? `${days} day${days === 1 ? '' : 's'}` : `${Math.floor(lifetime / 60)} minutes`;
      process.stdout.write(`\nADMIN token (${span}; mint more with \`npm run token -- --role ADMIN\`):\n${token}\n\n`);
      if (config.graphiql) process.stdout.write(`Explorer (GraphiQL, signed in as ADMIN): http://localhost:${port}/graphql#token=${token}\n\n`);
    }
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: draining requests in flight');
      // A backstop: should a shutdown hook hang, the process still ends (non-zero) instead of lingering.
      setTimeout(() => {
        logger.error({ signal }, 'shutdown did not finish in time');
        process.exit(1);
      }, config.shutdownTimeoutMs + SHUTDOWN_HOOKS_GRACE_MS).unref();
      started.shutdown().then(
        ({ cut }) => {
          if (cut) logger.warn({ cut }, 'requests still running at the shutdown bound were cut');
          logger.info({ signal }, 'shut down');
          process.exit(0);
        },
        (error) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    process.stderr.write(`ledgerdesk: start-up failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
