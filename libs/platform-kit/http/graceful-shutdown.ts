import type { Server } from 'node:http';

/**
 * Counts the HTTP requests being answered, so that a shutdown can wait for them before Nest's destroy
 * hooks close the databases those requests still use.
 */
export class InFlightRequests {
  private count = 0;
  private readonly idleWaiters = new Set<() => void>();

  constructor(server: Server) {
    server.on('request', (_request, response) => {
      this.count += 1;
      // 'close' fires once the answer is sent or the client went away: either way it no longer runs.
      response.once('close', () => {
        this.count -= 1;
        if (this.count === 0) for (const wake of this.idleWaiters) wake();
      });
    });
  }

  get size(): number {
    return this.count;
  }

  /** Resolves true once no request is in flight, or false when `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (drained: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        resolve(drained);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idleWaiters.add(wake);
    });
  }
}

/**
 * Stops accepting connections, lets the requests in flight finish (at most `timeoutMs`), then runs
 * `closeApp` (Nest's shutdown hooks: subscriptions, projections, databases) and cuts what is left
 * (idle keep-alive sockets, requests past the bound). Resolves how many requests had to be cut.
 */
export async function drainAndClose(server: Server, inFlight: InFlightRequests, timeoutMs: number, closeApp: () => Promise<void>): Promise<{ cut: number }> {
  server.close();
  server.closeIdleConnections();
  const drained = await inFlight.idle(timeoutMs);
  const cut = drained ? 0 : inFlight.size;
  if (!drained) server.closeAllConnections();
  await closeApp();
  server.closeAllConnections();
  return { cut };
}
