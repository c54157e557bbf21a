import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenService } from './token.service.js';

describe('TokenService', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps a verified token only until it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-06T02:00:00Z'));
    const tokens = new TokenService('a-test-secret-0123456789-0123456789-abc');
    const token = await tokens.sign({ id: 'eng-1', role: 'ENGINEER', accountId: null }, '60s');
    expect(await tokens.verify(token)).toEqual({ id: 'eng-1', role: 'ENGINEER', accountId: null });
    vi.setSystemTime(new Date('2026-03-06T02:00:59Z'));
    expect((await tokens.verify(token)).id).toBe('eng-1');
    vi.setSystemTime(new Date('2026-03-06T02:01:00Z'));
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/expired/) });
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('never answers a forged or different token from what it has verified', async () => {
    const tokens = new TokenService('a-test-secret-0123456789-0123456789-abc');
    const other = new TokenService('another-secret-0123456789-0123456789-xyz');
    const token = await tokens.sign({ id: 'cust-1', role: 'CUSTOMER', accountId: 'acc-1' });
    await tokens.verify(token);
    const forged = await other.sign({ id: 'cust-1', role: 'ADMIN', accountId: null });
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(tokens.verify(`${token.slice(0, -2)}xx`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
