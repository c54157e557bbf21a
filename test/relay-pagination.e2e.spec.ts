import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const PAGE = 'query($after: String) { accounts(first: 2, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }';

describe('Relay page info on the shared connection helper', () => {
  let platform: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    admin = await platform.token('ADMIN');
    // One minute apart: the list is ordered by registration instant.
    for (const [index, name] of ['A', 'B', 'C'].entries()) {
      await registerAccount(platform, admin, { name });
      await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: `2026-02-13T09:0${index + 1}:00Z` }, admin));
    }
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('gives startCursor and hasPreviousPage beside endCursor and hasNextPage, page after page', async () => {
    const first = (await mustData(platform.gql(PAGE, {}, admin))).accounts;
    expect(first.edges.map((edge: any) => edge.node.name)).toEqual(['A', 'B']);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1].cursor, hasPreviousPage: false, startCursor: first.edges[0].cursor });

    const second = (await mustData(platform.gql(PAGE, { after: first.pageInfo.endCursor }, admin))).accounts;
    expect(second.edges.map((edge: any) => edge.node.name)).toEqual(['C']);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0].cursor, hasPreviousPage: true, startCursor: second.edges[0].cursor });

    const empty = (await mustData(platform.gql(PAGE, { after: second.pageInfo.endCursor }, admin))).accounts;
    expect(empty).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null, hasPreviousPage: true, startCursor: null } });
  });
});

const names = (connection: any) => connection.edges.map((edge: any) => edge.node.name ?? edge.node.subject ?? edge.node.agenda);

