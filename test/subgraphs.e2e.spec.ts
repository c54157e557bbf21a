import type { Type } from '@nestjs/common';
import { parse, type ObjectTypeDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsModule } from '#accounts';
import { HealthChecksModule } from '#health-checks';
import { IntakeModule } from '#intake';
import { SlaModule } from '#sla';
import { TriageModule } from '#triage';
import { registerAccount } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

// Each context's own app serves an Apollo Federation 2 subgraph (issue 11): its SDL, with the entities it owns
// keyed by id, and `_entities` resolving a reference as `node(id:)` would, credential and tenancy included.

const SUBGRAPHS: [string, Type][] = [
  ['accounts', AccountsModule],
  ['triage', TriageModule],
  ['sla', SlaModule],
  ['intake', IntakeModule],
  ['health-checks', HealthChecksModule],
];

function keyOf(sdl: string, typeName: string): string | null {
  const type = parse(sdl).definitions.find((definition): definition is ObjectTypeDefinitionNode => definition.kind === 'ObjectTypeDefinition' && definition.name.value === typeName);
  const key = type?.directives?.find((directive) => directive.name.value === 'key');
  const fields = key?.arguments?.find((argument) => argument.name.value === 'fields')?.value;
  return fields?.kind === 'StringValue' ? fields.value : null;
}

describe.each(SUBGRAPHS)('the %s app as a subgraph', (name, module) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ contexts: [module], subgraph: true });
  });
  afterAll(async () => platform?.close());

  it('serves a Federation 2 SDL that links the federation spec', async () => {
    const result = await platform.gql('{ _service { sdl } }', {}, await platform.token('ADMIN'));
    expect(result.errors).toBeUndefined();
    const sdl = result.data!['_service'].sdl as string;
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(keyOf(sdl, name === 'accounts' ? 'Account' : 'Ticket')).toBe('id');
  });
});

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
