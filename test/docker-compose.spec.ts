import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, prepareDataDirectory } from '#platform-kit';

const root = resolve(import.meta.dirname, '..');

describe('docker-compose.yml (cannot run here: no container engine)', () => {
  const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<
      string,
      {
        image?: string;
        build?: unknown;
        environment?: Record<string, string>;
        restart?: string;
        healthcheck?: { test?: unknown };
        depends_on?: Record<string, { condition?: string }>;
        volumes?: string[];
        command?: string[];
        profiles?: string[];
      }
    >;
  };
  const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');

  it('runs KurrentDB (insecure, projections on), PostgreSQL 17 and the platform built from the Dockerfile', () => {
    expect(compose.services.kurrentdb?.image).toMatch(/kurrentdb/);
    expect(compose.services.kurrentdb?.environment).toMatchObject({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'All' });
    expect(compose.services.postgres?.image).toMatch(/^postgres:17(\.\d+)?$/);
    expect(compose.services.platform?.build).toBe('.');
    expect(dockerfile).toMatch(/dist\/apps\/platform\/main\.js/);
  });

  it('pins every image, and gives every service a restart policy, a health check and healthy dependencies', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image) expect(service.image, name).toMatch(/:(?!latest$)[\w.-]+$/);
      expect(service.restart, name).toMatch(/^(unless-stopped|always|on-failure)/);
      expect(service.healthcheck?.test, name).toBeDefined();
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} → ${dependency}`).toBeDefined();
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
      }
    }
    expect(compose.services.platform?.volumes).toContain('platform-data:/data');
  });

  it('builds an image whose non-root user owns its data directory, with the launchers and a health check', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^ENV .*LEDGERDESK_DATA_DIR=\/data\b/m);
    expect(runtime).toMatch(/^RUN mkdir -p \/data && chown node:node \/data$/m);
    expect(runtime).toMatch(/^VOLUME \/data$/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/scripts\/\*\.mjs scripts\/$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", ".*\/health/m);
    // The image's defaults are a configuration the platform accepts.
    const env = Object.fromEntries([...runtime.matchAll(/^ENV (.*)$/gm)].flatMap((m) => m[1]!.split(/\s+/).map((pair) => pair.split('=') as [string, string])));
    expect(loadConfig(env)).toMatchObject({ eventStore: 'pglite', dataDir: '/data', port: 4000 });
  });

  it('refuses a data directory the user cannot create or write with one line naming the variable', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'ledgerdesk-datadir-')), 'a-file');
    writeFileSync(blocker, '');
    const config = loadConfig({ LEDGERDESK_DATA_DIR: join(blocker, 'data') });
    expect(() => prepareDataDirectory(config)).toThrow(
      new RegExp(`^LEDGERDESK_DATA_DIR: ${join(blocker, 'data')} cannot be created or written by uid \\d+ \\(ENOTDIR\\); point it at a directory this user can write`),
    );
    expect(() => prepareDataDirectory(loadConfig({ LEDGERDESK_DATA_DIR: join(blocker, '..', 'data') }))).not.toThrow();
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

  it('runs the split deployment (profile split): the five contexts from their own entries and the gateway composing them', () => {
    const apps = ['accounts', 'triage', 'sla', 'intake', 'health-checks'];
    for (const name of apps) {
      const service = compose.services[name]!;
      expect(service.build, name).toBe('.');
      expect(service.profiles, name).toEqual(['split']);
      expect(service.command, name).toEqual(['node', '--enable-source-maps', `dist/apps/${name}/main.js`]);
      expect(existsSync(resolve(root, `apps/${name}/main.ts`)), name).toBe(true);
      for (const variable of Object.keys(service.environment!)) expect(Object.keys(CONFIG_VARIABLES), `${name}: ${variable}`).toContain(variable);
      const resolved = Object.fromEntries(Object.entries(service.environment!).map(([variable, value]) => [variable, value.startsWith('${') ? 'x'.repeat(40) : value]));
      expect(loadConfig(resolved), name).toMatchObject({ eventStore: 'kurrentdb', port: 4000, rateLimits: { perIpPerMinute: 0 } });
    }
    const gateway = compose.services.gateway!;
    expect(gateway.command).toEqual(['node', '--enable-source-maps', 'dist/apps/gateway/main.js']);
    expect(existsSync(resolve(root, 'apps/gateway/main.ts'))).toBe(true);
    expect(Object.keys(gateway.depends_on ?? {}).sort()).toEqual([...apps].sort());
    for (const variable of Object.keys(gateway.environment!)) expect(Object.keys(CONFIG_VARIABLES)).toContain(variable);
    expect(loadConfig(gateway.environment!).subgraphs).toEqual(apps.map((name) => ({ name, url: `http://${name}:4000/graphql` })));
  });
});
