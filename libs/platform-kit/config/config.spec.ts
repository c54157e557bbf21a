import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_REACTION_WAIT_MS, loadConfig, reactionWaitMs, readYourWritesWaitMs } from './config.js';

describe('configuration', () => {
  it('reads the reaction wait per call: default 5000, 0 answers at once', () => {
    expect(reactionWaitMs({})).toBe(DEFAULT_REACTION_WAIT_MS);
    expect(reactionWaitMs({ LEDGERDESK_REACTION_WAIT_MS: '' })).toBe(5_000);
    expect(reactionWaitMs({ LEDGERDESK_REACTION_WAIT_MS: '0' })).toBe(0);
    expect(reactionWaitMs({ LEDGERDESK_REACTION_WAIT_MS: '250' })).toBe(250);
    expect(() => loadConfig({ LEDGERDESK_REACTION_WAIT_MS: '250' })).not.toThrow();
  });

  it('reads the read-your-writes bound per call: default 10000', () => {
    expect(readYourWritesWaitMs({})).toBe(10_000);
    expect(readYourWritesWaitMs({ LEDGERDESK_READ_YOUR_WRITES_WAIT_MS: '300' })).toBe(300);
  });

  it('defaults to the embedded store, port 4000 and the system clock', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, eventStore: 'pglite', clock: 'system', databaseUrl: null });
    expect(config.dataDir).toMatch(/\.ledgerdesk$/);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ LEDGERDESK_EVENT_STORE: 'mysql' }, /^LEDGERDESK_EVENT_STORE: must be one of pglite, postgres, kurrentdb/],
    [{ LEDGERDESK_EVENT_STORE: 'postgres' }, /^DATABASE_URL: is required/],
    [{ LEDGERDESK_EVENT_STORE: 'kurrentdb', DATABASE_URL: 'postgres://x' }, /^EVENTSTORE_URL: is required/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: /],
    [{ LEDGERDESK_CLOCK: 'fast' }, /^LEDGERDESK_CLOCK: /],
    [{ LEDGERDESK_CLOCK: 'manual', LEDGERDESK_CLOCK_START: '2026-02-13 09:50' }, /^LEDGERDESK_CLOCK_START: /],
    [{ LEDGERDESK_CLOCK_START: '2026-02-13T09:50:00Z' }, /^LEDGERDESK_CLOCK_START: only applies/],
    [{ LEDGERDESK_JWT_SECRET: 'short' }, /^LEDGERDESK_JWT_SECRET: /],
    [{ LEDGERDESK_SHUTDOWN_TIMEOUT_MS: '10s' }, /^LEDGERDESK_SHUTDOWN_TIMEOUT_MS: must be a whole number/],
    [{ LEDGERDESK_REACTION_WAIT_MS: '5s' }, /^LEDGERDESK_REACTION_WAIT_MS: must be a whole number/],
    [{ LEDGERDESK_REACTION_WAIT_MS: '-1' }, /^LEDGERDESK_REACTION_WAIT_MS: must be a whole number/],
    [{ LEDGERDESK_READ_YOUR_WRITES_WAIT_MS: '10s' }, /^LEDGERDESK_READ_YOUR_WRITES_WAIT_MS: must be a whole number/],
    [{ LEDGERDESK_GRAPHIQL: 'yes' }, /^LEDGERDESK_GRAPHIQL: must be one of on, off/],
    [{ LEDGERDESK_CORS_ORIGINS: '*' }, /^LEDGERDESK_CORS_ORIGINS: "\*" is not an origin/],
    [{ LEDGERDESK_CORS_ORIGINS: 'https://desk.example.com,https://desk.example.com/app' }, /^LEDGERDESK_CORS_ORIGINS: "https:\/\/desk.example.com\/app" is not an origin/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('sends the Slack bot token to files.slack.com only, unless another origin is configured', () => {
    expect(loadConfig({})).toMatchObject({ slackBotToken: null, slackFilesOrigin: 'https://files.slack.com' });
    expect(loadConfig({ LEDGERDESK_SLACK_BOT_TOKEN: 'xoxb-1', LEDGERDESK_SLACK_FILES_ORIGIN: 'http://127.0.0.1:8080/' })).toMatchObject({ slackBotToken: 'xoxb-1', slackFilesOrigin: 'http://127.0.0.1:8080' });
    for (const origin of ['files.slack.com', 'https://files.slack.com/files-pri', 'ftp://files.slack.com']) {
      expect(() => loadConfig({ LEDGERDESK_SLACK_FILES_ORIGIN: origin })).toThrow('LEDGERDESK_SLACK_FILES_ORIGIN');
    }
  });

  it('reads CORS origins, none by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ LEDGERDESK_CORS_ORIGINS: ' https://desk.example.com/, http://localhost:5173 ' }).corsOrigins).toEqual([
      'https://desk.example.com',
      'http://localhost:5173',
    ]);
  });

  it('serves the GraphiQL explorer unless NODE_ENV=production, whatever LEDGERDESK_GRAPHIQL says wins', () => {
    expect(loadConfig({}).graphiql).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', LEDGERDESK_GRAPHIQL: 'on' }).graphiql).toBe(true);
    expect(loadConfig({ LEDGERDESK_GRAPHIQL: 'off' }).graphiql).toBe(false);
  });

  it('reads a manual clock start', () => {
    const config = loadConfig({ LEDGERDESK_CLOCK: 'manual', LEDGERDESK_CLOCK_START: '2026-02-13T17:50:00+08:00' });
    expect(config.clockStart?.toISOString()).toBe('2026-02-13T09:50:00.000Z');
  });

  it("reads the gateway's subgraphs (name=url, in order), none by default, and refuses a malformed or repeated one", () => {
    expect(loadConfig({}).subgraphs).toEqual([]);
    expect(loadConfig({ LEDGERDESK_SUBGRAPHS: ' platform=http://127.0.0.1:4001/graphql , health-checks=https://hc.internal/graphql' }).subgraphs).toEqual([
      { name: 'platform', url: 'http://127.0.0.1:4001/graphql' },
      { name: 'health-checks', url: 'https://hc.internal/graphql' },
    ]);
    expect(() => loadConfig({ LEDGERDESK_SUBGRAPHS: 'http://127.0.0.1:4001/graphql' })).toThrow(/^LEDGERDESK_SUBGRAPHS: "http:\/\/127.0.0.1:4001\/graphql" is not name=url/);
    expect(() => loadConfig({ LEDGERDESK_SUBGRAPHS: 'a=ftp://x/graphql' })).toThrow(/^LEDGERDESK_SUBGRAPHS: "a=ftp:\/\/x\/graphql" is not name=url/);
    expect(() => loadConfig({ LEDGERDESK_SUBGRAPHS: 'a=http://x/graphql,a=http://y/graphql' })).toThrow(/^LEDGERDESK_SUBGRAPHS: names the subgraph "a" twice/);
  });
});
