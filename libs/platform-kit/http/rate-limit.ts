import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RequestContext } from '../auth/roles.decorator.js';

export interface RateLimits {
  /** Requests per minute from one IP address; 0 turns the limit off. */
  perIpPerMinute: number;
  /** Requests per minute by one authenticated principal (a person or an API key), from anywhere; 0: off. */
  perPrincipalPerMinute: number;
}

/** Probes poll these; a limit must never make a healthy instance look dead. */
const UNLIMITED_PATH = /^\/health(\/|$)/;

type Next = (error?: unknown) => void;

/**
 * Counts every HTTP request (GraphQL and REST) against the caller's IP, then — once its credential is
 * verified — against its principal, before any handler runs: a refused request is answered 429 with
 * `Retry-After` and records nothing. The verified credential is kept on the request, so GraphQL does not
 * authenticate it twice. Counters live in this process's memory (rate-limiter-flexible): with N processes
 * behind a balancer a caller gets up to N times the limit.
 */
export function rateLimitMiddleware(limits: RateLimits, authenticate: (header: unknown) => Promise<RequestContext>) {
  const perIp = limits.perIpPerMinute > 0 ? new RateLimiterMemory({ keyPrefix: 'ip', points: limits.perIpPerMinute, duration: 60 }) : null;
  const perPrincipal =
    limits.perPrincipalPerMinute > 0 ? new RateLimiterMemory({ keyPrefix: 'principal', points: limits.perPrincipalPerMinute, duration: 60 }) : null;

  return async (req: IncomingMessage & { ledgerdesk?: RequestContext; ip?: string }, res: ServerResponse, next: Next): Promise<void> => {
    try {
      if (UNLIMITED_PATH.test((req.url ?? '').split('?')[0]!)) return next();
      // The IP first: a flood of bad credentials costs no verification.
      if (perIp && !(await admitted(perIp, req.ip ?? req.socket.remoteAddress ?? 'unknown', res, 'this address'))) return;
      const auth = await authenticate(req.headers.authorization);
      req.ledgerdesk = auth;
      if (perPrincipal && auth.principal && !(await admitted(perPrincipal, auth.principal.id, res, 'this caller'))) return;
      next();
    } catch (error) {
      next(error);
    }
  };
}

async function admitted(limiter: RateLimiterMemory, key: string, res: ServerResponse, who: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    const message = `Too many requests from ${who}; retry after ${retryAfterSeconds} s`;
    res.statusCode = 429;
    res.setHeader('Retry-After', String(retryAfterSeconds));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    // One body both GraphQL clients (errors[]) and REST clients (code, message) read.
    res.end(JSON.stringify({ code: 'RATE_LIMITED', message, retryAfterSeconds, errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }] }));
    return false;
  }
}
