import type { Type } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLSchema } from 'graphql';
import { PLATFORM_CONTEXTS } from '../../apps/platform/platform.contexts.js';
import { createLogger, loadConfig, PlatformRuntime, startLedgerdesk, TokenService, type Logger, type Principal } from '#platform-kit';
import type { Role } from '#event-store';
import { openTestPglite } from '../../libs/event-store/testing/test-pglite.js';
import { freshPostgresDatabase, type TestBackend } from './test-databases.js';

export const TEST_JWT_SECRET = 'test-secret-0123456789-0123456789-0123456789';

export interface GraphqlResult<Data = Record<string, any>> {
  status: number;
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown }; [key: string]: unknown }[];
}

export interface TestPlatform {
  url: string;
  runtime: PlatformRuntime;
  schema: GraphQLSchema;
  token(role: Role, options?: { id?: string; accountId?: string; expiresIn?: string | number; name?: string; email?: string }): Promise<string>;
  /** POSTs a GraphQL operation as the given token (or none). */
  gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphqlResult<Data>>;
  close(): Promise<void>;
}

/**
 * The whole platform (or some contexts) on a manual clock, on a free port: on an in-memory PGlite, or with
 * `backend: 'postgres'` in a fresh database on the LEDGERDESK_TEST_DATABASE_URL server (dropped on close).
 */
export async function startTestPlatform(
  options: { clockStart?: string; clock?: 'manual' | 'system'; contexts?: Type[]; env?: Record<string, string>; backend?: TestBackend; logger?: Logger; subgraph?: boolean } = {},
): Promise<TestPlatform> {
  const clock = options.clock ?? 'manual';
  const database = options.backend === 'postgres' ? await freshPostgresDatabase() : null;
  const config = loadConfig({
    PORT: '0',
    LEDGERDESK_DATA_DIR: 'memory://',
    LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET,
    LEDGERDESK_CLOCK: clock,
    // Suites fire hundreds of requests a second from one address as one admin; the rate-limit test sets its own.
    LEDGERDESK_RATE_LIMIT_PER_IP: '0',
    LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
    ...(clock === 'manual' ? { LEDGERDESK_CLOCK_START: options.clockStart ?? '2026-02-13T09:00:00Z' } : {}),
    ...(database ? { LEDGERDESK_EVENT_STORE: 'postgres', DATABASE_URL: database.url } : {}),
    ...options.env,
  });
  const logger = options.logger ?? createLogger(process.env.LEDGERDESK_TEST_LOG ?? 'silent');
  const started = await startLedgerdesk('test', options.contexts ?? PLATFORM_CONTEXTS, config, logger, { openEmbedded: openTestPglite, subgraph: options.subgraph ?? false }).catch(async (error: unknown) => {
    await database?.drop();
    throw error;
  });
  const { app, port } = started;
  // Client and server share this process's event loop, which PGlite's synchronous queries block for seconds under
  // load: the server's 5 s keep-alive close and the client's reuse of that idle socket then land in the same tick,
  // and the request dies with ECONNRESET. Longer than any suite's idle gap, so a test never meets that race.
  const http = app.getHttpServer() as import('node:http').Server;
  http.keepAliveTimeout = 120_000;
  const url = `http://127.0.0.1:${port}`;
  const tokens = app.get(TokenService);
  return {
    url,
    runtime: app.get(PlatformRuntime),
    schema: app.get(GraphQLSchemaHost).schema,
    token: (role, { id, accountId, expiresIn, name, email } = {}) =>
      tokens.sign({ id: id ?? `${role.toLowerCase()}-1`, role, accountId: accountId ?? null, name: name ?? null, email: email ?? null } satisfies Principal, expiresIn),
    async gql(query, variables, token) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphqlResult;
      return { ...body, status: response.status } as GraphqlResult<any>;
    },
    async close() {
      await app.close();
      await database?.drop();
    },
  };
}
