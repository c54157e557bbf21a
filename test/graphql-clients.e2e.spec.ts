import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { Client as UrqlClient, fetchExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const sha256 = (query: string) => createHash('sha256').update(query).digest('hex');

/** The requests a client sent, as the server saw them (method, and whether the full query travelled). */
function recordingFetch(sent: { method: string; hasQuery: boolean }[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { query?: string }) : {};
    sent.push({ method, hasQuery: method === 'GET' ? url.searchParams.has('query') : typeof body.query === 'string' });
    return fetch(input, init);
  };
}

describe('GraphQL clients with their defaults: urql, Apollo Client with APQ, graphql-ws', () => {
  let platform: TestPlatform;
  let admin: string;
  const logLines: { level: number; msg: string; code?: string }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z', logger: pino({ level: 'warn' }, sink) });
    admin = await platform.token('ADMIN');
  });
  afterAll(async () => {
    await platform?.close();
  });

  const get = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${platform.url}/graphql?${new URLSearchParams(params)}`, { headers: { accept: 'application/json', ...headers } });

  it('answers urql’s default client, which sends short queries as GET with the Authorization header', async () => {
    const sent: { method: string; hasQuery: boolean }[] = [];
    const client = new UrqlClient({
      url: `${platform.url}/graphql`,
      exchanges: [fetchExchange],
      fetch: recordingFetch(sent),
      fetchOptions: { headers: { authorization: `Bearer ${admin}` } },
    });
    const result = await client.query('{ now me { id role } }', {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ now: '2026-03-06T02:00:00.000Z', me: { id: 'admin-1', role: 'ADMIN' } });
    expect(sent).toEqual([{ method: 'GET', hasQuery: true }]);

    // urql sends mutations as POST; they work as before.
    const moved = await client.mutation('mutation { advanceClock(to: "2026-03-06T02:01:00Z") }', {}).toPromise();
    expect(moved.data).toEqual({ advanceClock: '2026-03-06T02:01:00.000Z' });
    expect(sent[1]).toEqual({ method: 'POST', hasQuery: true });
  });

  it('lets a GET carrying one of Apollo’s preflight headers through, refuses a simple GET as a possible CSRF', async () => {
    // Through the CSRF check: the operation itself then runs and asks for a token.
    const withPreflight = await get({ query: '{ now }' }, { 'apollo-require-preflight': 'true' });
    expect(withPreflight.status).toBe(200);
    expect(((await withPreflight.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const simple = await get({ query: '{ now }' });
    expect(simple.status).toBe(400);
    const body = (await simple.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  it('never runs a mutation over GET, even with a token', async () => {
    const response = await get({ query: 'mutation { advanceClock(to: "2026-03-07T00:00:00Z") }' }, { authorization: `Bearer ${admin}` });
    expect(response.status).toBe(405);
    expect((await platform.gql('{ now }', {}, admin)).data).toEqual({ now: '2026-03-06T02:01:00.000Z' });
  });

  it('speaks automatic persisted queries with Apollo Client’s persisted-query link, over POST and GET', async () => {
    const query = gql`query Whoami { me { id role } now }`;
    const client = (sent: { method: string; hasQuery: boolean }[], useGETForHashedQueries: boolean) =>
      new ApolloClient({
        cache: new InMemoryCache(),
        link: ApolloLink.from([
          createPersistedQueryLink({ sha256, useGETForHashedQueries }),
          new HttpLink({ uri: `${platform.url}/graphql`, headers: { authorization: `Bearer ${admin}` }, fetch: recordingFetch(sent) }),
        ]),
      });

    const first: { method: string; hasQuery: boolean }[] = [];
    const answered = await client(first, false).query({ query, fetchPolicy: 'network-only' });
    expect(answered.error).toBeUndefined();
    expect(answered.data).toEqual({ me: { __typename: 'Person', id: 'admin-1', role: 'ADMIN' }, now: '2026-03-06T02:01:00.000Z' });
    // The hash alone, PERSISTED_QUERY_NOT_FOUND, then the hash with the query, which the server keeps.
    expect(first).toEqual([
      { method: 'POST', hasQuery: false },
      { method: 'POST', hasQuery: true },
    ]);

    const second: { method: string; hasQuery: boolean }[] = [];
    const again = await client(second, true).query({ query, fetchPolicy: 'network-only' });
    expect((again.data as any)?.me).toEqual({ __typename: 'Person', id: 'admin-1', role: 'ADMIN' });
    expect(second).toEqual([{ method: 'GET', hasQuery: false }]);
  });

  it('passes Apollo’s own error codes through unchanged and logs client mistakes at warn, not error', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const post = async (body: unknown) => {
      const response = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
      return (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    };
    const unknownHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ neverSent }') } } });
    expect(unknownHash.errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query: '{ now ' })).errors[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect((await post({ query: '{ secrets }' })).errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const mismatch = await post({ query: '{ now }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { id } }') } } });
    expect(mismatch.errors[0]!.extensions.code).toBe('BAD_REQUEST');

    expect(logLines.filter((line) => line.level >= 50)).toEqual([]);
    expect(logLines.filter((line) => line.level === 40).map((line) => line.code)).toEqual(
      expect.arrayContaining(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']),
    );
  });

  it('delivers subscriptions through Apollo Client’s graphql-ws link', async () => {
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    // Someone to route the P0 to (an unassignable one would raise an UNASSIGNABLE alert first).
    await registerStaff(platform, admin, { role: 'ENGINEER' });
    const wsClient = createWsClient({ url: `${platform.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${admin}` }, retryAttempts: 0 });
    const connected = new Promise<void>((resolve) => wsClient.on('connected', () => resolve()));
    const client = new ApolloClient({ cache: new InMemoryCache(), link: new GraphQLWsLink(wsClient) });
    try {
      const alerts: unknown[] = [];
      const subscription = client
        .subscribe({ query: gql`subscription($a: ID) { slaAlerts(accountId: $a) { kind metric } }`, variables: { a: accountId } })
        .subscribe({ next: (message) => alerts.push((message.data as any)?.slaAlerts) });
      await connected;
      // graphql-ws acknowledges the connection, not the subscription: a query answered on the same socket
      // after it means the server has taken the subscription in.
      expect((await client.query({ query: gql`{ now }`, fetchPolicy: 'network-only' })).data).toEqual({ now: '2026-03-06T02:01:00.000Z' });
      await mustData(
        platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, admin),
      );
      await mustData(platform.gql('mutation { advanceClock(to: "2026-03-06T02:20:00Z") }', {}, admin));
      await vi.waitFor(() => expect(alerts).toHaveLength(2), { timeout: 5_000 });
      expect(alerts).toEqual([
        { __typename: 'SlaAlert', kind: 'WARNING', metric: 'FIRST_RESPONSE' },
        { __typename: 'SlaAlert', kind: 'BREACH', metric: 'FIRST_RESPONSE' },
      ]);
      subscription.unsubscribe();
    } finally {
      await wsClient.dispose();
    }
  });
});
