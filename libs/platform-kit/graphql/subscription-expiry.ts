/** The part of a `ws` socket this needs: closing it, and hearing that it closed. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** graphql-ws's own code for an unauthorized socket (it uses it for a subscribe before the ack). */
export const TOKEN_EXPIRED_CLOSE_CODE = 4401;

// setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days): longer waits are taken in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes a graphql-ws socket when the token it connected with expires (real time, as tokens are judged):
 * its subscriptions must not keep delivering to a caller who could no longer connect.
 */
export function closeAtExpiry(socket: ClosableSocket, expiresAtMs: number, now: () => number = Date.now): void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expiresAtMs - now();
    if (left <= 0) return socket.close(TOKEN_EXPIRED_CLOSE_CODE, 'Unauthorized: the token has expired');
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.once('close', () => clearTimeout(timer));
}
