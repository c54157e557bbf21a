import { ConfigError, createLogger, loadConfig, loadDotEnv } from '#platform-kit';
import { startGateway } from './gateway.js';

// The federated graph's one endpoint (GraphQL Hive Gateway): composes LEDGERDESK_SUBGRAPHS at start and serves
// it on PORT. Stops on SIGTERM/SIGINT; exits 1 with one line when the configuration is invalid, a subgraph does
// not answer in time, or the subgraphs do not compose.
let config;
try {
  loadDotEnv();
  config = loadConfig();
  if (!config.subgraphs.length) throw new ConfigError('LEDGERDESK_SUBGRAPHS', 'is required by the gateway (name=url pairs, e.g. platform=http://localhost:4001/graphql)');
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`ledgerdesk gateway: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
const logger = createLogger(config.logLevel);
try {
  const gateway = await startGateway({ subgraphs: config.subgraphs, port: config.port, logger, corsOrigins: config.corsOrigins, maxQueryCost: config.maxQueryCost });
  logger.info({ port: gateway.port, subgraphs: config.subgraphs }, `gateway listening on http://localhost:${gateway.port}/graphql`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'gateway shutting down');
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 5_000).unref();
    gateway.close(config.shutdownTimeoutMs).then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'gateway shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'gateway start-up failed');
  process.stderr.write(`ledgerdesk gateway: start-up failed: ${(error as Error).message}\n`);
  process.exit(1);
}
