import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mustData, registerAccount } from './support/fixtures.js';
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
