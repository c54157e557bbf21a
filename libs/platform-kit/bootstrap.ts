import 'reflect-metadata';
import type { IncomingMessage, Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Module, type Type } from '@nestjs/common';
import type { LedgerdeskConfig } from './config/config.js';
import { createLogger, NestPinoLogger, type Logger } from './logging/logger.js';
import type { InfrastructureOptions } from './infrastructure.js';
import { authenticate, CSRF_PREFLIGHT_HEADERS, PlatformKitModule } from './platform-kit.module.js';
import { Credentials } from './auth/credentials.js';
import { drainAndClose, InFlightRequests } from './http/graceful-shutdown.js';
import { rateLimitMiddleware } from './http/rate-limit.js';
import { Metrics } from './metrics/metrics.js';
import { explorerMiddleware } from './graphql/explorer.js';
import { documentLimitsMiddleware } from './graphql/document-limits.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** A raw e-mail (message/rfc822) posted to the e-mail channel, attachments included. */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;
/** Paths whose JSON body is also kept as bytes on `req.rawBody` (webhooks verify a signature over them). */
export const RAW_BODY_PATH_PREFIX = '/channels/';

/** `POST /attachments` reads its body itself, as a stream. */
export const ATTACHMENTS_PATH = '/attachments';
type CorsOptions = Exclude<Parameters<NestExpressApplication['enableCors']>[0], undefined | ((...args: never[]) => unknown)>;

const pathOf = (req: IncomingMessage) => (req.url ?? '').split('?')[0]!;

export interface LedgerdeskApp {
  app: NestExpressApplication;
  logger: Logger;
  /** The port it listens on (useful with PORT=0 in tests). */
  port: number;
  close(): Promise<void>;
  /**
   * The graceful stop of a signal: no new connections, requests in flight finish (at most
   * `config.shutdownTimeoutMs`), then Nest's shutdown hooks run. Resolves how many requests had to be cut.
   */
  shutdown(): Promise<{ cut: number }>;
}

/**
 * Only the listed origins get `Access-Control-Allow-Origin`; bearer tokens travel in `Authorization`, never
 * in cookies, so credentials mode stays off. Preflights are cached for 10 minutes.
 */
export function corsOptions(origins: string[]): CorsOptions {
  return {
    origin: origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['authorization', 'content-type', ...CSRF_PREFLIGHT_HEADERS.filter((header) => header !== 'authorization')],
    maxAge: 600,
  };
}

/** Boots the platform kit with the given context modules and listens on `config.port`. */
export async function startLedgerdesk(
  name: string,
  contexts: Type[],
  config: LedgerdeskConfig,
  logger: Logger = createLogger(config.logLevel),
  options: InfrastructureOptions & { subgraph?: boolean; platformOperations?: boolean } = {},
): Promise<LedgerdeskApp> {
  @Module({ imports: [PlatformKitModule.forRoot({ config, logger, ...options }), ...contexts] })
  class RootModule {}
  Object.defineProperty(RootModule, 'name', { value: `${name}RootModule` });

  const app = await NestFactory.create<NestExpressApplication>(RootModule, {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
    bufferLogs: false,
    abortOnError: false,
  });
  // Timed from arrival, so that refusals (429, 413) are measured too.
  app.use(app.get(Metrics).httpMiddleware());
  // Then CORS, so that every answer (a 429 included) carries the headers a browser needs to read it.
  if (config.corsOrigins.length) app.enableCors(corsOptions(config.corsOrigins));
  // Before every route (Apollo's included, registered at listen): a refused request reaches no handler.
  const credentials = app.get(Credentials);
  app.use(rateLimitMiddleware(config.rateLimits, (header) => authenticate(credentials, header)));
  // A browser opening /graphql gets the GraphiQL explorer (off in production); API clients go on to Apollo.
  if (config.graphiql) app.use(explorerMiddleware('/graphql'));
  app.useBodyParser('json', {
    limit: MAX_BODY_BYTES,
    // An upload is streamed to storage whatever its type (a .json log is a file, not a request body).
    type: (req: IncomingMessage) => pathOf(req) !== ATTACHMENTS_PATH && /^application\/json\s*(;|$)/i.test(String(req.headers['content-type'] ?? '')),
    verify: (req: IncomingMessage, _res: unknown, buffer: Buffer) => {
      if (pathOf(req).startsWith(RAW_BODY_PATH_PREFIX)) (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buffer;
    },
  });
  // Only the e-mail channel takes raw messages (and the larger limit); elsewhere the type stays unparsed.
  app.useBodyParser('raw', {
    limit: MAX_EMAIL_BYTES,
    type: (req: IncomingMessage) => pathOf(req) === '/channels/email' && /^message\/rfc822\s*(;|$)/i.test(String(req.headers['content-type'] ?? '')),
  });
  // A GraphQL document too large or too wide for graphql-js's validation to stay fast is refused before Apollo.
  app.use(documentLimitsMiddleware('/graphql'));
  // No enableShutdownHooks(): runApp owns SIGTERM/SIGINT, since Nest's hooks would close the databases
  // before the HTTP server stops, under the requests still in flight.
  const server = app.getHttpServer() as Server;
  const inFlight = new InFlightRequests(server);
  await app.listen(config.port, '0.0.0.0');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    app,
    logger,
    port,
    close: () => app.close(),
    shutdown: () => drainAndClose(server, inFlight, config.shutdownTimeoutMs, () => app.close()),
  };
}
