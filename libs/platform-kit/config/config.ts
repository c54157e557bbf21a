import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parseClaimPath, type IdentityProviderConfig } from '../auth/identity-provider.js';

/** The default bound on one GraphQL document's cost (see graphql/query-cost.ts). */
export const DEFAULT_MAX_QUERY_COST = 10_000;

export type EventStoreKind = 'pglite' | 'postgres' | 'kurrentdb';
export type ClockKind = 'system' | 'manual';

export interface LedgerdeskConfig {
  port: number;
  eventStore: EventStoreKind;
  dataDir: string;
  databaseUrl: string | null;
  eventStoreUrl: string | null;
  jwtSecret: string | null;
  /** RS256/ES256 tokens from the company's identity provider, besides HS256; null when not configured. */
  identityProvider: IdentityProviderConfig | null;
  clock: ClockKind;
  clockStart: Date | null;
  logLevel: string;
  /** Bearer secret the mail relay presents on POST /channels/email; null leaves the endpoint off (503). */
  emailChannelSecret: string | null;
  /** Slack app signing secret for POST /channels/im; null leaves the endpoint off (503). */
  slackSigningSecret: string | null;
  /** Slack bot token (`files:read`) the IM channel fetches a message's files with; null: files are noted on the ticket as not fetched. */
  slackBotToken: string | null;
  /** The only origin the bot token is sent to when fetching a file's `url_private_download`. */
  slackFilesOrigin: string;
  /** The longest lifetime (`exp - iat`) a bearer token may have, in seconds. */
  tokenMaxLifetimeSeconds: number;
  /** Requests per minute per IP address and per principal (0: off). */
  rateLimits: { perIpPerMinute: number; perPrincipalPerMinute: number };
  /** A resolved ticket nobody reopens closes by itself this long after its resolution. */
  autoCloseAfterSeconds: number;
  /** Largest query cost (fields × requested page sizes) one GraphQL document may have. */
  maxQueryCost: number;
  /** Where attachment files are kept (content-addressed); null: inside the data directory (a temp dir for memory://). */
  attachmentsDir: string | null;
  /** Largest file `POST /attachments` accepts, in bytes. */
  maxAttachmentBytes: number;
  /** LEDGERDESK_ATTACHMENTS_S3_*: attachment files in a bucket (null: the directory). */
  attachmentsS3: { bucket: string; endpoint: string | null; region: string; prefix: string } | null;
  /** LEDGERDESK_SEARCH_CANDIDATES: most hits one search counts and ranks. */
  searchCandidates: number;
  /** Most bytes of attachments one ticket may hold. */
  maxTicketAttachmentBytes: number;
  /** Browser origins (scheme://host[:port]) allowed to call the API cross-origin; empty: no CORS headers. */
  corsOrigins: string[];
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish before they are cut. */
  shutdownTimeoutMs: number;
  /** Outbound webhooks: plain http and loopback targets allowed (development, tests); the key their secrets are kept under. */
  webhooks: { allowLocalhost: boolean; secretKey: string | null; timeoutMs: number };
  /** E-mail replies out: SMTP server (null: e-mail out is off) and the From address (its domain names the Message-IDs). */
  smtp: { url: string | null; from: string };
  /** On-call paging (PagerDuty Events v2 shape): the endpoint (null: paging is off) and the routing key sent with each event. */
  paging: { url: string | null; routingKey: string | null };
  /** Serve the GraphiQL explorer on GET /graphql to browsers (Accept: text/html). */
  graphiql: boolean;
  /** apps/gateway: the subgraphs it composes, in order (LEDGERDESK_SUBGRAPHS); empty for every other app. */
  subgraphs: SubgraphEndpoint[];
}

