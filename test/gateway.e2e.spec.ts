import { createHash } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql as apolloGql } from '@apollo/client';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { Client as UrqlClient, fetchExchange } from '@urql/core';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '#platform-kit';
import { composeSupergraph, startGateway, SupergraphCompositionError, type Gateway } from '../apps/gateway/gateway.js';
import { CONTRACT_PATH, CONTRACT_PRESENT, contractGaps } from './support/contract-check.js';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { SUBGRAPH_APPS } from '../apps/subgraphs.js';
import { startSubgraphApp, type RunningSubgraph } from './support/subgraph-apps.js';
import { freshPostgresDatabase, type TestDatabase } from './support/test-databases.js';
import { TEST_JWT_SECRET, type GraphqlResult, type TestPlatform } from './support/test-platform.js';
import { Receiver, verify } from './support/webhook-receiver.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TokenService } from '#platform-kit';
import { PostgresClient, SqlEventStore } from '#event-store';

// apps/gateway (GraphQL Hive Gateway) in front of the five context subgraphs (apps/subgraphs.ts), each app in its
// own child process on one PostgreSQL database (they share the store): everything below goes through the
// gateway's port. Needs LEDGERDESK_TEST_DATABASE_URL (CI sets it).
const DATABASE = process.env.LEDGERDESK_TEST_DATABASE_URL;

const OPEN = `mutation($input: OpenTicketInput!) { openTicket(input: $input) {
  id status account { id } assignee { id name } sla { severity pending breached clocks { metric state } } } }`;
const ALERTS = 'subscription($a: ID) { slaAlerts(accountId: $a) { kind metric cursor ticket { id } } }';

