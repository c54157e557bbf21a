import { describe, expect, it } from 'vitest';
import type { Type } from '@nestjs/common';
import { AccountsModule } from '#accounts';
import { HealthChecksModule } from '#health-checks';
import { IntakeModule } from '#intake';
import { SlaModule } from '#sla';
import { TriageModule } from '#triage';
import { PLATFORM_PROJECTIONS } from '../apps/platform/platform.projections.js';
import { startTestPlatform } from './support/test-platform.js';

// apps/<context>/main.ts runs one context alone (a split deployment): each must build its schema and serve.
const APPS: [string, Type][] = [
  ['accounts', AccountsModule],
  ['intake', IntakeModule],
  ['triage', TriageModule],
  ['sla', SlaModule],
  ['health-checks', HealthChecksModule],
];

describe('each context alone', () => {
  it.each(APPS)('boots %s and answers GraphQL', async (_name, module) => {
    const platform = await startTestPlatform({ contexts: [module] });
    try {
      const admin = await platform.token('ADMIN');
      expect((await platform.gql('{ now }', {}, admin)).data?.now).toBe('2026-02-13T09:00:00.000Z');
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
