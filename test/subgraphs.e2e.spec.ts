import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsModule } from '#accounts';
import { registerAccount } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

// A subgraph's `_entities` resolves a reference as `node(id:)` would, credential and tenancy included (issue 11;
// test/standalone-apps.e2e.spec.ts checks each app's SDL and keys).

describe('entity references on the accounts subgraph', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let otherAccountId: string;
  const entities = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Account { id name } ... on StaffMember { id } } }';

  beforeAll(async () => {
    platform = await startTestPlatform({ contexts: [AccountsModule], subgraph: true });
    admin = await platform.token('ADMIN');
    accountId = await registerAccount(platform, admin, { name: 'Keyed Ltd' });
    otherAccountId = await registerAccount(platform, admin, { name: 'Someone Else' });
  });
  afterAll(async () => platform?.close());

  it('resolves an Account reference for staff, and for its own customer only', async () => {
    const representations = [{ __typename: 'Account', id: accountId }, { __typename: 'Account', id: otherAccountId }];
    const asAdmin = await platform.gql(entities, { representations }, admin);
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data!['_entities']).toEqual([{ id: accountId, name: 'Keyed Ltd' }, { id: otherAccountId, name: 'Someone Else' }]);
    const customer = await platform.token('CUSTOMER', { accountId });
    const asCustomer = await platform.gql(entities, { representations }, customer);
    expect(asCustomer.data!['_entities']).toEqual([{ id: accountId, name: 'Keyed Ltd' }, null]);
  });

  it('refuses a reference without a credential, and hides staff from a customer', async () => {
    const anonymous = await platform.gql(entities, { representations: [{ __typename: 'Account', id: accountId }] }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.['_entities'] ?? [null]).toEqual([null]);
    const staffId = 'b3f0c1de-0000-4000-8000-000000000001';
    const customer = await platform.token('CUSTOMER', { accountId });
    const asCustomer = await platform.gql(entities, { representations: [{ __typename: 'StaffMember', id: staffId }] }, customer);
    expect(asCustomer.data!['_entities']).toEqual([null]);
  });
});