/** One subgraph the gateway composes: its name in the supergraph and its GraphQL endpoint. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/** Every variable the platform reads, with what it means; the docker-compose test checks against it. */
export const CONFIG_VARIABLES = {
  PORT: 'HTTP port (default 4000; 0 picks a free one)',
  LEDGERDESK_EVENT_STORE: 'pglite (default) | postgres | kurrentdb',
  LEDGERDESK_DATA_DIR: 'PGlite data directory (default ./.ledgerdesk; memory:// for a throwaway in-memory database)',
  DATABASE_URL: 'PostgreSQL connection string: the event store with postgres, the read models with postgres or kurrentdb',
  EVENTSTORE_URL: 'KurrentDB/EventStoreDB connection string (kurrentdb)',
  LEDGERDESK_JWT_SECRET: 'HS256 secret, at least 32 characters (default: generated and kept in the data directory)',
  LEDGERDESK_JWKS_URL: "the identity provider's JWKS URL: RS256/ES256 tokens it signs are accepted besides HS256 (unset: HS256 only)",
  LEDGERDESK_JWT_ISSUER: 'the `iss` those tokens must carry (required with LEDGERDESK_JWKS_URL)',
  LEDGERDESK_JWT_AUDIENCE: 'the `aud` those tokens must carry (required with LEDGERDESK_JWKS_URL)',
  LEDGERDESK_JWT_ROLE_CLAIM: "path to the role claim, Hasura's claims_map style (default $.role)",
  LEDGERDESK_JWT_ACCOUNT_CLAIM: "path to a customer's account claim (default $.accountId)",
  LEDGERDESK_CLOCK: 'system (default) | manual',
  LEDGERDESK_CLOCK_START: "the manual clock's first instant (RFC 3339); unset on a restart, the clock resumes where it was, and an earlier instant than that is refused",
  LEDGERDESK_LOG_LEVEL: 'pino level (default info)',
  LEDGERDESK_REACTION_WAIT_MS: 'how long openTicket and completeHealthCheck wait for the reactions they answer with, in ms (default 5000; 0: answer at once)',
  LEDGERDESK_READ_YOUR_WRITES_WAIT_MS: 'how long a mutation waits for the read models to show what it recorded, in ms (default 10000); past it the mutation answers with what the read models show, never an error (its write is recorded)',
  LEDGERDESK_EMAIL_CHANNEL_SECRET: 'bearer secret of the mail relay posting to /channels/email, at least 32 characters (unset: endpoint off)',
  LEDGERDESK_SLACK_SIGNING_SECRET: "the Slack app's signing secret for /channels/im (unset: endpoint off)",
  LEDGERDESK_SLACK_BOT_TOKEN: "the Slack app's bot token (files:read) for fetching the files of a message as attachments (unset: files are noted on the ticket, not fetched)",
  LEDGERDESK_SLACK_FILES_ORIGIN: 'the only origin the bot token is sent to when fetching a file (default https://files.slack.com)',
  LEDGERDESK_TOKEN_MAX_LIFETIME: 'longest accepted token lifetime (exp - iat), e.g. 12h or 30d (default 30d)',
  LEDGERDESK_AUTO_CLOSE_AFTER: 'a resolved ticket not reopened closes by itself after this quiet period, e.g. 7d (default 7d)',
  LEDGERDESK_RATE_LIMIT_PER_IP: 'HTTP requests per minute from one IP address, GraphQL and REST (default 1200; 0: off)',
  LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: 'HTTP requests per minute by one token subject or API key (default 600; 0: off)',
  LEDGERDESK_MAX_QUERY_COST: 'largest cost of one GraphQL document: fields, each multiplied by the page sizes above it (default 10000)',
  LEDGERDESK_ATTACHMENTS_DIR: 'directory of attachment files, named by SHA-256 (default <data dir>/attachments; a temp dir for memory://)',
  LEDGERDESK_ATTACHMENT_MAX_BYTES: 'largest attachment accepted, in bytes (default 209715200 = 200 MB)',
  LEDGERDESK_TICKET_ATTACHMENTS_MAX_BYTES: 'most attachment bytes one ticket holds (default 2147483648 = 2 GB)',
  LEDGERDESK_ATTACHMENTS_S3_BUCKET: 'store attachment files in this S3(-compatible) bucket instead of a directory (credentials: the AWS SDK default chain, e.g. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)',
  LEDGERDESK_ATTACHMENTS_S3_ENDPOINT: 'endpoint of an S3-compatible store (MinIO, Ceph, R2), path-style addressing; unset: AWS S3',
  LEDGERDESK_ATTACHMENTS_S3_REGION: 'region of the bucket (default us-east-1)',
  LEDGERDESK_ATTACHMENTS_S3_PREFIX: 'key prefix inside the bucket, e.g. ledgerdesk/ (default none)',
  LEDGERDESK_SEARCH_CANDIDATES: 'most hits one searchTickets counts and ranks (default 1000): beyond it totalCount reads this, totalCountCapped is true, and the pages are this many candidates chosen newest first (subject matches, then opening matches, then the rest), ranked',
  LEDGERDESK_SHUTDOWN_TIMEOUT_MS: 'on SIGTERM/SIGINT, how long requests in flight may take to finish before they are cut (default 10000)',
  LEDGERDESK_GRAPHIQL: 'on | off: the GraphiQL explorer on GET /graphql for browsers (default on, off when NODE_ENV=production)',
  LEDGERDESK_CORS_ORIGINS: 'comma-separated browser origins allowed cross-origin, e.g. https://desk.example.com,http://localhost:5173 (unset: no CORS headers)',
  LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true: webhooks may target http://localhost and loopback addresses (development, tests); default false',
  LEDGERDESK_WEBHOOK_SECRET_KEY: "key webhook signing secrets are encrypted under in the log, at least 32 characters (default: derived from the JWT secret)",
  LEDGERDESK_WEBHOOK_TIMEOUT_MS: 'how long one webhook delivery attempt may take before it counts as failed (default 10000)',
  LEDGERDESK_SMTP_URL: 'smtp:// or smtps:// URL of the server public staff replies are e-mailed through, e.g. smtps://user:pass@smtp.example.com (unset: e-mail out is off)',
  LEDGERDESK_SMTP_FROM: 'From address of e-mailed replies; its domain names their Message-IDs (default support@ledgerdesk.localhost)',
  LEDGERDESK_PAGING_URL: 'endpoint on-call pages are POSTed to in the PagerDuty Events v2 shape, e.g. https://events.pagerduty.com/v2/enqueue (unset: paging is off)',
  LEDGERDESK_PAGING_ROUTING_KEY: "routing_key sent with each page (the PagerDuty service's integration key); required with LEDGERDESK_PAGING_URL",
  LEDGERDESK_SUBGRAPHS: 'apps/gateway only: the subgraphs it composes, name=url pairs separated by commas, e.g. accounts=http://accounts:4000/graphql,triage=http://triage:4000/graphql (required by the gateway)',
  LEDGERDESK_SPLIT_APPS: 'npm run start:split only: the apps it starts behind the gateway, comma-separated (default accounts,triage,sla,intake,health-checks)',
} as const;

