import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenService } from './token.service.js';

const secret = 'a-test-secret-that-is-long-enough-1234567890';
const tokens = new TokenService(secret);

describe('tokens', () => {
  it('round-trips a principal', async () => {
    const token = await tokens.sign({ id: 'c-1', role: 'CUSTOMER', accountId: 'acc-1' });
    expect(await tokens.verify(token)).toEqual({ id: 'c-1', role: 'CUSTOMER', accountId: 'acc-1' });
  });

  it.each([
    ['forged (another secret)', () => new TokenService('another-secret-that-is-long-enough-12345678').sign({ id: 'a', role: 'ADMIN', accountId: null })],
    ['expired', () => tokens.sign({ id: 'a', role: 'ADMIN', accountId: null }, Math.floor(Date.now() / 1000) - 10, new Date(Date.now() - 60_000))],
    ['alg none', async () => new UnsecuredJWT({ role: 'ADMIN' }).setSubject('a').encode()],
    ['a CUSTOMER without accountId', () => tokens.sign({ id: 'c', role: 'CUSTOMER', accountId: null })],
    ['an unknown role', () => new SignJWT({ role: 'ROOT' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').sign(new TextEncoder().encode(secret))],
    ['HS512', () => new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS512' }).setSubject('a').sign(new TextEncoder().encode(secret))],
    ['garbage', async () => 'not.a.token'],
  ])('refuses %s as UNAUTHENTICATED', async (_, make) => {
    await expect(tokens.verify(await make())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('needs the Bearer scheme', async () => {
    const token = await tokens.sign({ id: 'a', role: 'ADMIN', accountId: null });
    await expect(tokens.fromAuthorization(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(tokens.fromAuthorization(undefined)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await tokens.fromAuthorization(`Bearer ${token}`)).role).toBe('ADMIN');
  });

  describe('verified tokens kept in memory', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('answers a token it has verified only until it expires', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-06T02:00:00Z'));
      const service = new TokenService(secret);
      const token = await service.sign({ id: 'eng-1', role: 'ENGINEER', accountId: null }, '60s');
      expect(await service.verify(token)).toEqual({ id: 'eng-1', role: 'ENGINEER', accountId: null });
      vi.setSystemTime(new Date('2026-03-06T02:00:59Z'));
      expect((await service.verify(token)).id).toBe('eng-1');
      vi.setSystemTime(new Date('2026-03-06T02:01:00Z'));
      await expect(service.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/expired/) });
      await expect(service.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('never answers a forged or altered token from what it has verified', async () => {
      const token = await tokens.sign({ id: 'cust-1', role: 'CUSTOMER', accountId: 'acc-1' });
      await tokens.verify(token);
      const forged = await new TokenService('another-secret-that-is-long-enough-12345678').sign({ id: 'cust-1', role: 'ADMIN', accountId: null });
      await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(tokens.verify(`${token.slice(0, -2)}xx`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });
});
