import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

describe('GraphQL-over-HTTP spec (graphql-http audit)', () => {
  let platform: TestPlatform;
  let audits: ReturnType<typeof serverAudits>;
  beforeAll(async () => {
    platform = await startTestPlatform();
    const token = await platform.token('ADMIN');
    audits = serverAudits({
      url: `${platform.url}/graphql`,
      fetchFn: (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('keeps every MUST rule', async () => {
    const failures: string[] = [];
    for (const audit of audits.filter((a) => a.name.startsWith('MUST'))) {
      const result = await audit.fn();
      if (result.status !== 'ok') failures.push(`${audit.id} ${audit.name}: ${result.reason}`);
    }
    expect(failures).toEqual([]);
  });
});
