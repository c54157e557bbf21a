import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_JWT_SECRET, type TestPlatform } from './support/test-platform.js';

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

  it.each([
    ['no token', async () => null],
    ['a forged token', async () => new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40)))],
    ['an expired token', async () => new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt(1).setExpirationTime(2).sign(new TextEncoder().encode(TEST_JWT_SECRET))],
    ['an alg:none token', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","role":"ADMIN"}').toString('base64url')}.`],
    ['a CUSTOMER token without accountId', async () => new SignJWT({ role: 'CUSTOMER' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode(TEST_JWT_SECRET))],
  ])('refuses %s with UNAUTHENTICATED and no data', async (_, makeToken) => {
    const result = await platform.gql('{ now me { id } }', {}, await makeToken());
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets only an ADMIN advance the manual clock, forwards only', async () => {
    const engineer = await platform.token('ENGINEER');
    const forbidden = await platform.gql('mutation { advanceClock(to: "2026-02-14T00:00:00Z") }', {}, engineer);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const moved = await platform.gql('mutation { advanceClock(to: "2026-02-14T08:00:00+08:00") }', {}, admin);
    expect(moved.data).toEqual({ advanceClock: '2026-02-14T00:00:00.000Z' });
    expect((await platform.gql('{ now }', {}, admin)).data).toEqual({ now: '2026-02-14T00:00:00.000Z' });

    const backwards = await platform.gql('mutation { advanceClock(to: "2026-02-13T00:00:00Z") }', {}, admin);
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await platform.gql('{ now }', {}, admin)).data).toEqual({ now: '2026-02-14T00:00:00.000Z' });

    // A literal the scalar refuses fails validation (Apollo's code); the same value as a variable is bad input.
    const malformed = await platform.gql('mutation { advanceClock(to: "tomorrow") }', {}, admin);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(malformed.status).toBe(400);
    const malformedVariable = await platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: 'tomorrow' }, admin);
    expect(malformedVariable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformedVariable.status).toBe(400);
  });

  it('refuses documents nested deeper than the limit with GRAPHQL_VALIDATION_FAILED', async () => {
    const deep = `{ ${'me { '.repeat(12)}id${' }'.repeat(12)} }`;
    const result = await platform.gql(deep, {}, admin);
    expect(result.data ?? null).toBeNull();
    const depthError = result.errors?.find((error) => /nested 13 levels deep; at most 10/.test(error.message));
    expect(depthError?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.status).toBe(400);
  });

  it('never shows a stack trace and keeps Apollo’s codes for parse and validation errors', async () => {
    const result = await platform.gql('{ now ', {}, admin);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.js:\d+/);
    const unknownField = await platform.gql('{ secrets }', {}, admin);
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('accepts request bodies up to 1 MB and answers 413 above', async () => {
    const post = (bytes: number) =>
      fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: '{ now }', variables: { pad: 'x'.repeat(bytes) } }),
      });
    const fits = await post(1024 * 1024 - 100);
    expect(fits.status).toBe(200);
    expect(await fits.json()).toMatchObject({ data: { now: expect.any(String) } });
    const tooLarge = await post(1024 * 1024 + 10);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.text()).not.toMatch(/at .*\.js:\d+/);
  });

  it('reports liveness and readiness, including the store, without a token', async () => {
    const response = await fetch(`${platform.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', store: 'pglite', checks: { eventStore: 'up', readModels: 'up' } });
  });
});
