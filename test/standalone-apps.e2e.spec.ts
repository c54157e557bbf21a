import { parse, type ObjectTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Type } from '@nestjs/common';
import { AccountsModule } from '#accounts';
import { HealthChecksModule } from '#health-checks';
import { IntakeModule } from '#intake';
import { SlaModule } from '#sla';
import { TriageModule } from '#triage';
import { PLATFORM_PROJECTIONS } from '../apps/platform/platform.projections.js';
import { startTestPlatform } from './support/test-platform.js';

// apps/<context>/main.ts runs one context alone (a split deployment), as a Federation 2 subgraph (issue 11): each
// must build its schema and serve, with its SDL linking the federation spec and its entities keyed by id.
const APPS: [string, Type][] = [
  ['accounts', AccountsModule],
  ['intake', IntakeModule],
  ['triage', TriageModule],
  ['sla', SlaModule],
  ['health-checks', HealthChecksModule],
];

/** The `fields` of a type's `@key` in an SDL; null: not an entity. */
function keyOf(sdl: string, typeName: string): string | null {
  const type = parse(sdl).definitions.find((definition): definition is ObjectTypeDefinitionNode => definition.kind === 'ObjectTypeDefinition' && definition.name.value === typeName);
  const key = type?.directives?.find((directive) => directive.name.value === 'key');
  const fields = key?.arguments?.find((argument) => argument.name.value === 'fields')?.value;
  return fields?.kind === 'StringValue' ? fields.value : null;
}

describe('each context alone', () => {
  it.each(APPS)('boots %s and answers GraphQL as a subgraph', async (name, module) => {
    const platform = await startTestPlatform({ contexts: [module], subgraph: true });
    try {
      const admin = await platform.token('ADMIN');
      expect((await platform.gql('{ now }', {}, admin)).data?.now).toBe('2026-02-13T09:00:00.000Z');
      const sdl = (await platform.gql('{ _service { sdl } }', {}, admin)).data?.['_service'].sdl as string;
      expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
      expect(keyOf(sdl, name === 'accounts' ? 'Account' : 'Ticket')).toBe('id');
    } finally {
      await platform.close();
    }
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
