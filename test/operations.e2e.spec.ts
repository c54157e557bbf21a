import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

describe('health probes over HTTP', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('answers liveness and readiness without a token', async () => {
    const live = await fetch(`${platform.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${platform.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', store: 'pglite', checks: { eventStore: 'up', readModels: 'up' } });
  });

  it('is not ready (503, naming the check) while the event store does not answer, yet stays live', async () => {
    const ping = vi.spyOn(platform.runtime.store, 'ping').mockRejectedValue(new Error('connection refused'));
    try {
      const ready = await fetch(`${platform.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'unavailable',
        store: 'pglite',
        checks: { eventStore: 'down: connection refused', readModels: 'up' },
      });
      expect((await fetch(`${platform.url}/health`)).status).toBe(503);
      expect((await fetch(`${platform.url}/health/live`)).status).toBe(200);
    } finally {
      ping.mockRestore();
    }
    expect((await fetch(`${platform.url}/health/ready`)).status).toBe(200);
  });
});

describe('CORS for browser frontends', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  describe('with LEDGERDESK_CORS_ORIGINS set', () => {
    let platform: TestPlatform;
    beforeAll(async () => {
      platform = await startTestPlatform({ env: { LEDGERDESK_CORS_ORIGINS: 'https://desk.example.com,http://localhost:5173' } });
    });
    afterAll(async () => {
      await platform?.close();
    });

    it('answers a preflight from a configured origin with the headers a browser needs', async () => {
      const response = await preflight(platform.url, 'http://localhost:5173');
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(response.headers.get('access-control-allow-methods')?.split(',')).toContain('POST');
      expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(expect.arrayContaining(['authorization', 'content-type']));
      expect(response.headers.get('vary')).toMatch(/origin/i);
    });

    it('lets the configured origin read a GraphQL answer', async () => {
      const response = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { origin: 'https://desk.example.com', 'content-type': 'application/json', authorization: `Bearer ${await platform.token('ADMIN')}` },
        body: JSON.stringify({ query: '{ now }' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://desk.example.com');
      expect(await response.json()).toEqual({ data: { now: '2026-02-13T09:00:00.000Z' } });
    });

    it('gives another origin no Access-Control-Allow-Origin', async () => {
      const response = await preflight(platform.url, 'https://evil.example.net');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('sends no CORS headers when LEDGERDESK_CORS_ORIGINS is unset', async () => {
    const platform = await startTestPlatform();
    try {
      const response = await preflight(platform.url, 'http://localhost:5173');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-methods')).toBeNull();
    } finally {
      await platform.close();
    }
  });
});

describe('Prometheus metrics', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** The value of one sample line (`name{labels} value`), or undefined when absent. */
  const sample = (text: string, name: string, labels: string) => {
    const line = text.split('\n').find((entry) => entry.startsWith(`${name}{`) && labels.split(',').every((label) => entry.includes(label)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('serves HTTP, GraphQL and event-append histograms in the Prometheus text format, without a token', async () => {
    const admin = await platform.token('ADMIN');
    await fetch(`${platform.url}/health/live`);
    await fetch(`${platform.url}/no-such-path/123`);
    expect((await platform.gql('query Clock { now }', {}, admin)).data?.now).toBeDefined();
    const created = await platform.gql(
      'mutation Register($input: RegisterAccountInput!) { registerAccount(input: $input) { id } }',
      { input: { name: 'Livestream Co', region: 'APAC', timeZone: 'Asia/Shanghai' } },
      admin,
    );
    expect(created.errors).toBeUndefined();

    const response = await fetch(`${platform.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    expect(sample(text, 'ledgerdesk_http_request_duration_seconds_count', 'route="/health/live",status="200",method="GET"')).toBe(1);
    expect(sample(text, 'ledgerdesk_http_request_duration_seconds_count', 'route="unmatched",status="404"')).toBe(1);
    expect(text).not.toContain('no-such-path');
    expect(sample(text, 'ledgerdesk_http_request_duration_seconds_count', 'route="/graphql",status="200",method="POST"')).toBe(2);
    expect(sample(text, 'ledgerdesk_graphql_operation_duration_seconds_count', 'operation="Clock",type="query",outcome="ok"')).toBe(1);
    expect(sample(text, 'ledgerdesk_graphql_operation_duration_seconds_count', 'operation="Register",type="mutation",outcome="ok"')).toBe(1);
    expect(sample(text, 'ledgerdesk_event_append_duration_seconds_count', 'store="pglite",outcome="ok"')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^ledgerdesk_process_cpu_seconds_total /m);
  });
});
