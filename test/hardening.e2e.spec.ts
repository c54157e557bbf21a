import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

/** Inputs an attacker or a careless integration sends: each gets a clear refusal, never a hang or a 5xx. */
describe('hardening: hostile GraphQL documents', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('validates fragment-doubling documents in linear time, without a token', async () => {
    // Each level spreads the previous one twice: re-walking every spread took 1.1 s at 20 levels, 2^40 steps at 40.
    for (const levels of [20, 40]) {
      const fragments = ['fragment F0 on Query { now }'];
      for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
      const result = await platform.gql(`query { ...F${levels} } ${fragments.join(' ')}`, {}, null);
      expect(result.status).toBeLessThan(500);
    }
  });

  it('refuses, without a token and at once, documents whose validation graphql-js would make quadratic', async () => {
    // Repeated `a: now a: __typename` (900 KB, under the 1 MB body limit): graphql-js compares every pair (seconds before).
    const pairs = (count: number) => Array.from({ length: count }, (_, i) => (i % 2 ? 'a: now' : 'a: __typename')).join(' ');
    const started = performance.now();
    const huge = await platform.gql(`{ ${pairs(80_000)} }`, {}, null);
    expect(huge.status).toBe(400);
    expect(huge.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(huge.errors?.[0]?.message).toMatch(/more tha[nt] 2000 tokens/);
    const wide = await platform.gql(`{ ${pairs(600)} }`, {}, null);
    expect(wide.status, JSON.stringify(wide.errors)).toBe(400);
    expect(wide.errors?.[0]).toMatchObject({ message: expect.stringMatching(/"a" is selected 11 times/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(performance.now() - started, 'both refused without validating').toBeLessThan(1500);
    // The 1,000 aliases of the nested tickets query no longer fit a document.
    const nested = 'tickets(first: 200) { edges { node { account { tickets(first: 200) { edges { node { id } } } } } } }';
    const aliases = await platform.gql(`query { ${Array.from({ length: 1000 }, (_, i) => `a${i}: ${nested}`).join(' ')} }`, {}, await platform.token('CUSTOMER', { accountId: 'acc-1' }));
    expect(aliases.status).toBe(400);
    expect(aliases.data).toBeUndefined();
  });

  it('applies the same bounds and the depth rule to a subscription over graphql-ws', async () => {
    const client = createClient({ url: `${platform.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${await platform.token('ENGINEER')}` }, retryAttempts: 0 });
    const refusal = (query: string) =>
      new Promise<{ message: string; extensions?: { code?: string } }[]>((resolve) => {
        client.subscribe({ query }, { next: () => resolve([]), error: (errors) => resolve(errors as never), complete: () => resolve([]) });
      });
    try {
      const tooMany = await refusal(`subscription { slaAlerts { ${Array.from({ length: 11 }, () => 'kind').join(' ')} } }`);
      expect(tooMany[0]).toMatchObject({ message: expect.stringMatching(/"kind" is selected 11 times/), extensions: { code: 'BAD_USER_INPUT' } });
      const deep = 'ticket { account { tickets { edges { node { account { tickets { edges { node { id } } } } } } } } }';
      const tooDeep = await refusal(`subscription { slaAlerts { ${deep} } }`);
      expect(tooDeep[0]?.message).toMatch(/nested \d+ levels deep; at most 10/);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a document whose cost (breadth × page sizes, aliases counted) is above the limit, before running it', async () => {
    const token = await platform.token('CUSTOMER', { accountId: 'acc-1' });
    const nested = 'tickets(first: 200) { edges { node { account { tickets(first: 200) { edges { node { id } } } } } } }';
    const result = await platform.gql(`query { a: ${nested} }`, {}, token);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/costs \d+; at most 10000/);
    expect(result.data).toBeUndefined();
  });

  it('counts every alias and the page sizes given in variables', async () => {
    const token = await platform.token('ENGINEER');
    const aliases = Array.from({ length: 100 }, (_, i) => `t${i}: tickets(first: $n) { edges { node { id } } }`).join(' ');
    const refused = await platform.gql(`query($n: Int) { ${aliases} }`, { n: 200 }, token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const allowed = await platform.gql(`query($n: Int) { ${aliases} }`, { n: 1 }, token);
    expect(allowed.errors).toBeUndefined();
  });

  it('refuses NUL characters and unpaired surrogates in IDs, variables and literals with BAD_USER_INPUT', async () => {
    const token = await platform.token('ADMIN');
    for (const id of ['x\u0000', 'x\uD800', '\uDC00x']) {
      const result = await platform.gql('query($id: ID!) { ticket(id: $id) { id } }', { id }, token);
      expect(result.status).toBeLessThan(500);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const literal = await platform.gql('{ ticket(id: "x\\u0000") { id } }', {}, token);
    expect(literal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses NUL characters in a REST path with 4xx, not 500', async () => {
    const token = await platform.token('AUDITOR');
    const response = await fetch(`${platform.url}/audit/tickets/x%00/export`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

describe('hardening: inputs a careless client sends', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let ticketId: string;
  const open = (extra: Record<string, unknown> = {}) =>
    platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', {
      input: { accountId, channel: 'PORTAL', subject: 'Audio drops', description: 'Since the 4.1 SDK', claimedSeverity: 'P2', ...extra },
    }, admin);
  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-02-13T09:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    ticketId = (await mustData(open())).openTicket.id;
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('refuses crafted cursors whose values have the wrong types, on every list', async () => {
    const cursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const lists = [
      ['query($after: String) { tickets(after: $after) { totalCount } }', cursor(['SLA_DUE', 'x', 'y', 'z', 'w'])],
      ['query($after: String) { tickets(orderBy: OPENED_AT, after: $after) { totalCount } }', cursor(['OPENED_AT', 1, 2, 3, 4])],
      [`query($after: String) { account(id: "${accountId}") { tickets(after: $after) { totalCount } } }`, cursor(['SLA_DUE', 0, 'x', 'y', 'z'])],
      ['query($after: String) { accounts(after: $after) { totalCount } }', cursor(['not-an-instant', 'x'])],
      ['query($after: String) { healthChecks(after: $after) { totalCount } }', cursor([7, 8])],
    ] as const;
    for (const [query, after] of lists) {
      const result = await platform.gql(query, { after }, admin);
      expect(result.errors?.[0]?.extensions, query).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('answers slaWhatIf with an asOf before the ticket was received with BAD_USER_INPUT', async () => {
    const result = await platform.gql('query($id: ID!) { slaWhatIf(ticketId: $id, severity: P1, asOf: "1969-01-01T00:00:00Z") { severity } }', { id: ticketId }, admin);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf' });
  });

  it('refuses a subscription sent over HTTP POST with a 4xx and a clear code', async () => {
    const result = await platform.gql('subscription { slaAlerts { kind } }', {}, admin);
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/WebSocket/);
  });

  it('limits externalId to 500 characters, as the e-mail channel does, recording nothing', async () => {
    const before = await eventCount(platform);
    const result = await open({ externalId: 'x'.repeat(501) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.externalId' });
    expect(await eventCount(platform)).toBe(before);
    expect((await open({ externalId: 'x'.repeat(500) })).errors).toBeUndefined();
  });
});
