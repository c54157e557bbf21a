import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { ApolloDriver, ApolloFederationDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import type { GraphQLError } from 'graphql';
import { AuthGuard } from './auth/auth.guard.js';
import { Credentials } from './auth/credentials.js';
import type { RequestContext } from './auth/roles.decorator.js';
import { IdentityProviderVerifier } from './auth/identity-provider.js';
import { resolveJwtSecret, TokenService } from './auth/token.service.js';
import { ManualClock, SystemClock, type Clock } from './clock/clock.js';
import type { LedgerdeskConfig } from './config/config.js';
import { depthLimitRule } from './graphql/depth-limit.rule.js';
import { MAX_QUERY_TOKENS, subscriptionDocumentErrors, subscriptionValidator } from './graphql/document-limits.js';
import { formatGraphqlError } from './graphql/format-error.js';
import { GraphqlRefusalFilter } from './graphql/graphql-refusal.filter.js';
import { queryCostPlugin } from './graphql/query-cost.js';
import { storableInputPlugin } from './graphql/storable-input.plugin.js';
import { httpSubscriptionRefusalPlugin } from './graphql/http-subscription.plugin.js';
import { closeAtExpiry, type ClosableSocket } from './graphql/subscription-expiry.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { Metrics } from './metrics/metrics.js';
import { openInfrastructure, type Infrastructure, type InfrastructureOptions } from './infrastructure.js';
import type { Logger } from './logging/logger.js';
import { CLOCK, CONFIG, EVENT_STORE, INFRASTRUCTURE, LOGGER, PlatformRuntime, READ_DB } from './runtime.js';
import { ClockResolver, TimeResolver } from './time/time.resolver.js';
import { setSubgraphMode, USED_STUBS } from './graphql/federation.js';
import { ReactorsResolver } from './reactors/reactors.resolver.js';
import { NodeRegistry, NodeResolver } from './graphql/node.js';

export const MAX_QUERY_DEPTH = 10;
/** Headers that only a preflighted (hence same-origin or CORS-allowed) request can carry. */
export const CSRF_PREFLIGHT_HEADERS = ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] as const;
/** The APQ cache's bound: about 8 MB of query text. */
export const APQ_CACHE_BYTES = 8 * 1024 * 1024;

export interface PlatformKitOptions extends InfrastructureOptions {
  config: LedgerdeskConfig;
  logger: Logger;
  /**
   * Serve an Apollo Federation 2 subgraph (`_service`, `_entities`, `@key` entities) instead of a plain schema:
   * what a context's own app does behind the gateway. The one-process platform serves the plain schema.
   */
  subgraph?: boolean;
  /**
   * Serve the per-process platform operations (`advanceClock`, `reactors`, `parkedEvents`, `retryParkedEvent`,
   * `parkedTimers`, `retryParkedTimer`). Always in the plain schema; in a split deployment one subgraph owns
   * them (apps/sla), since the gateway cannot ask several processes for one root field. `node`/`nodes` are
   * plain-schema only: no single subgraph can find every type.
   */
  platformOperations?: boolean;
}

export function createClock(config: LedgerdeskConfig): Clock {
  return config.clock === 'manual' ? new ManualClock(config.clockStart ?? new Date()) : new SystemClock();
}