describe('Relay both ways: last/before and a sort direction on every connection', () => {
  let platform: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-11-02T01:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    let accountId = '';
    for (const [index, name] of ['A', 'B', 'C', 'D', 'E'].entries()) {
      accountId = await registerAccount(platform, admin, { name });
      await mustData(platform.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', { input: { name: `K${name}`, role: 'ENGINEER', scopes: ['READ'] } }, admin));
      await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: `2026-11-02T01:0${index + 1}:00Z` }, admin));
    }
    await signContract(platform, admin, standardContract(accountId, calendarId, { effectiveFrom: '2026-01-01T00:00:00Z' }));
    for (const [index, name] of ['A', 'B', 'C', 'D', 'E'].entries()) {
      await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', {
        input: { accountId, channel: 'PORTAL', subject: `T${name}`, description: 'd', claimedSeverity: 'P3' },
      }, admin));
      await mustData(platform.gql('mutation($input: ScheduleHealthCheckInput!) { scheduleHealthCheck(input: $input) { id } }', {
        input: { accountId, kind: 'PERIODIC', agenda: `H${name}`, dueAt: `2026-12-0${index + 1}T02:00:00Z` },
      }, admin));
      await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: `2026-11-02T02:0${index + 1}:00Z` }, admin));
    }
  });
  afterAll(async () => {
    await platform?.close();
  });

  const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
  const ACCOUNTS = `query($first: Int, $after: String, $last: Int, $before: String, $direction: SortDirection) {
    accounts(first: $first, after: $after, last: $last, before: $before, direction: $direction) { totalCount edges { cursor node { name } } ${PAGE_INFO} } }`;

  it('pages accounts backward with last/before, with exact page info, and meets the forward pages', async () => {
    const tail = (await mustData(platform.gql(ACCOUNTS, { last: 2 }, admin))).accounts;
    expect(names(tail)).toEqual(['D', 'E']);
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false, startCursor: tail.edges[0].cursor, endCursor: tail.edges[1].cursor });
    const middle = (await mustData(platform.gql(ACCOUNTS, { last: 2, before: tail.pageInfo.startCursor }, admin))).accounts;
    expect(names(middle)).toEqual(['B', 'C']);
    expect(middle.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const head = (await mustData(platform.gql(ACCOUNTS, { last: 2, before: middle.pageInfo.startCursor }, admin))).accounts;
    expect(names(head)).toEqual(['A']);
    expect(head.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // The cursors are the forward pages' cursors: paging forward from B gives C, D.
    const forward = (await mustData(platform.gql(ACCOUNTS, { first: 2, after: middle.edges[0].cursor }, admin))).accounts;
    expect(names(forward)).toEqual(['C', 'D']);
    // Between two cursors.
    const between = (await mustData(platform.gql(ACCOUNTS, { after: head.edges[0].cursor, before: tail.edges[1].cursor }, admin))).accounts;
    expect(names(between)).toEqual(['B', 'C', 'D']);
    expect(between.totalCount).toBe(5);
  });

  it('reverses accounts with direction: DESC, both ways', async () => {
    const first = (await mustData(platform.gql(ACCOUNTS, { first: 2, direction: 'DESC' }, admin))).accounts;
    expect(names(first)).toEqual(['E', 'D']);
    const next = (await mustData(platform.gql(ACCOUNTS, { first: 2, after: first.pageInfo.endCursor, direction: 'DESC' }, admin))).accounts;
    expect(names(next)).toEqual(['C', 'B']);
    const last = (await mustData(platform.gql(ACCOUNTS, { last: 2, direction: 'DESC' }, admin))).accounts;
    expect(names(last)).toEqual(['B', 'A']);
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it('pages tickets, health checks and API keys backward and in reverse', async () => {
    const TICKETS = `query($last: Int, $before: String, $direction: SortDirection) {
      tickets(orderBy: OPENED_AT, last: $last, before: $before, direction: $direction) { edges { cursor node { subject } } ${PAGE_INFO} } }`;
    const tail = (await mustData(platform.gql(TICKETS, { last: 2 }, admin))).tickets;
    expect(names(tail)).toEqual(['TD', 'TE']);
    const before = (await mustData(platform.gql(TICKETS, { last: 2, before: tail.pageInfo.startCursor }, admin))).tickets;
    expect(names(before)).toEqual(['TB', 'TC']);
    const reversed = (await mustData(platform.gql(TICKETS, { last: 2, direction: 'DESC' }, admin))).tickets;
    expect(names(reversed)).toEqual(['TB', 'TA']);

    const CHECKS = `query($last: Int, $direction: SortDirection) { healthChecks(last: $last, direction: $direction) { edges { node { agenda } } ${PAGE_INFO} } }`;
    expect(names((await mustData(platform.gql(CHECKS, { last: 2 }, admin))).healthChecks)).toEqual(['HD', 'HE']);
    expect(names((await mustData(platform.gql(CHECKS, { last: 2, direction: 'DESC' }, admin))).healthChecks)).toEqual(['HB', 'HA']);

    const KEYS = `query($last: Int, $direction: SortDirection) { apiKeys(last: $last, direction: $direction) { edges { node { name } } ${PAGE_INFO} } }`;
    expect(names((await mustData(platform.gql(KEYS, { last: 2 }, admin))).apiKeys)).toEqual(['KD', 'KE']);
    expect(names((await mustData(platform.gql(KEYS, { last: 2, direction: 'DESC' }, admin))).apiKeys)).toEqual(['KB', 'KA']);
  });

  it('refuses a bad last or before with BAD_USER_INPUT on that argument', async () => {
    const badLast = await platform.gql(ACCOUNTS, { last: 0 }, admin);
    expect(badLast.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    const badBefore = await platform.gql(ACCOUNTS, { last: 2, before: 'nope' }, admin);
    expect(badBefore.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
    const ticketCursor = (await mustData(platform.gql('{ tickets(orderBy: OPENED_AT, first: 1) { pageInfo { endCursor } } }', {}, admin))).tickets.pageInfo.endCursor;
    const otherOrder = await platform.gql('query($b: String) { tickets(orderBy: SLA_DUE, last: 1, before: $b) { totalCount } }', { b: ticketCursor }, admin);
    expect(otherOrder.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });
});