export const DEFAULT_REACTION_WAIT_MS = 5_000;

/**
 * The bound of a read-your-writes wait across contexts (docs/reactors.md), from LEDGERDESK_REACTION_WAIT_MS.
 * Read per call (a test may change it while the platform runs); loadConfig refuses a bad value at start, and a
 * value made bad later falls back to the default.
 */
export function reactionWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['LEDGERDESK_REACTION_WAIT_MS'];
  if (text === undefined || text === '') return DEFAULT_REACTION_WAIT_MS;
  return /^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : DEFAULT_REACTION_WAIT_MS;
}

export const DEFAULT_READ_YOUR_WRITES_WAIT_MS = 10_000;

/**
 * The bound of a mutation's wait for its own read models (PlatformRuntime.settled), from
 * LEDGERDESK_READ_YOUR_WRITES_WAIT_MS. Read per call like reactionWaitMs; loadConfig refuses a bad value at start.
 */
export function readYourWritesWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['LEDGERDESK_READ_YOUR_WRITES_WAIT_MS'];
  if (text === undefined || text === '') return DEFAULT_READ_YOUR_WRITES_WAIT_MS;
  return /^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : DEFAULT_READ_YOUR_WRITES_WAIT_MS;
}

/** Invalid configuration: the message is the one line printed before the process stops. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: keyof typeof CONFIG_VARIABLES,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerdeskConfig {
  const value = (name: keyof typeof CONFIG_VARIABLES): string | null => {
    const raw = env[name]?.trim();
    return raw ? raw : null;
  };

  const portText = value('PORT') ?? '4000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError('PORT', `must be a port number 0-65535 (got "${portText}")`);

  const eventStore = oneOf('LEDGERDESK_EVENT_STORE', value('LEDGERDESK_EVENT_STORE') ?? 'pglite', ['pglite', 'postgres', 'kurrentdb']);
  const clock = oneOf('LEDGERDESK_CLOCK', value('LEDGERDESK_CLOCK') ?? 'system', ['system', 'manual']);

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// connection string');
  }
  if (eventStore === 'postgres' && !databaseUrl) {
    throw new ConfigError('DATABASE_URL', 'is required when LEDGERDESK_EVENT_STORE=postgres');
  }
  const eventStoreUrl = value('EVENTSTORE_URL');
  if (eventStore === 'kurrentdb' && !eventStoreUrl) {
    throw new ConfigError('EVENTSTORE_URL', 'is required when LEDGERDESK_EVENT_STORE=kurrentdb');
  }
  if (eventStoreUrl && !/^(kurrentdb|kdb|esdb|eventstoredb)(\+discover)?:\/\//.test(eventStoreUrl)) {
    throw new ConfigError('EVENTSTORE_URL', 'must be a kurrentdb:// (or esdb://) connection string');
  }

  const jwtSecret = value('LEDGERDESK_JWT_SECRET');
  if (jwtSecret && jwtSecret.length < 32) throw new ConfigError('LEDGERDESK_JWT_SECRET', 'must be at least 32 characters');

  const identityProvider = identityProviderConfig(value);

  const clockStartText = value('LEDGERDESK_CLOCK_START');
  let clockStart: Date | null = null;
  if (clockStartText) {
    clockStart = new Date(clockStartText);
    if (!RFC3339.test(clockStartText) || Number.isNaN(clockStart.getTime())) {
      throw new ConfigError('LEDGERDESK_CLOCK_START', `must be an RFC 3339 instant with offset (got "${clockStartText}")`);
    }
    if (clock !== 'manual') throw new ConfigError('LEDGERDESK_CLOCK_START', 'only applies with LEDGERDESK_CLOCK=manual');
  }

  const emailChannelSecret = value('LEDGERDESK_EMAIL_CHANNEL_SECRET');
  if (emailChannelSecret && emailChannelSecret.length < 32) {
    throw new ConfigError('LEDGERDESK_EMAIL_CHANNEL_SECRET', 'must be at least 32 characters');
  }
  const slackSigningSecret = value('LEDGERDESK_SLACK_SIGNING_SECRET');
  const slackBotToken = value('LEDGERDESK_SLACK_BOT_TOKEN');
  const slackFilesOriginText = value('LEDGERDESK_SLACK_FILES_ORIGIN') ?? 'https://files.slack.com';
  let slackFilesOrigin: string;
  try {
    const parsed = new URL(slackFilesOriginText);
    if (!/^https?:$/.test(parsed.protocol) || parsed.origin !== slackFilesOriginText.replace(/\/$/, '')) throw new Error('not an origin');
    slackFilesOrigin = parsed.origin;
  } catch {
    throw new ConfigError('LEDGERDESK_SLACK_FILES_ORIGIN', `must be an http(s) origin such as https://files.slack.com (got "${slackFilesOriginText}")`);
  }

  const tokenMaxLifetimeSeconds = durationSeconds('LEDGERDESK_TOKEN_MAX_LIFETIME', value('LEDGERDESK_TOKEN_MAX_LIFETIME') ?? '30d');

  const autoCloseAfterSeconds = durationSeconds('LEDGERDESK_AUTO_CLOSE_AFTER', value('LEDGERDESK_AUTO_CLOSE_AFTER') ?? '7d');
  const rateLimits = {
    perIpPerMinute: count('LEDGERDESK_RATE_LIMIT_PER_IP', value('LEDGERDESK_RATE_LIMIT_PER_IP') ?? '1200'),
    perPrincipalPerMinute: count('LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL', value('LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL') ?? '600'),
  };
  const maxQueryCostText = value('LEDGERDESK_MAX_QUERY_COST') ?? String(DEFAULT_MAX_QUERY_COST);
  const maxQueryCost = Number(maxQueryCostText);
  if (!/^\d+$/.test(maxQueryCostText) || maxQueryCost < 1) {
    throw new ConfigError('LEDGERDESK_MAX_QUERY_COST', `must be a positive whole number (got "${maxQueryCostText}")`);
  }
  const maxAttachmentBytes = byteCount('LEDGERDESK_ATTACHMENT_MAX_BYTES', value('LEDGERDESK_ATTACHMENT_MAX_BYTES'), 200 * 1024 * 1024);
  const maxTicketAttachmentBytes = byteCount('LEDGERDESK_TICKET_ATTACHMENTS_MAX_BYTES', value('LEDGERDESK_TICKET_ATTACHMENTS_MAX_BYTES'), 2 * 1024 * 1024 * 1024);
  const attachmentsDir = value('LEDGERDESK_ATTACHMENTS_DIR');
  const s3Bucket = value('LEDGERDESK_ATTACHMENTS_S3_BUCKET');
  const s3Endpoint = value('LEDGERDESK_ATTACHMENTS_S3_ENDPOINT');
  if (s3Endpoint && !/^https?:\/\/[^/\s]+/.test(s3Endpoint)) throw new ConfigError('LEDGERDESK_ATTACHMENTS_S3_ENDPOINT', 'must be an http(s) URL');
  if (!s3Bucket && (s3Endpoint || value('LEDGERDESK_ATTACHMENTS_S3_PREFIX'))) throw new ConfigError('LEDGERDESK_ATTACHMENTS_S3_BUCKET', 'is required with the other LEDGERDESK_ATTACHMENTS_S3_ variables');
  const attachmentsS3 = s3Bucket
    ? { bucket: s3Bucket, endpoint: s3Endpoint, region: value('LEDGERDESK_ATTACHMENTS_S3_REGION') ?? 'us-east-1', prefix: value('LEDGERDESK_ATTACHMENTS_S3_PREFIX') ?? '' }
    : null;
  const searchCandidatesText = value('LEDGERDESK_SEARCH_CANDIDATES') ?? '1000';
  if (!/^\d{1,6}$/.test(searchCandidatesText) || Number(searchCandidatesText) < 1) {
    throw new ConfigError('LEDGERDESK_SEARCH_CANDIDATES', `must be a whole number, 1-999999 (got "${searchCandidatesText}")`);
  }
  const searchCandidates = Number(searchCandidatesText);

  const corsOrigins = originList('LEDGERDESK_CORS_ORIGINS', value('LEDGERDESK_CORS_ORIGINS'));

  const reactionWaitText = value('LEDGERDESK_REACTION_WAIT_MS');
  if (reactionWaitText !== null && !/^\d{1,7}$/.test(reactionWaitText)) {
    throw new ConfigError('LEDGERDESK_REACTION_WAIT_MS', `must be a whole number of milliseconds up to 9999999 (got "${reactionWaitText}")`);
  }
  const readYourWritesText = value('LEDGERDESK_READ_YOUR_WRITES_WAIT_MS');
  if (readYourWritesText !== null && !/^\d{1,7}$/.test(readYourWritesText)) {
    throw new ConfigError('LEDGERDESK_READ_YOUR_WRITES_WAIT_MS', `must be a whole number of milliseconds up to 9999999 (got "${readYourWritesText}")`);
  }
  const shutdownTimeoutText = value('LEDGERDESK_SHUTDOWN_TIMEOUT_MS') ?? '10000';
  if (!/^\d{1,7}$/.test(shutdownTimeoutText)) {
    throw new ConfigError('LEDGERDESK_SHUTDOWN_TIMEOUT_MS', `must be a whole number of milliseconds up to 9999999 (got "${shutdownTimeoutText}")`);
  }
  const shutdownTimeoutMs = Number(shutdownTimeoutText);

  const allowLocalhost = oneOf('LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST', value('LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST') ?? 'false', ['true', 'false']) === 'true';
  const webhookSecretKey = value('LEDGERDESK_WEBHOOK_SECRET_KEY');
  if (webhookSecretKey && webhookSecretKey.length < 32) throw new ConfigError('LEDGERDESK_WEBHOOK_SECRET_KEY', 'must be at least 32 characters');
  const webhookTimeoutText = value('LEDGERDESK_WEBHOOK_TIMEOUT_MS') ?? '10000';
  if (!/^\d{1,6}$/.test(webhookTimeoutText) || Number(webhookTimeoutText) < 1) {
    throw new ConfigError('LEDGERDESK_WEBHOOK_TIMEOUT_MS', `must be a whole number of milliseconds, 1-999999 (got "${webhookTimeoutText}")`);
  }
  const smtpUrl = value('LEDGERDESK_SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) throw new ConfigError('LEDGERDESK_SMTP_URL', 'must be an smtp:// or smtps:// URL');
  const smtpFrom = value('LEDGERDESK_SMTP_FROM') ?? 'support@ledgerdesk.localhost';
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(smtpFrom)) throw new ConfigError('LEDGERDESK_SMTP_FROM', `must be a plain e-mail address (got "${smtpFrom}")`);
  const pagingUrl = value('LEDGERDESK_PAGING_URL');
  if (pagingUrl) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(pagingUrl);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) throw new ConfigError('LEDGERDESK_PAGING_URL', 'must be an http(s) URL');
  }
  const pagingRoutingKey = value('LEDGERDESK_PAGING_ROUTING_KEY');
  if (pagingUrl && !pagingRoutingKey) throw new ConfigError('LEDGERDESK_PAGING_ROUTING_KEY', 'is required when LEDGERDESK_PAGING_URL is set');
  const graphiqlDefault = env['NODE_ENV']?.trim() === 'production' ? 'off' : 'on';
  const graphiql = oneOf('LEDGERDESK_GRAPHIQL', value('LEDGERDESK_GRAPHIQL') ?? graphiqlDefault, ['on', 'off']) === 'on';

  const subgraphs = subgraphList(value('LEDGERDESK_SUBGRAPHS'));

  const logLevel = oneOf('LEDGERDESK_LOG_LEVEL', value('LEDGERDESK_LOG_LEVEL') ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

  return {
    port,
    eventStore,
    dataDir: dataDirectory(value('LEDGERDESK_DATA_DIR')),
    databaseUrl,
    eventStoreUrl,
    jwtSecret,
    identityProvider,
    clock,
    clockStart,
    logLevel,
    emailChannelSecret,
    slackSigningSecret,
    slackBotToken,
    slackFilesOrigin,
    tokenMaxLifetimeSeconds,
    rateLimits,
    autoCloseAfterSeconds,
    maxQueryCost,
    attachmentsDir: attachmentsDir ? resolve(attachmentsDir) : null,
    maxAttachmentBytes,
    searchCandidates,
    attachmentsS3,
    maxTicketAttachmentBytes,
    corsOrigins,
    shutdownTimeoutMs,
    webhooks: { allowLocalhost, secretKey: webhookSecretKey, timeoutMs: Number(webhookTimeoutText) },
    smtp: { url: smtpUrl, from: smtpFrom },
    paging: { url: pagingUrl, routingKey: pagingRoutingKey },
    graphiql,
    subgraphs,
  };
}

/** `name=url,name=url`: distinct names a supergraph accepts, http(s) URLs. */
function subgraphList(raw: string | null): SubgraphEndpoint[] {
  if (!raw) return [];
  const seen = new Set<string>();
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([A-Za-z][\w-]*)=(\S+)$/.exec(entry);
      let url: URL | null = null;
      try {
        url = match ? new URL(match[2]!) : null;
      } catch {
        url = null;
      }
      if (!match || !url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw new ConfigError('LEDGERDESK_SUBGRAPHS', `"${entry}" is not name=url, e.g. triage=http://localhost:4002/graphql`);
      }
      if (seen.has(match[1]!)) throw new ConfigError('LEDGERDESK_SUBGRAPHS', `names the subgraph "${match[1]}" twice`);
      seen.add(match[1]!);
      return { name: match[1]!, url: match[2]! };
    });
}

