import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

describe('platform kit over HTTP', () => {
  let platform: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-02-13T17:50:00+08:00' });
    admin = await platform.token('ADMIN');
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('answers now and me for a valid token', async () => {
    const customer = await platform.token('CUSTOMER', { id: 'dev-7', accountId: 'acc-1' });
    const result = await platform.gql('{ now me { id role accountId } }', {}, customer);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ now: '2026-02-13T09:50:00.000Z', me: { id: 'dev-7', role: 'CUSTOMER', accountId: 'acc-1' } });
  });
});
