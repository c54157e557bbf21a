import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const NODE = `query($id: ID!) { node(id: $id) { __typename id
  ... on Ticket { subject } ... on Account { name } ... on StaffMember { name } ... on BreachClaim { statement } ... on HealthCheck { agenda } } }`;

describe('Relay object identification: node(id:) over the types’ own ids', () => {
  let platform: TestPlatform;
  let admin: string;
  let customer: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-11-02T01:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    ids.Account = await registerAccount(platform, admin, { name: 'Livestream Co' });
    ids.other = await registerAccount(platform, admin, { name: 'Other Co' });
    await signContract(platform, admin, standardContract(ids.Account, calendarId));
    await signContract(platform, admin, standardContract(ids.other, calendarId));
    ids.StaffMember = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam A' });
    customer = await platform.token('CUSTOMER', { accountId: ids.Account });
    const open = (accountId: string, subject: string) =>
      mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', {
        input: { accountId, channel: 'PORTAL', subject, description: 'd', claimedSeverity: 'P1' },
      }, admin)).then((data) => data.openTicket.id as string);
    ids.Ticket = await open(ids.Account, 'No audio');
    ids.otherTicket = await open(ids.other, 'Not yours');
    ids.BreachClaim = (await mustData(platform.gql('mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id } }', {
      input: { ticketId: ids.Ticket, metric: 'FIRST_RESPONSE', statement: 'late' },
    }, customer))).fileBreachClaim.id;
    ids.HealthCheck = (await mustData(platform.gql('mutation($input: ScheduleHealthCheckInput!) { scheduleHealthCheck(input: $input) { id } }', {
      input: { accountId: ids.Account, kind: 'PERIODIC', agenda: 'Quarterly review', dueAt: '2026-12-01T02:00:00Z' },
    }, admin))).scheduleHealthCheck.id;
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('answers each main type by the id its own queries hand out', async () => {
    const expected: Record<string, Record<string, string>> = {
      Ticket: { subject: 'No audio' },
      Account: { name: 'Livestream Co' },
      StaffMember: { name: 'Tam A' },
      BreachClaim: { statement: 'late' },
      HealthCheck: { agenda: 'Quarterly review' },
    };
    for (const [typeName, fields] of Object.entries(expected)) {
      const data = await mustData(platform.gql(NODE, { id: ids[typeName] }, admin));
      expect(data.node).toEqual({ __typename: typeName, id: ids[typeName], ...fields });
    }
    const many = await mustData(platform.gql('query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', { ids: [ids.Ticket, 'no-such-id', ids.Account] }, admin));
    expect(many.nodes).toEqual([{ __typename: 'Ticket', id: ids.Ticket }, null, { __typename: 'Account', id: ids.Account }]);
  });

  it('answers null for an unknown id and for what the caller may not see, as the typed queries do', async () => {
    expect((await mustData(platform.gql(NODE, { id: '00000000-0000-4000-8000-000000000000' }, admin))).node).toBeNull();
    expect((await mustData(platform.gql(NODE, { id: ids.Ticket }, customer))).node).toMatchObject({ __typename: 'Ticket' });
    expect((await mustData(platform.gql(NODE, { id: ids.otherTicket }, customer))).node).toBeNull();
    expect((await mustData(platform.gql(NODE, { id: ids.other }, customer))).node).toBeNull();
    expect((await mustData(platform.gql(NODE, { id: ids.StaffMember }, customer))).node).toBeNull();
    expect((await platform.gql(NODE, { id: ids.Ticket }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('works with Apollo Client’s normalised cache (possibleTypes of Node)', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: `${platform.url}/graphql`, headers: { authorization: `Bearer ${admin}` } }),
      cache: new InMemoryCache({ possibleTypes: { Node: ['Ticket', 'Account', 'StaffMember', 'BreachClaim', 'HealthCheck'] } }),
    });
    const result = await client.query({ query: gql(`query($id: ID!) { node(id: $id) { id ...T } } fragment T on Ticket { subject status }`), variables: { id: ids.Ticket } });
    expect(result.data as object).toMatchObject({ node: { __typename: 'Ticket', id: ids.Ticket, subject: 'No audio', status: 'OPEN' } });
    // The node and the typed query meet in one cache entry.
    const typed = await client.query({ query: gql('query($id: ID!) { ticket(id: $id) { id subject } }'), variables: { id: ids.Ticket }, fetchPolicy: 'cache-first' });
    expect(typed.data as object).toMatchObject({ ticket: { id: ids.Ticket, subject: 'No audio' } });
    expect((client.cache.extract() as Record<string, unknown>)[`Ticket:${ids.Ticket}`]).toMatchObject({ subject: 'No audio' });
  });
});