/** Exact origins only: a browser sends `Origin` as scheme://host[:port], so a path or wildcard would never match. */
function originList(variable: keyof typeof CONFIG_VARIABLES, raw: string | null): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      let origin: string | null = null;
      try {
        origin = new URL(entry).origin;
      } catch {
        // reported below
      }
      if (!origin || origin === 'null' || origin !== entry.replace(/\/$/, '')) {
        throw new ConfigError(variable, `"${entry}" is not an origin such as https://desk.example.com or http://localhost:5173`);
      }
      return origin;
    });
}

function count(variable: keyof typeof CONFIG_VARIABLES, raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new ConfigError(variable, `must be a whole number, 0 for no limit (got "${raw}")`);
  return Number(raw);
}

const DURATION_UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `90s`, `15m`, `12h`, `30d` to seconds (at least one second). */
function durationSeconds(variable: keyof typeof CONFIG_VARIABLES, raw: string): number {
  const match = /^(\d{1,9})([smhd])$/.exec(raw);
  const seconds = match ? Number(match[1]) * DURATION_UNIT_SECONDS[match[2] as keyof typeof DURATION_UNIT_SECONDS] : 0;
  if (seconds < 1) throw new ConfigError(variable, `must be a duration such as 90s, 15m, 12h or 30d (got "${raw}")`);
  return seconds;
}

