import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '#platform-kit';

const root = resolve(import.meta.dirname, '..');

describe('docker-compose.yml (cannot run here: no container engine)', () => {
  const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string> }>;
  };

  it('runs KurrentDB (insecure, projections on), PostgreSQL 17 and the platform built from the Dockerfile', () => {
    expect(compose.services.kurrentdb?.image).toMatch(/kurrentdb/);
    expect(compose.services.kurrentdb?.environment).toMatchObject({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'All' });
    expect(compose.services.postgres?.image).toBe('postgres:17');
    expect(compose.services.platform?.build).toBe('.');
    expect(readFileSync(resolve(root, 'Dockerfile'), 'utf8')).toMatch(/dist\/apps\/platform\/main\.js/);
  });

  it("gives the platform only variables the configuration knows, and values it accepts", () => {
    const environment = compose.services.platform!.environment!;
    for (const name of Object.keys(environment)) expect(Object.keys(CONFIG_VARIABLES)).toContain(name);
    const resolved = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [name, value.startsWith('${') ? 'x'.repeat(40) : value]),
    );
    const config = loadConfig(resolved);
    expect(config).toMatchObject({ eventStore: 'kurrentdb', port: 4000, clock: 'system' });
    expect(config.eventStoreUrl).toMatch(/^kurrentdb:\/\/kurrentdb:2113/);
    expect(config.databaseUrl).toMatch(/@postgres:5432\//);
  });
});