/** What every app shares: configuration, clock, store, read models, auth, GraphQL, health. */
@Global()
@Module({})
export class PlatformKitModule {
  static forRoot({ config, logger, subgraph = false, platformOperations = !subgraph, ...infrastructureOptions }: PlatformKitOptions): DynamicModule {
    // Before any schema is built: other contexts' entities are key-only stubs in a subgraph.
    setSubgraphMode(subgraph);
    const clock = createClock(config);
    const identityProvider = config.identityProvider ? new IdentityProviderVerifier(config.identityProvider) : null;
    const tokens = new TokenService(
      resolveJwtSecret(config.jwtSecret, config.dataDir).secret,
      { maxLifetimeSeconds: config.tokenMaxLifetimeSeconds },
      identityProvider,
    );
    const credentials = new Credentials(tokens);
    const metrics = new Metrics();
    const graphqlLog = logger.child({ component: 'graphql' });
    const formatError = formatGraphqlError({
      internal: (error) => graphqlLog.error({ err: error }, 'unexpected error in a GraphQL operation'),
      clientMistake: (code, message) => graphqlLog.warn({ code }, message),
    });
    return {
      module: PlatformKitModule,
      imports: [
        CqrsModule.forRoot(),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: subgraph ? ApolloFederationDriver : ApolloDriver,
          path: '/graphql',
          autoSchemaFile: subgraph ? { federation: 2 } : true,
          ...(subgraph ? { buildSchemaOptions: { orphanedTypes: USED_STUBS } } : {}),
          sortSchema: true,
          graphiql: false,
          introspection: true,
          includeStacktraceInErrorResponses: false,
          // A bearer-only API cannot be forged cross-site: a browser sends `Authorization` only after a CORS
          // preflight, so it proves the request is not a simple one, like Apollo's own preflight headers do.
          // GET still runs queries only (Apollo answers a mutation over GET with 405).
          csrfPrevention: { requestHeaders: [...CSRF_PREFLIGHT_HEADERS] },
          // Automatic persisted queries, kept in a bounded in-memory LRU cache.
          persistedQueries: { cache: new InMemoryLRUCache<string>({ maxSize: APQ_CACHE_BYTES }) },
          // Linear bounds before graphql-js's rules (docs/hardening.md): the document's shape is checked before
          // Apollo by documentLimitsMiddleware (bootstrap), its tokens here.
          parseOptions: { maxTokens: MAX_QUERY_TOKENS },
          validationRules: [depthLimitRule(MAX_QUERY_DEPTH)],
          // A subgraph would otherwise add Apollo's inline traces (resolver timings) to every answer.
          plugins: [...(subgraph ? [ApolloServerPluginInlineTraceDisabled()] : []), httpSubscriptionRefusalPlugin(), storableInputPlugin(), queryCostPlugin(config.maxQueryCost), metrics.graphqlPlugin()],
          formatError,
          subscriptions: {
            'graphql-ws': {
              path: '/graphql',
              // The token travels in connection_init's payload; the principal is kept on the socket's `extra`.
              onConnect: async (context) => {
                const header = context.connectionParams?.['authorization'] ?? context.connectionParams?.['Authorization'];
                if (header === undefined || header === null || header === '') return false;
                const authenticated = await credentials.authenticate(header).catch(() => null);
                if (!authenticated) return false;
                const extra = context.extra as { socket: ClosableSocket; ledgerdesk?: RequestContext };
                extra.ledgerdesk = { principal: authenticated.principal, authError: null };
                // A token is judged once, here: the socket must not outlive it.
                if (authenticated.expiresAtMs !== null) closeAtExpiry(extra.socket, authenticated.expiresAtMs);
                return true;
              },
              // graphql-ws parses and validates by itself: the same bounds and rules as over HTTP.
              onSubscribe: (_context, _id, payload) => subscriptionDocumentErrors(payload.query) ?? undefined,
              // (`validate` is graphql-ws's own option; Nest passes the config through but does not type it.)
              ...{ validate: subscriptionValidator([depthLimitRule(MAX_QUERY_DEPTH)]) },
              // Subscription results bypass Apollo: give their errors the same codes and no stack traces.
              onNext: (_context, _id, _payload, _args, result) => {
                if (!result.errors?.length) return;
                return { ...result, errors: result.errors.map((error: GraphQLError) => formatError(error.toJSON(), error)) };
              },
            },
          },
          context: async ({ req, extra }: { req?: { headers: Record<string, string | undefined> }; extra?: Record<string, unknown> }) => {
            // A subscription's socket carries its own; an HTTP request was authenticated by the rate limiter.
            const known = (extra?.['ledgerdesk'] ?? (req as { ledgerdesk?: RequestContext } | undefined)?.ledgerdesk) as RequestContext | undefined;
            const auth = known ?? (await authenticate(credentials, req?.headers['authorization']));
            return { ...auth, loaders: new Map() };
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: clock },
        { provide: TokenService, useValue: tokens },
        { provide: Metrics, useValue: metrics },
        {
          provide: INFRASTRUCTURE,
          useFactory: async (): Promise<Infrastructure> => {
            const infra = await openInfrastructure(config, clock, infrastructureOptions);
            return { ...infra, store: metrics.timedStore(infra.store) };
          },
        },
        { provide: Credentials, useFactory: (infra: Infrastructure) => credentials.attach(infra.store), inject: [INFRASTRUCTURE] },
        { provide: EVENT_STORE, useFactory: (infra: Infrastructure) => infra.store, inject: [INFRASTRUCTURE] },
        { provide: READ_DB, useFactory: (infra: Infrastructure) => infra.readDb, inject: [INFRASTRUCTURE] },
        PlatformRuntime,
        ClockResolver,
        ...(platformOperations || !subgraph ? [TimeResolver, ReactorsResolver] : []),
        NodeRegistry,
        ...(subgraph ? [] : [NodeResolver]),
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: GraphqlRefusalFilter },
      ],
      exports: [NodeRegistry, Metrics, CONFIG, LOGGER, CLOCK, TokenService, Credentials, INFRASTRUCTURE, EVENT_STORE, READ_DB, PlatformRuntime, CqrsModule],
    };
  }
}

/** The request context of a bearer credential: its principal, or why there is none (never throws). */
export async function authenticate(credentials: Credentials, header: unknown): Promise<RequestContext> {
  if (header === undefined || header === null || header === '') return { principal: null, authError: null };
  try {
    return { principal: await credentials.fromAuthorization(header), authError: null };
  } catch (error) {
    return { principal: null, authError: error as Error };
  }
}