function identityProviderConfig(value: (name: keyof typeof CONFIG_VARIABLES) => string | null): IdentityProviderConfig | null {
  const jwksUrl = value('LEDGERDESK_JWKS_URL');
  const dependents = ['LEDGERDESK_JWT_ISSUER', 'LEDGERDESK_JWT_AUDIENCE', 'LEDGERDESK_JWT_ROLE_CLAIM', 'LEDGERDESK_JWT_ACCOUNT_CLAIM'] as const;
  if (!jwksUrl) {
    const stray = dependents.find((name) => value(name));
    if (stray) throw new ConfigError(stray, 'only applies with LEDGERDESK_JWKS_URL');
    return null;
  }
  if (!/^https?:\/\/\S+$/.test(jwksUrl)) throw new ConfigError('LEDGERDESK_JWKS_URL', 'must be an http(s) URL');
  const issuer = value('LEDGERDESK_JWT_ISSUER');
  if (!issuer) throw new ConfigError('LEDGERDESK_JWT_ISSUER', 'is required with LEDGERDESK_JWKS_URL');
  const audience = value('LEDGERDESK_JWT_AUDIENCE');
  if (!audience) throw new ConfigError('LEDGERDESK_JWT_AUDIENCE', 'is required with LEDGERDESK_JWKS_URL');
  const roleClaim = value('LEDGERDESK_JWT_ROLE_CLAIM') ?? '$.role';
  const accountClaim = value('LEDGERDESK_JWT_ACCOUNT_CLAIM') ?? '$.accountId';
  for (const [name, path] of [['LEDGERDESK_JWT_ROLE_CLAIM', roleClaim], ['LEDGERDESK_JWT_ACCOUNT_CLAIM', accountClaim]] as const) {
    try {
      parseClaimPath(path);
    } catch (error) {
      throw new ConfigError(name, (error as Error).message);
    }
  }
  return { jwksUrl, issuer, audience, roleClaim, accountClaim };
}

