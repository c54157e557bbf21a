import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { getOperationAST, GraphQLError, Kind, parse, type DocumentNode, type ExecutionArgs, type FragmentDefinitionNode, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { APQ_CACHE_BYTES, corsOptions, CSRF_PREFLIGHT_HEADERS, DEFAULT_MAX_QUERY_COST, depthLimitRule, documentShapeError, MAX_QUERY_DEPTH, MAX_QUERY_TOKENS, queryCost, type Logger, type SubgraphEndpoint } from '#platform-kit';

/**
 * The part of GraphQL Hive Gateway's runtime this file uses. Its own declarations reference lib.dom (through
 * @whatwg-node/fetch), which would retype fetch and friends for the whole program, so the module is loaded
 * without them.
 */
interface HiveGatewayRuntime {
  createGatewayRuntime(config: Record<string, unknown>): GatewayHandler;
  getGraphQLWSOptions(gateway: GatewayHandler, onContext: (ctx: { extra: unknown }) => Record<string, unknown>): Record<string, unknown>;
}
interface GatewayHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  dispose(): Promise<void>;
}
/** A Yoga/envelop plugin: only the hooks used here. */
interface GatewayPlugin {
  onRequestParse?(payload: { request: { headers: { get(name: string): string | null; has(name: string): boolean } } }): void;
  onParams?(payload: { params: GraphQLParams; setParams(params: GraphQLParams): void }): void;
  onValidate?(payload: { addValidationRule(rule: ValidationRule): void }): (done: { result: readonly GraphQLError[]; setResult(errors: GraphQLError[]): void }) => void;
  onExecute?(payload: { args: ExecutionArgs; setResultAndStopExecution(result: { errors: GraphQLError[] }): void }): void;
  onSubscribe?(payload: { args: ExecutionArgs; setResultAndStopExecution(result: { errors: GraphQLError[] }): void }): void;
  onResultProcess?(payload: { result: unknown; setResult(result: unknown): void }): void;
}
interface GraphQLParams {
  query?: string;
  extensions?: Record<string, unknown>;
  [key: string]: unknown;
}
const HIVE_GATEWAY_RUNTIME: string = '@graphql-hive/gateway-runtime';
const { createGatewayRuntime, getGraphQLWSOptions } = (await import(HIVE_GATEWAY_RUNTIME)) as HiveGatewayRuntime;

/** How long the gateway waits at start for every subgraph to answer `_service { sdl }` (they start alongside it). */
export const DEFAULT_SUBGRAPH_WAIT_MS = 120_000;
const SDL_ATTEMPT_TIMEOUT_MS = 5_000;
const SDL_RETRY_PAUSE_MS = 250;

/** Content types a browser may send cross-site without a preflight (the CSRF rule, as Apollo Server has it). */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
/** Extension keys that could carry a stack or an internal object: never sent to a client. */
const PRIVATE_EXTENSIONS = new Set(['stacktrace', 'exception', 'originalError', 'http']);

export interface SubgraphService extends SubgraphEndpoint {
  sdl: string;
}

/** The subgraphs' SDLs do not compose: each error with the code composition gives it (e.g. INVALID_FIELD_SHARING). */
export class SupergraphCompositionError extends Error {
  override readonly name = 'SupergraphCompositionError';
  constructor(readonly errors: { code: string; message: string }[]) {
    const codes = [...new Set(errors.map((error) => error.code))].join(', ');
    super(`the subgraphs do not compose: ${errors.length} error${errors.length === 1 ? '' : 's'} (${codes}); first: ${errors[0]?.message ?? 'none'}`);
  }
}

/** A subgraph that did not answer `_service { sdl }` within the wait. */
export class SubgraphUnavailableError extends Error {
  override readonly name = 'SubgraphUnavailableError';
  constructor(
    readonly subgraph: SubgraphEndpoint,
    reason: string,
  ) {
    super(`subgraph ${subgraph.name} (${subgraph.url}) did not answer _service { sdl }: ${reason}`);
  }
}

