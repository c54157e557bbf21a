import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_JWT_SECRET, type TestPlatform } from './support/test-platform.js';

const key = new TextEncoder().encode(TEST_JWT_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A token signed with the platform's own secret, with whatever time claims a test gives it. */
const signed = (claims: { iat?: number; exp?: number }, role = 'ADMIN') => {
  const jwt = new SignJWT({ role }).setProtectedHeader({ alg: 'HS256' }).setSubject('someone');
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(key);
};

describe('bearer tokens', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    // A manual clock set to last January: tokens are judged by real time all the same.
    platform = await startTestPlatform({ clockStart: '2026-01-05T09:00:00Z', env: { LEDGERDESK_TOKEN_MAX_LIFETIME: '24h' } });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('takes a token minted now although the platform clock stands in January', async () => {
    const result = await platform.gql('{ now me { id } }', {}, await signed({ iat: nowSeconds(), exp: nowSeconds() + 3600 }));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ now: '2026-01-05T09:00:00.000Z', me: { id: 'someone' } });
  });

  it.each([
    ['forged (another secret)', 'INVALID_SIGNATURE', () => new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('y'.repeat(40)))],
    ['expired', 'EXPIRED', () => signed({ iat: nowSeconds() - 7200, exp: nowSeconds() - 60 })],
    ['without exp', 'NO_EXPIRY', () => signed({ iat: nowSeconds() })],
    ['without iat', 'NO_ISSUED_AT', () => signed({ exp: nowSeconds() + 3600 })],
    ['issued in the future (beyond the skew)', 'ISSUED_IN_FUTURE', () => signed({ iat: nowSeconds() + 600, exp: nowSeconds() + 3600 })],
    ['living longer than the configured maximum', 'LIFETIME_TOO_LONG', () => signed({ iat: nowSeconds(), exp: nowSeconds() + 25 * 3600 })],
  ])('refuses a token %s: UNAUTHENTICATED with the reason, no data', async (_, reason, make) => {
    const result = await platform.gql('{ now me { id } }', {}, await make());
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
    expect(result.errors?.[0]?.message).not.toMatch(/at .*\.js/);
  });

  it('tells a missing token from a bad one', async () => {
    const result = await platform.gql('{ me { id } }', {}, null);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
