import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCount, mustData, registerAccount } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const REGISTER = 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { id } }';
const input = { name: 'Burst Co', region: 'APAC', timeZone: 'Asia/Shanghai' };

describe('rate limits', () => {
  describe('per principal', () => {
    let platform: TestPlatform;
    beforeAll(async () => {
      platform = await startTestPlatform({ env: { LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '5', LEDGERDESK_RATE_LIMIT_PER_IP: '1000' } });
    });
    afterAll(async () => {
      await platform?.close();
    });

    it('answers a burst beyond the limit 429 with Retry-After, records nothing for it, and counts each caller apart', async () => {
      const admin = await platform.token('ADMIN', { id: 'admin-burst' });
      const before = await eventCount(platform);
      const answers = await Promise.all(Array.from({ length: 8 }, () => platform.gql(REGISTER, { input }, admin)));
      const refused = answers.filter((answer) => answer.status === 429);
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
      expect(refused).toHaveLength(3);
      expect(refused[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      // Only the admitted five registered an account.
      expect(await eventCount(platform)).toBe(before + 5);

      const raw = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: '{ now }' }),
      });
      expect(raw.status).toBe(429);
      expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(raw.headers.get('retry-after'))).toBeLessThanOrEqual(60);

      // Another principal from the same address still gets through.
      const other = await platform.token('ADMIN', { id: 'admin-calm' });
      expect((await platform.gql('{ now }', {}, other)).status).toBe(200);
      // REST is counted too.
      const rest = await fetch(`${platform.url}/audit/tickets/unknown/export`, { headers: { authorization: `Bearer ${admin}` } });
      expect(rest.status).toBe(429);
      expect(rest.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });

  describe('per IP', () => {
    let platform: TestPlatform;
    beforeAll(async () => {
      platform = await startTestPlatform({ env: { LEDGERDESK_RATE_LIMIT_PER_IP: '6', LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0' } });
    });
    afterAll(async () => {
      await platform?.close();
    });

    it('limits an address whoever it claims to be (anonymous and bad tokens included), and never the health probe', async () => {
      const admin = await platform.token('ADMIN');
      await registerAccount(platform, admin);
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, (_, index) => platform.gql('{ now }', {}, index % 2 ? 'not-a-token' : null)),
        ...Array.from({ length: 4 }, () => platform.gql('{ now }', {}, admin)),
      ]);
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(3);
      const health = await fetch(`${platform.url}/health`);
      expect(health.status).not.toBe(429);
      await expect(mustData(platform.gql('{ now }', {}, admin))).rejects.toThrow(/RATE_LIMITED/);
    });
  });
});
