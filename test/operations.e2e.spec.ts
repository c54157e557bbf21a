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
    expect(await ready.json()).toEqual({ status: 'ok', store: 'pglite', checks: { eventStore: 'up', readModels: 'up' } });
  });

  it('is not ready (503, naming the check) while the event store does not answer, yet stays live', async () => {
    const ping = vi.spyOn(platform.runtime.store, 'ping').mockRejectedValue(new Error('connection refused'));
    try {
      const ready = await fetch(`${platform.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
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
