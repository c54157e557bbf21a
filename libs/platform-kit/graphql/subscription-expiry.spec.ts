import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAtExpiry } from './subscription-expiry.js';

const DAY = 86_400_000;

function fakeSocket() {
  const closed: [number, string][] = [];
  let onClose: () => void = () => undefined;
  return { closed, close: (code: number, reason: string) => void closed.push([code, reason]), once: (_: 'close', listener: () => void) => void (onClose = listener), hangUp: () => onClose() };
}

describe('closeAtExpiry', () => {
  afterEach(() => vi.useRealTimers());

  it('closes at expiry even beyond the longest single timer (24.8 days), not before', () => {
    vi.useFakeTimers();
    const socket = fakeSocket();
    closeAtExpiry(socket, Date.now() + 30 * DAY);
    vi.advanceTimersByTime(25 * DAY);
    expect(socket.closed).toEqual([]);
    vi.advanceTimersByTime(5 * DAY);
    expect(socket.closed).toEqual([[4401, 'Unauthorized: the token has expired']]);
  });

  it('closes at once for a token already expired, and forgets a socket that closed first', () => {
    vi.useFakeTimers();
    const expired = fakeSocket();
    closeAtExpiry(expired, Date.now() - 1);
    expect(expired.closed).toHaveLength(1);
    const gone = fakeSocket();
    closeAtExpiry(gone, Date.now() + 1000);
    gone.hangUp();
    vi.advanceTimersByTime(2000);
    expect(gone.closed).toEqual([]);
  });
});