describe.skipIf(!DATABASE)(`the gateway over the five subgraphs${DATABASE ? '' : ' (skipped: set LEDGERDESK_TEST_DATABASE_URL)'}`, () => {
  let database: TestDatabase;
  const apps: RunningSubgraph[] = [];
  const tokens = new TokenService(TEST_JWT_SECRET, { maxLifetimeSeconds: 86_400 }, null);
  const subgraph = {
    token: (role: string, { id, accountId }: { id?: string; accountId?: string } = {}) =>
      tokens.sign({ id: id ?? `${role.toLowerCase()}-1`, role: role as never, accountId: accountId ?? null, name: null, email: null }),
  };
  let gateway: Gateway;
  let url: string;
  /** The fixtures' platform, its requests sent to the gateway instead. */
  let through: TestPlatform;
  let admin: string;
  let accountId: string;
  let otherAccountId: string;
  let engineerId: string;
  const clients: Client[] = [];
  let receiver: Receiver;
  let sink: SmtpSink;
  const EMAIL_SECRET = 'email-channel-secret-of-at-least-32-chars';

  async function gql(query: string, variables: Record<string, unknown> = {}, token: string | null = null): Promise<GraphqlResult<any>> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { ...((await response.json()) as GraphqlResult), status: response.status };
  }

  const ticketInput = (overrides: Record<string, unknown> = {}) => ({ accountId, channel: 'PORTAL', subject: 'No audio after reconnect', description: 'Since 4.1', claimedSeverity: 'P0', ...overrides });

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    receiver = await new Receiver().start();
    sink = await new SmtpSink().start();
    const env = {
      LEDGERDESK_EMAIL_CHANNEL_SECRET: EMAIL_SECRET, LEDGERDESK_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, LEDGERDESK_SMTP_FROM: 'support@ledgerdesk.example',
      LEDGERDESK_EVENT_STORE: 'postgres', DATABASE_URL: database.url, LEDGERDESK_CLOCK_START: '2026-03-06T02:00:00Z', LEDGERDESK_RATE_LIMIT_PER_IP: '0', LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
      // The test's webhook receiver listens on 127.0.0.1 over plain http.
      LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST: 'true',
    };
    // One first, so that it migrates the database alone; then the others.
    apps.push(startSubgraphApp(SUBGRAPH_APPS[0]!.name, env));
    await apps[0]!.url;
    for (const app of SUBGRAPH_APPS.slice(1)) apps.push(startSubgraphApp(app.name, env));
    const urls = await Promise.all(apps.map((app) => app.url));
    gateway = await startGateway({ subgraphs: apps.map((app, i) => ({ name: app.name, url: urls[i]! })), port: 0, logger: createLogger('silent') });
    url = `http://127.0.0.1:${gateway.port}`;
    through = { url, gql } as unknown as TestPlatform;
    admin = await subgraph.token('ADMIN');
    const calendarId = await defineCalendar(through, admin);
    accountId = await registerAccount(through, admin, { name: 'Gateway Ltd' });
    otherAccountId = await registerAccount(through, admin, { name: 'Someone Else' });
    engineerId = await registerStaff(through, admin, { role: 'ENGINEER', name: 'Round the clock' });
    await signContract(through, admin, standardContract(accountId, calendarId));
    await signContract(through, admin, standardContract(otherAccountId, calendarId));
  }, 300_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await gateway?.close();
    for (const app of apps) app.stop();
    await receiver?.close();
    await sink?.close();
    await database?.drop();
  }, 60_000);

  it('serves the contract: every coordinate of it but the audit history, which no subgraph serves yet', async () => {
    const introspection = await mustData<IntrospectionQuery>(gql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }), {}, admin));
    const served = buildClientSchema(introspection);
    expect(served.getQueryType()?.getFields()['openTicket'] ?? served.getMutationType()?.getFields()['openTicket']).toBeDefined();
    if (CONTRACT_PRESENT) {
      // audit runs in no app of the five (test/federation-composition.spec.ts lists what the supergraph lacks).
      expect(contractGaps(served), `against ${CONTRACT_PATH}`).toEqual({ unlisted: ['IntegrityReport', 'Query.ticketHistory', 'Query.verifyTicketHistory', 'TicketHistory'], stale: [] });
    }
  });

  it('opens a ticket with a bearer token and answers with its assignee and SLA', async () => {
    const engineer = await subgraph.token('ENGINEER');
    const result = await gql(OPEN, { input: ticketInput() }, engineer);
    expect(result.errors).toBeUndefined();
    const ticket = result.data!.openTicket;
    expect(ticket).toMatchObject({ status: 'OPEN', account: { id: accountId }, assignee: { id: engineerId, name: 'Round the clock' } });
    expect(ticket.sla).toMatchObject({ severity: 'P0', pending: false, breached: false });
    expect(ticket.sla.clocks.map((clock: { metric: string }) => clock.metric)).toContain('FIRST_RESPONSE');
  });

  it('keeps a customer to their own account', async () => {
    const customer = await subgraph.token('CUSTOMER', { id: 'dev-1', accountId });
    const stranger = await subgraph.token('CUSTOMER', { id: 'dev-9', accountId: otherAccountId });
    // The assignee as the monolith answers it to a customer: the staff member on their own ticket.
    const opened = await mustData(gql(OPEN, { input: ticketInput({ claimedSeverity: 'P3' }) }, customer));
    expect(opened.openTicket.assignee).toEqual({ id: engineerId, name: 'Round the clock' });
    const own = opened.openTicket.id as string;
    const openId = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
    const theirs = (await mustData(gql(openId, { input: ticketInput({ accountId: otherAccountId, claimedSeverity: 'P3' }) }, stranger))).openTicket.id as string;
    const read = 'query($id: ID!) { ticket(id: $id) { id account { id } } }';
    expect((await mustData(gql(read, { id: own }, customer))).ticket).toEqual({ id: own, account: { id: accountId } });
    expect((await gql(read, { id: theirs }, customer)).data?.ticket ?? null).toBeNull();
    const list = await mustData(gql('{ tickets(first: 50) { edges { node { account { id } } } } }', {}, customer));
    expect(new Set(list.tickets.edges.map((edge: any) => edge.node.account.id))).toEqual(new Set([accountId]));
    const refused = await gql(OPEN, { input: ticketInput({ accountId: otherAccountId }) }, customer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("passes the subgraph's error codes on, without stack traces", async () => {
    const anonymous = await gql('{ tickets(first: 1) { totalCount } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await gql(OPEN, { input: ticketInput({ channel: 'CARRIER_PIGEON' }) }, admin);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.status, 'a variable the schema refuses: 400, as the monolith').toBe(400);
    const unknownAccount = await gql(OPEN, { input: ticketInput({ accountId: '00000000-0000-4000-8000-000000000000' }) }, admin);
    expect(unknownAccount.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.accountId' });
    const invalid = await gql('{ noSuchField }', {}, admin);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // HTTP 400, as the monolith (Apollo) answers a document that does not validate.
    expect(invalid.status).toBe(400);
    const unparsable = await gql('{ tickets(', {}, admin);
    expect(unparsable.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const everything = JSON.stringify([anonymous, bad, unknownAccount, invalid, unparsable]);
    expect(everything).not.toMatch(/stacktrace|\bat \S+ \(|node_modules/);
  });

  it('keeps the CSRF and GET rules: a simple GET is refused, a GET with a token runs a query, never a mutation', async () => {
    const query = encodeURIComponent('{ now }');
    const simple = await fetch(`${url}/graphql?query=${query}`, { headers: { accept: 'application/json' } });
    expect(simple.status).toBe(400);
    expect(((await simple.json()) as GraphqlResult).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const form = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ now }' }) });
    expect(form.status).toBe(400);
    const withToken = await fetch(`${url}/graphql?query=${query}`, { headers: { accept: 'application/json', authorization: `Bearer ${admin}` } });
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as GraphqlResult).data?.['now']).toBe('2026-03-06T02:00:00.000Z');
    const mutation = encodeURIComponent('mutation { advanceClock(to: "2026-03-06T03:00:00Z") }');
    const viaGet = await fetch(`${url}/graphql?query=${mutation}`, { headers: { accept: 'application/json', authorization: `Bearer ${admin}` } });
    expect(viaGet.status).toBe(405);
    expect((await mustData(gql('{ now }', {}, admin))).now).toBe('2026-03-06T02:00:00.000Z');
  });

  it("refuses, token or not, the documents the platform refuses before validating them: too many tokens, too wide, too deep", async () => {
    const pairs = (count: number) => Array.from({ length: count }, (_, i) => (i % 2 ? 'a: now' : 'a: __typename')).join(' ');
    const started = performance.now();
    const huge = await gql(`{ ${pairs(80_000)} }`);
    expect(huge.status).toBe(400);
    expect(huge.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(huge.errors?.[0]?.message).toMatch(/more tha[nt] 2000 tokens/);
    const wide = await gql(`{ ${pairs(600)} }`);
    expect(wide.status, JSON.stringify(wide.errors)).toBe(400);
    expect(wide.errors?.[0]).toMatchObject({ message: expect.stringMatching(/"a" is selected 11 times/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(performance.now() - started, 'both refused without validating').toBeLessThan(1500);
    const deep = 'ticket(id: "x") { account { tickets { edges { node { account { tickets { edges { node { account { id } } } } } } } } } }';
    const tooDeep = await gql(`{ ${deep} }`, {}, admin);
    expect(tooDeep.errors?.[0]?.message).toMatch(/nested \d+ levels deep; at most 10/);
    expect(tooDeep.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(tooDeep.status).toBe(400);
  });

  it('refuses a document costing more than LEDGERDESK_MAX_QUERY_COST over the whole graph, before any subgraph is asked', async () => {
    const nested = '{ tickets(first: 200) { edges { node { id sla { breached } account { tickets(first: 200) { edges { node { id sla { breached } } } } } } } } }';
    const customer = await subgraph.token('CUSTOMER', { id: 'dev-1', accountId });
    const refused = await gql(nested, {}, customer);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxCost: 10_000 });
    expect(refused.errors?.[0]?.extensions?.['cost']).toBeGreaterThan(10_000);
    expect(refused.errors?.[0]?.message).toMatch(/^The query costs \d+; at most 10000 is allowed/);
    // A page of the same shape within the bound runs.
    const small = await gql(nested.replaceAll('200', '5'), {}, customer);
    expect(small.errors).toBeUndefined();
  });

  it('answers automatic persisted queries as the platform does: hash alone, then with the query, then hash alone', async () => {
    const query = '{ now }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const post = async (body: Record<string, unknown>) =>
      (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify(body) }).then((r) => r.json())) as GraphqlResult;
    expect((await post({ extensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions })).data?.['now']).toBe('2026-03-06T02:00:00.000Z');
    expect((await post({ extensions })).data?.['now']).toBe('2026-03-06T02:00:00.000Z');
    expect((await post({ query: '{ me { id } }', extensions })).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('delivers slaAlerts over graphql-ws through the gateway when advanceClock fires a breach', async () => {
    const engineer = await subgraph.token('ENGINEER');
    const received: any[] = [];
    const errors: unknown[] = [];
    const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${engineer}` }, retryAttempts: 0 });
    clients.push(client);
    const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    client.subscribe({ query: ALERTS, variables: { a: accountId } }, { next: (m) => (m.errors ? errors.push(m.errors) : received.push(m.data!['slaAlerts'])), error: (e) => errors.push(e), complete: () => undefined });
    // graphql-ws acknowledges a connection, not a subscription, and the gateway then opens its own graphql-ws
    // connection to the subgraph: give both a moment to register (alerts start at the head when subscribed).
    await connected;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ticketId = (await mustData(gql(OPEN, { input: ticketInput() }, admin))).openTicket.id as string;
    const now = (await mustData(gql('{ now }', {}, admin))).now as string;
    await mustData(gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: new Date(Date.parse(now) + 16 * 60_000).toISOString() }, admin));
    await vi.waitFor(() => expect(received.filter((alert) => alert.ticket.id === ticketId).map((alert) => alert.kind)).toEqual(['WARNING', 'BREACH']), { timeout: 10_000 });
    expect(errors).toEqual([]);
    expect(received.every((alert) => typeof alert.cursor === 'string' && alert.cursor.length > 0)).toBe(true);
    // The other processes' manual clocks followed the SLA process's: a ticket intake opens now is dated then.
    const later = new Date(Date.parse(now) + 16 * 60_000).toISOString();
    await vi.waitFor(async () => {
      const opened = (await mustData(gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { openedAt } }', { input: ticketInput({ claimedSeverity: 'P3' }) }, admin))).openTicket;
      expect(opened.openedAt).toBe(later);
    }, { timeout: 5_000, interval: 100 });
  });

  it('serves the clients frontends use, with their defaults: urql (GET), Apollo Client with APQ, Apollo over graphql-ws', async () => {
    const sha256 = (query: string) => createHash('sha256').update(query).digest('hex');
    const methods: string[] = [];
    const recording: typeof fetch = (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    };
    const urql = new UrqlClient({ url: `${url}/graphql`, exchanges: [fetchExchange], fetch: recording, fetchOptions: { headers: { authorization: `Bearer ${admin}` } } });
    const viaUrql = await urql.query('{ me { id role } }', {}).toPromise();
    expect(viaUrql.error).toBeUndefined();
    expect(viaUrql.data).toEqual({ me: { id: 'admin-1', role: 'ADMIN' } });
    expect(methods).toEqual(['GET']);

    methods.length = 0;
    const apollo = new ApolloClient({
      cache: new InMemoryCache(),
      link: ApolloLink.from([createPersistedQueryLink({ sha256, useGETForHashedQueries: true }), new HttpLink({ uri: `${url}/graphql`, headers: { authorization: `Bearer ${admin}` }, fetch: recording })]),
    });
    const query = apolloGql`query GatewayWhoami { me { id role } }`;
    const first = await apollo.query({ query, fetchPolicy: 'network-only' });
    expect(first.error).toBeUndefined();
    expect((first.data as any).me).toEqual({ __typename: 'Person', id: 'admin-1', role: 'ADMIN' });
    // The hash alone over GET (not found), then the query with its hash over POST; then the hash alone is enough.
    expect(methods).toEqual(['GET', 'POST']);
    await apollo.query({ query, fetchPolicy: 'network-only' });
    expect(methods).toEqual(['GET', 'POST', 'GET']);

    const wsClient = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${admin}` }, retryAttempts: 0 });
    clients.push(wsClient);
    const overWs = new ApolloClient({ cache: new InMemoryCache(), link: new GraphQLWsLink(wsClient) });
    const kinds: string[] = [];
    const subscription = overWs
      .subscribe({ query: apolloGql`subscription($a: ID) { slaAlerts(accountId: $a) { kind ticket { id } } }`, variables: { a: accountId } })
      .subscribe({ next: (message) => kinds.push(`${(message.data as any)?.slaAlerts?.ticket?.id}:${(message.data as any)?.slaAlerts?.kind}`) });
    // A query answered on the same socket: the connection is up (the gateway then subscribes upstream).
    expect((await overWs.query({ query: apolloGql`{ me { id } }`, fetchPolicy: 'network-only' })).data).toMatchObject({ me: { id: 'admin-1' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ticketId = (await mustData(gql(OPEN, { input: ticketInput() }, admin))).openTicket.id as string;
    const now = (await mustData(gql('{ now }', {}, admin))).now as string;
    await mustData(gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: new Date(Date.parse(now) + 16 * 60_000).toISOString() }, admin));
    await vi.waitFor(() => expect(kinds.filter((entry) => entry.startsWith(ticketId))).toEqual([`${ticketId}:WARNING`, `${ticketId}:BREACH`]), { timeout: 10_000 });
    subscription.unsubscribe();
  });

  it("shows ADMIN the parked events of every process's reactors, and retries one in the process that runs it", async () => {
    // A poison event for health checks' reactor (a number for the SDK's name), appended by hand: the
    // health-checks process parks it; the SLA process, which answers these operations, shows and retries it.
    const advisory = { sdkName: 'Agora RTC SDK', affectedVersions: '>=4.0.0 <4.2.3', fixedIn: '4.2.3', severity: 'P1', summary: 'Audio drops' };
    await mustData(gql('mutation($input: PublishSdkAdvisoryInput!) { publishSdkAdvisory(input: $input) { id } }', { input: advisory }, admin));
    const ticketId = (await mustData(gql(OPEN, { input: ticketInput({ claimedSeverity: 'P3' }) }, admin))).openTicket.id;
    const poison = '6f0c1d3e-0000-4000-8000-0000000000b7';
    const metadata = { occurredAt: '2026-03-06T02:00:00.000Z', actor: { id: 'admin-1', role: 'ADMIN' as const }, correlationId: poison, causationId: null, schemaVersion: 1 };
    const sql = new PostgresClient({ connectionString: database.url, maxConnections: 1 });
    try {
      const store = await SqlEventStore.open(sql, { ownsClient: false });
      await store.append(`ticket-${ticketId}`, [{ id: poison, type: 'DiagnosticsAdded', data: { ticketId, diagnostics: { sdkName: 42, sdkVersion: '4.0.1' }, addedBy: metadata.actor, addedAt: metadata.occurredAt }, metadata }], 'any');
      await store.close();
    } finally {
      await sql.close();
    }
    const PARKED = 'query($r: String) { parkedEvents(reactor: $r) { totalCount edges { node { eventId attempts error } } } }';
    const parked = await vi.waitFor(
      async () => {
        const page = (await mustData(gql(PARKED, { r: 'health-checks.sdk-exposure' }, admin))).parkedEvents;
        expect(page.totalCount).toBe(1);
        return page.edges[0].node;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(parked).toMatchObject({ eventId: poison, attempts: 5, error: expect.stringMatching(/trim/) });
    const reactors = (await mustData(gql('{ reactors { name parkedCount } }', {}, admin))).reactors;
    expect(reactors).toEqual(expect.arrayContaining([{ name: 'health-checks.sdk-exposure', parkedCount: 1 }, expect.objectContaining({ name: 'triage.route-new-tickets' })]));
    const RETRY = 'mutation($r: String!, $e: ID!) { retryParkedEvent(reactor: $r, eventId: $e) { recorded error parkedEvent { attempts } } }';
    const retried = (await mustData(gql(RETRY, { r: 'health-checks.sdk-exposure', e: poison }, admin))).retryParkedEvent;
    expect(retried).toMatchObject({ recorded: false, error: expect.stringMatching(/trim/), parkedEvent: { attempts: 6 } });
  });

  it('delivers a public reply to a webhook ADMIN registered through the gateway, signed, once (outbound runs in the intake app)', async () => {
    const hook = (await mustData(gql('mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret webhook { id } } }', { input: { url: `${receiver.url}/replies`, eventTypes: ['ReplyAdded'] } }, admin)))
      .registerWebhook;
    const ticketId = (await mustData(gql(OPEN, { input: ticketInput({ claimedSeverity: 'P3' }) }, admin))).openTicket.id as string;
    await mustData(gql('mutation($id: ID!, $b: String!, $v: Visibility) { addReply(ticketId: $id, body: $b, visibility: $v) { id } }', { id: ticketId, b: 'Fixed in 4.1.2', v: 'PUBLIC' }, admin));
    const deliveries = 'query($id: ID!) { deliveries(ticketId: $id) { webhookId eventType status attempts idempotencyKey } }';
    await vi.waitFor(async () => expect((await mustData(gql(deliveries, { id: ticketId }, admin))).deliveries).toMatchObject([{ webhookId: hook.webhook.id, eventType: 'ReplyAdded', status: 'SUCCEEDED', attempts: 1 }]), { timeout: 15_000, interval: 100 });
    const received = receiver.requests.filter((request) => request.path === '/replies' && JSON.parse(request.body).ticketId === ticketId);
    expect(received.map((request) => JSON.parse(request.body).data.body)).toEqual(['Fixed in 4.1.2']);
    expect(verify(hook.secret, String(received[0]!.headers['ledgerdesk-signature']), received[0]!.body)).toBe(true);
    const [delivery] = (await mustData(gql(deliveries, { id: ticketId }, admin))).deliveries;
    expect(received[0]!.headers['idempotency-key']).toBe(delivery.idempotencyKey);
  });

  it('runs outbound’s reactors in the intake process and incidents’ in the triage process, nowhere else', async () => {
    const reactorsOf = async (app: RunningSubgraph) => Object.keys(((await (await fetch((await app.url).replace('/graphql', '/health/ready'))).json()) as { reactors: Record<string, unknown> }).reactors);
    const running = Object.fromEntries(await Promise.all(apps.map(async (app) => [app.name, await reactorsOf(app)] as const)));
    const hosts = (reactor: string) => Object.keys(running).filter((name) => running[name]!.includes(reactor)).sort();
    expect({ outbox: hosts('outbound.outbox'), paging: hosts('outbound.paging'), autoLink: hosts('incidents.auto-link') }).toEqual({ outbox: ['intake'], paging: ['intake'], autoLink: ['triage'] });
  });

  it('broadcasts a PUBLIC incident update as a reply on a linked ticket, and it goes out like any reply (incidents run in the triage app)', async () => {
    const engineer = await subgraph.token('ENGINEER', { id: 'eng-oncall' });
    const declared = await mustData(
      gql('mutation($input: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $input) { id status } }', {
        input: { title: 'CDN ap-east-1 outage', severity: 'SEV1', regions: ['ap-east-1'], components: ['CDN'], startedAt: '2026-03-06T01:50:00Z', publicSummary: 'Playback fails in ap-east-1' },
      }, engineer),
    );
    const incidentId = declared.declarePlatformIncident.id as string;
    const ticketId = (await mustData(gql(OPEN, { input: ticketInput({ claimedSeverity: 'P3', subject: 'CDN black screen' }) }, admin))).openTicket.id as string;
    const linked = await mustData(gql('mutation($id: ID!, $ids: [ID!]!) { linkTicketsToIncident(incidentId: $id, ticketIds: $ids) { linkedTicketCount } }', { id: incidentId, ids: [ticketId] }, engineer));
    expect(linked.linkTicketsToIncident.linkedTicketCount).toBe(1);
    const post = 'mutation($id: ID!, $b: String!, $v: IncidentVisibility!) { postIncidentUpdate(incidentId: $id, status: IDENTIFIED, body: $b, visibility: $v) { updates { id visibility } } }';
    await mustData(gql(post, { id: incidentId, b: 'edge config push suspected', v: 'INTERNAL' }, engineer));
    const updates = (await mustData(gql(post, { id: incidentId, b: 'A CDN configuration change is being rolled back.', v: 'PUBLIC' }, engineer))).postIncidentUpdate.updates;
    const update = updates.find((u: { visibility: string }) => u.visibility === 'PUBLIC');
    const read = 'query($id: ID!) { ticket(id: $id) { replies { body visibility incidentUpdateId } incident { id title } } }';
    await vi.waitFor(async () => expect((await mustData(gql(read, { id: ticketId }, admin))).ticket.replies).toHaveLength(1), { timeout: 15_000, interval: 100 });
    expect((await mustData(gql(read, { id: ticketId }, admin))).ticket).toEqual({
      replies: [{ body: expect.stringContaining('A CDN configuration change is being rolled back.'), visibility: 'PUBLIC', incidentUpdateId: update.id }],
      incident: { id: incidentId, title: 'CDN ap-east-1 outage' },
    });
    // The webhook of the test above (ReplyAdded) gets the broadcast reply, once.
    await vi.waitFor(() => expect(receiver.requests.filter((request) => request.path === '/replies' && JSON.parse(request.body).ticketId === ticketId)).toHaveLength(1), { timeout: 15_000, interval: 100 });
  });

  it('sends a public reply by e-mail to the customer who wrote in, once (e-mail in through the intake process, out through outbound there)', async () => {
    const mailAccount = await registerAccount(through, admin, { name: 'Mail Split Co', emailDomains: ['mailsplit.example'] });
    const calendarId = (await mustData(gql('{ calendars { id } }', {}, admin))).calendars[0].id as string;
    await signContract(through, admin, standardContract(mailAccount, calendarId, { channels: ['EMAIL', 'PORTAL'] }));
    const intake = (await apps.find((app) => app.name === 'intake')!.url).replace('/graphql', '/channels/email');
    const message = ['From: Li Na <li@mailsplit.example>', 'To: support@ledgerdesk.example', 'Subject: [P2] Echo on Android', 'Message-ID: <split-1@mailsplit.example>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Echo since 4.2.'].join('\r\n');
    const posted = await vi.waitFor(async () => {
      const response = await fetch(intake, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${EMAIL_SECRET}` }, body: message });
      expect(response.status).toBeLessThan(300); // intake's copy of the account's domains may lag the registration
      return (await response.json()) as { ticketId: string; action: string };
    }, { timeout: 10_000, interval: 200 });
    expect(posted.action).toBe('opened');
    await mustData(gql('mutation($id: ID!, $b: String!, $v: Visibility) { addReply(ticketId: $id, body: $b, visibility: $v) { id } }', { id: posted.ticketId, b: 'Please update to 4.2.3.', v: 'PUBLIC' }, admin));
    await vi.waitFor(() => expect(sink.messages.filter((mail) => mail.inReplyTo === '<split-1@mailsplit.example>')).toHaveLength(1), { timeout: 15_000, interval: 100 });
    const [mail] = sink.messages.filter((m) => m.inReplyTo === '<split-1@mailsplit.example>');
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.value.map((a) => a.address) : []).toEqual(['li@mailsplit.example']);
    expect(mail!.text?.trim()).toBe('Please update to 4.2.3.');
  });

  it('pages the on-call ADMIN configured through the gateway when a P0 is opened (Events v2 trigger)', async () => {
    const input = { provider: 'PAGERDUTY_EVENTS_V2', url: `${receiver.url}/page`, routingKey: 'GATEWAYKEY0000000001', severities: ['P0'], triggers: ['TICKET_OPENED'] };
    await mustData(gql('mutation($input: ConfigureOnCallInput!) { configureOnCall(input: $input) { configuredAt } }', { input }, admin));
    const ticketId = (await mustData(gql(OPEN, { input: ticketInput({ claimedSeverity: 'P0', subject: 'Paging through the split' }) }, admin))).openTicket.id as string;
    const triggers = () => receiver.bodies('/page').filter((page) => page.event_action === 'trigger' && JSON.stringify(page).includes(ticketId));
    await vi.waitFor(() => expect(triggers()).toHaveLength(1), { timeout: 15_000, interval: 100 });
    expect(triggers()[0]).toMatchObject({ routing_key: 'GATEWAYKEY0000000001', event_action: 'trigger', dedup_key: expect.stringContaining(ticketId) });
  });

  it('closes a graphql-ws connection without a token (4403), as the platform does', async () => {
    const closed = await new Promise<number>((resolve) => {
      const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined, on: { closed: (event) => resolve((event as { code: number }).code) } });
      clients.push(client);
    });
    expect(closed).toBe(4403);
  });
});

describe('composition at start', () => {
  it('refuses subgraphs that do not compose, naming the composition errors', () => {
    const a = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Query { now: String }';
    expect(() =>
      composeSupergraph([
        { name: 'a', url: 'http://a/graphql', sdl: a },
        { name: 'b', url: 'http://b/graphql', sdl: a },
      ]),
    ).toThrow(SupergraphCompositionError);
    expect(() =>
      composeSupergraph([
        { name: 'a', url: 'http://a/graphql', sdl: a },
        { name: 'b', url: 'http://b/graphql', sdl: a },
      ]),
    ).toThrow(/INVALID_FIELD_SHARING/);
  });

  it('gives up on a subgraph that never answers, naming it', async () => {
    // A port nothing listens on: taken from the system, then released.
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    await expect(startGateway({ subgraphs: [{ name: 'triage', url }], port: 0, logger: createLogger('silent'), subgraphWaitMs: 600 })).rejects.toThrow(
      `subgraph triage (${url}) did not answer _service { sdl }: ECONNREFUSED (waited 600 ms)`,
    );
  });
});