/** A positive whole number of bytes. */
function byteCount(variable: keyof typeof CONFIG_VARIABLES, raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const bytes = Number(raw);
  if (!/^\d+$/.test(raw) || bytes < 1 || !Number.isSafeInteger(bytes)) throw new ConfigError(variable, `must be a positive number of bytes (got "${raw}")`);
  return bytes;
}

/** `memory://` keeps PGlite in memory (tests, throwaway demos); anything else is a directory. */
function dataDirectory(raw: string | null): string {
  if (raw?.startsWith('memory://')) return raw;
  return resolve(raw ?? './.ledgerdesk');
}

function oneOf<T extends string>(variable: keyof typeof CONFIG_VARIABLES, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(variable, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

/**
 * `.env` in the working directory, when there is one, fills variables the environment does not set (the
 * environment wins, as with Node's own `--env-file`). Returns the file read, or null.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env, directory: string = process.cwd()): string | null {
  const path = resolve(directory, '.env');
  if (!existsSync(path)) return null;
  for (const [name, value] of Object.entries(parseEnv(readFileSync(path, 'utf8')))) {
    if (env[name] === undefined) env[name] = value;
  }
  return path;
}

/**
 * The data directory must exist and be writable when anything lives there (PGlite's data, or the generated
 * JWT secret): found out at start-up with one clear line, not as an EACCES from deep inside PGlite.
 */
export function prepareDataDirectory(config: LedgerdeskConfig): void {
  const used = config.eventStore === 'pglite' || (config.eventStore === 'kurrentdb' && !config.databaseUrl) || !config.jwtSecret;
  if (!used || config.dataDir.startsWith('memory://')) return;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const user = process.getuid ? ` by uid ${process.getuid()}` : '';
    throw new ConfigError('LEDGERDESK_DATA_DIR', `${config.dataDir} cannot be created or written${user} (${code}); point it at a directory this user can write (the container image uses /data, a volume owned by its user)`);
  }
}
