import { parse, type ObjectTypeDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '#platform-kit';
import { fetchSubgraphSdl, SUBGRAPH_APPS } from '../apps/subgraphs.js';
import { PLATFORM_PROJECTIONS } from '../apps/platform/platform.projections.js';
import { startSubgraphApp, type RunningSubgraph } from './support/subgraph-apps.js';
import { startTestPlatform, TEST_JWT_SECRET } from './support/test-platform.js';

// apps/<context>/main.ts runs one context alone (a split deployment), as a Federation 2 subgraph (issue 11): each
// must build its schema and serve, with its SDL linking the federation spec and its entities keyed by id. Each
// app runs in a child process, as it is deployed (test/support/subgraph-apps.ts); test/federation-composition
// composes the five.

/** The `fields` of a type's `@key` in an SDL; null: not an entity. */
function keyOf(sdl: string, typeName: string): string | null {
  const type = parse(sdl).definitions.find((definition): definition is ObjectTypeDefinitionNode => definition.kind === 'ObjectTypeDefinition' && definition.name.value === typeName);
  const key = type?.directives?.find((directive) => directive.name.value === 'key');
  const fields = key?.arguments?.find((argument) => argument.name.value === 'fields')?.value;
  return fields?.kind === 'StringValue' ? fields.value : null;
}

describe('each context alone', () => {
  const apps = new Map<string, RunningSubgraph>();
  let admin: string;
  beforeAll(async () => {
    for (const { name } of SUBGRAPH_APPS) apps.set(name, startSubgraphApp(name));
    admin = await new TokenService(TEST_JWT_SECRET).sign({ id: 'admin', role: 'ADMIN', accountId: null }, '10m');
    await Promise.all([...apps.values()].map((app) => app.url));
  }, 240_000);
  afterAll(() => {
    for (const app of apps.values()) app.stop();
  });

  it.each(SUBGRAPH_APPS.map(({ name }) => name))('boots %s and answers GraphQL as a subgraph', async (name) => {
    const url = await apps.get(name)!.url;
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify({ query: '{ now }' }) });
    expect(((await answer.json()) as { data?: { now?: string } }).data?.now).toBe('2026-02-13T09:00:00.000Z');
    const sdl = await fetchSubgraphSdl(url, admin);
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(keyOf(sdl, name === 'accounts' ? 'Account' : 'Ticket')).toBe('id');
  });

  it('lists in PLATFORM_PROJECTIONS (what `ledgerdesk projections rebuild --all` rebuilds) every read model the platform runs', async () => {
    const platform = await startTestPlatform();
    try {
      expect([...platform.runtime.projectionRunner.names].sort()).toEqual(PLATFORM_PROJECTIONS.map((p) => p.name).sort());
    } finally {
      await platform.close();
    }
  });
});
