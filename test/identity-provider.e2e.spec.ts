import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'ledgerdesk-api';
const HASURA = 'https://hasura.io/jwt/claims';

describe('tokens signed by the company’s identity provider (JWKS, RS256/ES256, Hasura-style claim paths)', () => {
  let jwks: Server;
  let jwksRequests = 0;
  let platform: TestPlatform;
  const keys: { alg: 'RS256' | 'ES256'; kid: string; privateKey: CryptoKey; publicJwk: JWK }[] = [];

  beforeAll(async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      keys.push({ alg, kid: `key-${alg}`, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: `key-${alg}`, alg, use: 'sig' } });
    }
    jwks = createServer((_req, res) => {
      jwksRequests += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    platform = await startTestPlatform({
      env: {
        LEDGERDESK_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
        LEDGERDESK_JWT_ISSUER: ISSUER,
        LEDGERDESK_JWT_AUDIENCE: AUDIENCE,
        LEDGERDESK_JWT_ROLE_CLAIM: `$['${HASURA}']['x-hasura-default-role']`,
        LEDGERDESK_JWT_ACCOUNT_CLAIM: `$['${HASURA}']['x-hasura-account-id']`,
      },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const mint = (alg: 'RS256' | 'ES256', claims: Record<string, unknown>, { audience = AUDIENCE, issuer = ISSUER } = {}) => {
    const key = keys.find((k) => k.alg === alg)!;
    return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid }).setSubject('dev-7').setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime('10m').sign(key.privateKey);
  };

  it.each(['RS256', 'ES256'] as const)('accepts a %s token and reads role and account at the configured claim paths', async (alg) => {
    const token = await mint(alg, { [HASURA]: { 'x-hasura-default-role': 'customer', 'x-hasura-account-id': 'acc-1' } });
    const result = await platform.gql('{ me { id role accountId } }', {}, token);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: { id: 'dev-7', role: 'CUSTOMER', accountId: 'acc-1' } });
  });

  it('fetches the key set once and keeps it', async () => {
    const token = await mint('RS256', { [HASURA]: { 'x-hasura-default-role': 'engineer' } });
    const before = jwksRequests;
    for (let i = 0; i < 3; i++) expect((await platform.gql('{ me { role } }', {}, token)).data).toEqual({ me: { role: 'ENGINEER' } });
    expect(jwksRequests).toBe(before);
    expect(jwksRequests).toBe(1);
  });

  it.each([
    ['a wrong audience', () => mint('RS256', { [HASURA]: { 'x-hasura-default-role': 'admin' } }, { audience: 'another-app' })],
    ['a wrong issuer', () => mint('ES256', { [HASURA]: { 'x-hasura-default-role': 'admin' } }, { issuer: 'https://evil.example.com/' })],
    ['no role at the claim path', () => mint('RS256', { role: 'ADMIN' })],
    ['a CUSTOMER without an account', () => mint('RS256', { [HASURA]: { 'x-hasura-default-role': 'customer' } })],
    [
      'a key the set does not hold',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({ [HASURA]: { 'x-hasura-default-role': 'admin' } }).setProtectedHeader({ alg: 'RS256', kid: 'key-RS256' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('10m').sign(privateKey);
      },
    ],
  ])('refuses %s with UNAUTHENTICATED and no data', async (_, makeToken) => {
    const result = await platform.gql('{ me { id } }', {}, await makeToken());
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('still accepts the platform’s own HS256 tokens', async () => {
    expect((await platform.gql('{ me { role } }', {}, await platform.token('AUDITOR'))).data).toEqual({ me: { role: 'AUDITOR' } });
  });
});