/** The supergraph SDL of the services, composed by Apollo's own composition (`@apollo/composition`). */
export function composeSupergraph(services: SubgraphService[]): string {
  const result = composeServices(services.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) {
    throw new SupergraphCompositionError(result.errors.map((error) => ({ code: String(error.extensions?.['code'] ?? 'COMPOSITION_ERROR'), message: error.message })));
  }
  return result.supergraphSdl;
}

/** A subgraph's SDL (`_service { sdl }`, which needs no credential), retried until `waitMs` has passed. */
export async function fetchSubgraphSdl(subgraph: SubgraphEndpoint, waitMs: number = DEFAULT_SUBGRAPH_WAIT_MS): Promise<string> {
  const deadline = Date.now() + waitMs;
  let reason = 'no attempt';
  for (;;) {
    try {
      const response = await fetch(subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
        signal: AbortSignal.timeout(SDL_ATTEMPT_TIMEOUT_MS),
      });
      const body = (await response.json().catch(() => null)) as { data?: { _service?: { sdl?: unknown } }; errors?: { message: string }[] } | null;
      const sdl = body?.data?._service?.sdl;
      if (typeof sdl === 'string') return sdl;
      // Answering, but not a subgraph (a plain schema has no `_service`): waiting longer will not help.
      if (response.ok || body?.errors) throw new SubgraphUnavailableError(subgraph, `not a Federation subgraph (${body?.errors?.[0]?.message ?? `HTTP ${response.status}`})`);
      reason = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof SubgraphUnavailableError) throw error;
      const cause = (error as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
    }
    if (Date.now() + SDL_RETRY_PAUSE_MS > deadline) throw new SubgraphUnavailableError(subgraph, `${reason} (waited ${waitMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, SDL_RETRY_PAUSE_MS));
  }
}

export interface GatewayOptions {
  subgraphs: SubgraphEndpoint[];
  port: number;
  logger: Logger;
  /** Browser origins allowed cross-origin (as the platform's LEDGERDESK_CORS_ORIGINS). */
  corsOrigins?: string[];
  /** How long to wait for the subgraphs at start. */
  subgraphWaitMs?: number;
  /** The platform's LEDGERDESK_MAX_QUERY_COST, applied to the whole document before it is planned. */
  maxQueryCost?: number;
}

export interface Gateway {
  port: number;
  /** The supergraph it composed at start. */
  supergraphSdl: string;
  /** The subgraphs and the SDL each served. */
  services: SubgraphService[];
  /** Stops: no new connections, subscriptions closed, requests in flight given up to `drainMs` to finish. */
  close(drainMs?: number): Promise<void>;
}

const headerValue = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * The federated graph's one endpoint: composes the subgraphs' SDLs at start, then serves `POST|GET /graphql`
 * and graphql-ws on the same path through GraphQL Hive Gateway's runtime. The bearer token is forwarded to every
 * subgraph (HTTP header; `connectionParams.authorization` for a subscription, which the gateway opens to the
 * subgraph over graphql-ws). The subgraphs judge the token; the gateway keeps the platform's request rules (CSRF,
 * GET runs queries only, error codes without stacks).
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { subgraphs, port, logger } = options;
  if (!subgraphs.length) throw new Error('LEDGERDESK_SUBGRAPHS: is required by the gateway (name=url pairs, e.g. platform=http://localhost:4001/graphql)');
  const log = logger.child({ component: 'gateway' });
  const services = await Promise.all(subgraphs.map(async (subgraph) => ({ ...subgraph, sdl: await fetchSubgraphSdl(subgraph, options.subgraphWaitMs) })));
  const supergraphSdl = composeSupergraph(services);
  log.info({ subgraphs: subgraphs.map((s) => s.name) }, 'supergraph composed');

  const cors = options.corsOrigins?.length ? corsOptions(options.corsOrigins) : null;
  const gateway = createGatewayRuntime({
    supergraph: supergraphSdl,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    cors: cors ? { origin: cors.origin as string[], methods: cors.methods as string[], allowedHeaders: cors.allowedHeaders as string[], maxAge: cors.maxAge, credentials: false } : false,
    maskedErrors: {
      isDev: false,
      maskError: (error: unknown) => publicError(error, log),
    },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, context }: { request?: { headers: { get(name: string): string | null } }; context?: unknown }) => {
        const authorization = headerValue(request?.headers.get('authorization')) ?? connectionAuthorization(context);
        return authorization ? { authorization } : {};
      },
    },
    transportEntries: {
      // Subscriptions go to the subgraph over graphql-ws on its /graphql, the token in connection_init as the
      // platform expects it.
      '*.http': {
        options: {
          subscriptions: {
            kind: 'ws',
            location: '/graphql',
            options: { connectionParams: { authorization: '{context.connectionParams.authorization}' } },
          },
        },
      },
    },
    plugins: () => [csrfPrevention(), automaticPersistedQueries(APQ_CACHE_BYTES), documentLimits(), queryCostLimit(options.maxQueryCost ?? DEFAULT_MAX_QUERY_COST), webSocketTokenToSubgraphs(), validationStatus()],
  });

  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'up', subgraphs: subgraphs.map((s) => s.name) }));
      return;
    }
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    void gateway(req, res);
  });
  let inFlight = 0;
  let drained: (() => void) | null = null;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const wsOptions = getGraphQLWSOptions(gateway, (ctx) => ({ req: (ctx.extra as { request: IncomingMessage }).request, socket: (ctx.extra as { socket: unknown }).socket })) as object;
  const wsServer = useServer(
    Object.assign(wsOptions, {
      // As the platform: no token in connection_init, no socket (4403).
      onConnect: (ctx: { connectionParams?: Readonly<Record<string, unknown>> }) => headerValue(ctx.connectionParams?.['authorization'] ?? ctx.connectionParams?.['Authorization']) !== null,
    }),
    wss,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : port;
  let closed: Promise<void> | null = null;
  return {
    port: listening,
    supergraphSdl,
    services,
    close: (drainMs = 0) =>
      (closed ??= (async () => {
        // No new connections; requests in flight may finish within drainMs; subscriptions end now.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await wsServer.dispose();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        if (inFlight > 0 && drainMs > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, drainMs).unref();
          });
        }
        for (const socket of sockets) socket.destroy();
        await stopped;
        await gateway.dispose();
      })()),
  };
}

/**
 * A query or mutation sent over graphql-ws reaches the subgraphs over HTTP; Hive propagates headers only for
 * operations that came with an HTTP request, so this puts the socket's token (its connection_init) on those
 * subgraph requests the same way (`extensions.headers`, which Hive's header propagation sends as headers).
 */
function webSocketTokenToSubgraphs() {
  return {
    onSubgraphExecute({ executionRequest }: { executionRequest?: { context?: { request?: unknown }; extensions?: Record<string, any> } }) {
      if (!executionRequest || executionRequest.context?.request) return;
      const authorization = connectionAuthorization(executionRequest.context);
      if (!authorization) return;
      const extensions = (executionRequest.extensions ||= {});
      extensions['headers'] = { ...(extensions['headers'] ?? {}), authorization };
    },
  };
}

/** A graphql-ws client's token (its connection_init payload), for the HTTP requests its operations cause. */
function connectionAuthorization(context: unknown): string | null {
  const params = (context as { connectionParams?: Record<string, unknown> } | undefined)?.connectionParams;
  return headerValue(params?.['authorization'] ?? params?.['Authorization']);
}

/**
 * What a client sees of an error: a subgraph's refusal as the subgraph coded it (code, `field` and other details
 * kept), anything else — a subgraph unreachable, a fault in the gateway — logged and shown bare as
 * INTERNAL_SERVER_ERROR. Never a stack.
 */
function publicError(error: unknown, log: Logger): Error {
  const graphql = error instanceof GraphQLError ? error : null;
  const cause = graphql?.originalError;
  if (graphql && (!cause || cause instanceof GraphQLError)) {
    const source = cause instanceof GraphQLError ? cause : graphql;
    const extensions = Object.fromEntries(Object.entries({ ...source.extensions, ...graphql.extensions }).filter(([key]) => !PRIVATE_EXTENSIONS.has(key)));
    const given = (graphql.extensions?.['http'] as { status?: number } | undefined)?.status;
    // A variable the schema refuses never reaches execution: HTTP 400, as Apollo answers it in the platform.
    const status = given ?? (VARIABLE_REFUSED.test(graphql.message) && !graphql.path ? 400 : undefined);
    return new GraphQLError(graphql.message, {
      nodes: graphql.nodes,
      source: graphql.source,
      positions: graphql.positions,
      path: graphql.path,
      extensions: { ...extensions, code: extensions['code'] ?? requestErrorCode(graphql.message, status), ...(status ? { http: { status } } : {}) },
    });
  }
  log.error({ err: cause ?? error }, 'unexpected error in a GraphQL operation at the gateway');
  return new GraphQLError('Internal server error', { path: graphql?.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * A code for an error the gateway raised itself without one, as Apollo Server codes it in the platform: a
 * variable's value the schema refuses is BAD_USER_INPUT, another refused request BAD_REQUEST.
 */
const VARIABLE_REFUSED = /^Variable "\$[^"]+" (got invalid value|of required type|of non-null type)/;

function requestErrorCode(message: string, status: number | undefined): string {
  if (VARIABLE_REFUSED.test(message)) return 'BAD_USER_INPUT';
  if (status !== undefined && status >= 400 && status < 500) return 'BAD_REQUEST';
  return 'INTERNAL_SERVER_ERROR';
}

/**
 * The platform's CSRF rule (docs/clients.md): a request a browser could send cross-site without a preflight (no
 * content type, or a form/text one) must carry a header only a preflighted request can; else 400 BAD_REQUEST.
 */
function csrfPrevention(): GatewayPlugin {
  return {
    onRequestParse({ request }) {
      const contentType = request.headers.get('content-type')?.toLowerCase() ?? null;
      const preflighted = contentType !== null && !SIMPLE_CONTENT_TYPES.some((simple) => contentType.startsWith(simple));
      if (preflighted || CSRF_PREFLIGHT_HEADERS.some((header) => request.headers.has(header))) return;
      throw new GraphQLError(
        `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header (with a type that is not one of ${SIMPLE_CONTENT_TYPES.join(', ')}) or provide a non-empty value for one of the following headers: ${CSRF_PREFLIGHT_HEADERS.join(', ')}`,
        { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
      );
    },
  };
}

/**
 * Automatic persisted queries as the platform answers them (docs/clients.md): a hash alone is looked up in a
 * bounded in-memory cache (`PERSISTED_QUERY_NOT_FOUND` when absent, so the client resends with the query); a
 * query with its hash is checked (`BAD_REQUEST` when they differ) and kept. Least recently used first out.
 */
function automaticPersistedQueries(maxBytes: number): GatewayPlugin {
  const cache = new Map<string, string>();
  let bytes = 0;
  return {
    onParams({ params, setParams }) {
      const persisted = params.extensions?.['persistedQuery'] as { version?: unknown; sha256Hash?: unknown } | undefined;
      if (!persisted) return;
      const hash = persisted.sha256Hash;
      if (persisted.version !== 1 || typeof hash !== 'string') {
        throw new GraphQLError('Unsupported persisted query version', { extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED', http: { status: 400 } } });
      }
      if (typeof params.query !== 'string') {
        const query = cache.get(hash);
        if (query === undefined) throw new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 200 } } });
        cache.delete(hash);
        cache.set(hash, query);
        setParams({ ...params, query });
        return;
      }
      if (createHash('sha256').update(params.query).digest('hex') !== hash) {
        throw new GraphQLError('provided sha does not match query', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
      }
      if (cache.has(hash) || params.query.length > maxBytes) return;
      cache.set(hash, params.query);
      bytes += params.query.length;
      for (const [oldest, query] of cache) {
        if (bytes <= maxBytes) break;
        cache.delete(oldest);
        bytes -= query.length;
      }
    },
  };
}

/**
 * The platform's bounds on a document (libs/platform-kit/graphql/document-limits.ts), before the gateway's own
 * graphql-js validation, whose overlapping-fields rule is quadratic: at most MAX_QUERY_TOKENS tokens and the
 * shape bounds (400 `BAD_USER_INPUT`, token or not), and the depth rule with validation. A document that does not
 * parse (or has more tokens) is `GRAPHQL_PARSE_FAILED`.
 */
/**
 * The platform's per-document cost bound, on the whole document: each subgraph costs only its own part, and an
 * entity fetch of thousands of representations is one field to it, so only the gateway sees what a document
 * asks for in all (test/gateway.e2e.spec.ts).
 */
function queryCostLimit(maxCost: number): GatewayPlugin {
  const check = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution(result: { errors: GraphQLError[] }): void }) => {
    const operation = getOperationAST(args.document, args.operationName ?? undefined);
    if (!operation) return;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of args.document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    let cost: number;
    try {
      cost = queryCost(args.schema, operation, fragments, (args.variableValues ?? {}) as Record<string, unknown>);
    } catch {
      return; // a variable of the wrong type: execution refuses it with its own error
    }
    if (cost > maxCost) {
      setResultAndStopExecution({
        errors: [new GraphQLError(`The query costs ${cost}; at most ${maxCost} is allowed (fields × requested page sizes)`, { extensions: { code: 'BAD_USER_INPUT', cost, maxCost } })],
      });
    }
  };
  return { onExecute: check, onSubscribe: check };
}

/**
 * A document that does not validate is answered with HTTP 400, as Apollo answers it in the platform (Yoga answers
 * an `application/json` request with 200). Set on the result (Yoga's status rule reads `extensions.http`, which it
 * does not serialize): the errors' own `http` extension does not survive the gateway's error handling.
 */
function validationStatus(): GatewayPlugin {
  return {
    onResultProcess({ result, setResult }) {
      if (!result || typeof result !== 'object' || Array.isArray(result) || Symbol.asyncIterator in result) return;
      const { data, errors, extensions } = result as { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
      if (data != null || !errors?.some((error) => error.extensions?.['code'] === 'GRAPHQL_VALIDATION_FAILED')) return;
      setResult({ ...(result as object), extensions: { ...extensions, http: { ...(extensions?.['http'] as object | undefined), status: 400 } } });
    },
  };
}

function documentLimits(): GatewayPlugin {
  return {
    onParams({ params }) {
      if (typeof params.query !== 'string') return;
      let document: DocumentNode;
      try {
        document = parse(params.query, { maxTokens: MAX_QUERY_TOKENS });
      } catch (error) {
        throw new GraphQLError((error as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } } });
      }
      const refusal = documentShapeError(document);
      if (refusal) throw refusal;
    },
    onValidate({ addValidationRule }) {
      addValidationRule(depthLimitRule(MAX_QUERY_DEPTH));
      // Coded as Apollo codes them in the platform: every validation error (the depth rule's too) is
      // GRAPHQL_VALIDATION_FAILED; validationStatus() answers them with Apollo's HTTP 400.
      return ({ result, setResult }) => {
        if (!result.length) return;
        setResult(
          result.map(
            (error) =>
              new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }),
          ),
        );
      };
    },
  };
}
