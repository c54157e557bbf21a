import { resolve } from 'node:path';

export type EventStoreKind = 'pglite' | 'postgres' | 'kurrentdb';
export type ClockKind = 'system' | 'manual';

export interface LedgerdeskConfig {
  port: number;
  eventStore: EventStoreKind;
  dataDir: string;
  databaseUrl: string | null;
  eventStoreUrl: string | null;
  jwtSecret: string | null;
  clock: ClockKind;
  clockStart: Date | null;
  logLevel: string;
  /** Bearer secret the mail relay presents on POST /channels/email; null leaves the endpoint off (503). */
  emailChannelSecret: string | null;
  /** Slack app signing secret for POST /channels/im; null leaves the endpoint off (503). */
  slackSigningSecret: string | null;
  /** Where attachment files are kept (content-addressed); null: inside the data directory (a temp dir for memory://). */
  attachmentsDir: string | null;
  /** Largest file `POST /attachments` accepts, in bytes. */
  maxAttachmentBytes: number;
  /** Most bytes of attachments one ticket may hold. */
  maxTicketAttachmentBytes: number;
}

/** Every variable the platform reads, with what it means; the docker-compose test checks against it. */
export const CONFIG_VARIABLES = {
  PORT: 'HTTP port (default 4000; 0 picks a free one)',
  LEDGERDESK_EVENT_STORE: 'pglite (default) | postgres | kurrentdb',
  LEDGERDESK_DATA_DIR: 'PGlite data directory (default ./.ledgerdesk; memory:// for a throwaway in-memory database)',
  DATABASE_URL: 'PostgreSQL connection string: the event store with postgres, the read models with postgres or kurrentdb',
  EVENTSTORE_URL: 'KurrentDB/EventStoreDB connection string (kurrentdb)',
  LEDGERDESK_JWT_SECRET: 'HS256 secret, at least 32 characters (default: generated and kept in the data directory)',
  LEDGERDESK_CLOCK: 'system (default) | manual',
  LEDGERDESK_CLOCK_START: "the manual clock's first instant (RFC 3339)",
  LEDGERDESK_LOG_LEVEL: 'pino level (default info)',
  LEDGERDESK_EMAIL_CHANNEL_SECRET: 'bearer secret of the mail relay posting to /channels/email, at least 32 characters (unset: endpoint off)',
  LEDGERDESK_SLACK_SIGNING_SECRET: "the Slack app's signing secret for /channels/im (unset: endpoint off)",
  LEDGERDESK_ATTACHMENTS_DIR: 'directory of attachment files, named by SHA-256 (default <data dir>/attachments; a temp dir for memory://)',
  LEDGERDESK_ATTACHMENT_MAX_BYTES: 'largest attachment accepted, in bytes (default 209715200 = 200 MB)',
  LEDGERDESK_TICKET_ATTACHMENTS_MAX_BYTES: 'most attachment bytes one ticket holds (default 2147483648 = 2 GB)',
} as const;

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

  const maxAttachmentBytes = byteCount('LEDGERDESK_ATTACHMENT_MAX_BYTES', value('LEDGERDESK_ATTACHMENT_MAX_BYTES'), 200 * 1024 * 1024);
  const maxTicketAttachmentBytes = byteCount('LEDGERDESK_TICKET_ATTACHMENTS_MAX_BYTES', value('LEDGERDESK_TICKET_ATTACHMENTS_MAX_BYTES'), 2 * 1024 * 1024 * 1024);
  const attachmentsDir = value('LEDGERDESK_ATTACHMENTS_DIR');

  const logLevel = oneOf('LEDGERDESK_LOG_LEVEL', value('LEDGERDESK_LOG_LEVEL') ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

  return {
    port,
    eventStore,
    dataDir: dataDirectory(value('LEDGERDESK_DATA_DIR')),
    databaseUrl,
    eventStoreUrl,
    jwtSecret,
    clock,
    clockStart,
    logLevel,
    emailChannelSecret,
    slackSigningSecret,
    attachmentsDir: attachmentsDir ? resolve(attachmentsDir) : null,
    maxAttachmentBytes,
    maxTicketAttachmentBytes,
  };
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
