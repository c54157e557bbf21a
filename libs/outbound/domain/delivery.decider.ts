import { conflict, notFound, type Actor, type DeliveryEvent, type DeliveryRequested } from '#contracts';
import type { Decider } from '#platform-kit';
import { nextAttemptAt } from './retry-policy.js';

/** At most this much of a receiver's answer is recorded. */
export const MAX_RECORDED_RESPONSE_CHARS = 1024;

export type DeliveryOutcome =
  | { ok: true; responseStatus: number; responseBody: string; durationMs: number }
  | { ok: false; responseStatus: number | null; responseBody: string | null; error: string; durationMs: number };

/** An e-mail refused with a 5xx reply code is not retried; a 4xx (and every webhook or page failure) is. */
export function permanentRejection(kind: 'WEBHOOK' | 'EMAIL' | 'PAGING', responseStatus: number | null): boolean {
  return kind === 'EMAIL' && responseStatus !== null && responseStatus >= 500 && responseStatus <= 599;
}

export interface RequestDelivery {
  type: 'RequestDelivery';
  delivery: DeliveryRequested['data'];
}
export interface StartAttempt {
  type: 'StartAttempt';
  now: Date;
}
export interface RecordOutcome {
  type: 'RecordOutcome';
  attempt: number;
  outcome: DeliveryOutcome;
  now: Date;
}
/** Without an attempt: the webhook was disabled, or the delivery cannot be made at all. */
export interface AbandonDelivery {
  type: 'AbandonDelivery';
  reason: string;
  now: Date;
}
/** An admin's `redeliver`: a finished delivery goes again (same payload, same idempotency key). */
export interface RedeliverDelivery {
  type: 'RedeliverDelivery';
  actor: Actor;
  now: Date;
}
export type DeliveryCommand = RequestDelivery | StartAttempt | RecordOutcome | AbandonDelivery | RedeliverDelivery;

export interface DeliveryState {
  requested: DeliveryRequested['data'] | null;
  attempts: number;
  firstAttemptAt: Date | null;
  /** An attempt recorded without its outcome yet (in flight, or cut off by a crash). */
  inFlight: boolean;
  finished: 'SUCCEEDED' | 'ABANDONED' | null;
  lastError: string | null;
}

/**
 * One delivery of one event to one webhook (`delivery-<id>`): requested once; each attempt recorded before the
 * request leaves, then its outcome; a failure schedules the next attempt (retry-policy.ts) until the 24 hours
 * run out, and the last failure abandons it with its error.
 */
export const deliveryDecider: Decider<DeliveryCommand, DeliveryState, DeliveryEvent> = {
  initialState: { requested: null, attempts: 0, firstAttemptAt: null, inFlight: false, finished: null, lastError: null },

  decide(command, state) {
    switch (command.type) {
      case 'RequestDelivery':
        return state.requested ? [] : [{ type: 'DeliveryRequested', data: command.delivery }];
      case 'StartAttempt': {
        if (!state.requested || state.finished) return [];
        const deliveryId = state.requested.deliveryId;
        return [{ type: 'DeliveryAttempted', data: { deliveryId, attempt: state.attempts + 1, attemptedAt: command.now.toISOString() } }];
      }
      case 'RecordOutcome': {
        if (!state.requested || state.finished || !state.inFlight || command.attempt !== state.attempts) return [];
        const deliveryId = state.requested.deliveryId;
        const at = command.now.toISOString();
        const outcome = command.outcome;
        if (outcome.ok) {
          return [
            {
              type: 'DeliverySucceeded',
              data: { deliveryId, attempt: command.attempt, responseStatus: outcome.responseStatus, responseBody: outcome.responseBody.slice(0, MAX_RECORDED_RESPONSE_CHARS), durationMs: outcome.durationMs, succeededAt: at },
            },
          ];
        }
        // An SMTP 5xx is a permanent rejection (RFC 5321 §4.2.1): sending the same mail again cannot succeed.
        const permanent = permanentRejection(state.requested.kind ?? 'WEBHOOK', outcome.responseStatus);
        const next = permanent ? null : nextAttemptAt(state.firstAttemptAt ?? command.now, command.attempt, command.now);
        const error = (permanent ? `permanent SMTP rejection (${outcome.responseStatus}, not retried): ${outcome.error}` : outcome.error).slice(0, MAX_RECORDED_RESPONSE_CHARS);
        const failed: DeliveryEvent = {
          type: 'DeliveryFailed',
          data: {
            deliveryId,
            attempt: command.attempt,
            responseStatus: outcome.responseStatus,
            responseBody: outcome.responseBody?.slice(0, MAX_RECORDED_RESPONSE_CHARS) ?? null,
            error,
            durationMs: outcome.durationMs,
            failedAt: at,
            nextAttemptAt: next?.toISOString() ?? null,
          },
        };
        if (next) return [failed];
        return [failed, { type: 'DeliveryAbandoned', data: { deliveryId, attempts: command.attempt, lastError: error, abandonedAt: at } }];
      }
      case 'AbandonDelivery': {
        if (!state.requested || state.finished) return [];
        return [
          {
            type: 'DeliveryAbandoned',
            data: { deliveryId: state.requested.deliveryId, attempts: state.attempts, lastError: command.reason, abandonedAt: command.now.toISOString() },
          },
        ];
      }
      case 'RedeliverDelivery': {
        if (!state.requested) throw notFound('Delivery');
        if (!state.finished) throw conflict(`Delivery ${state.requested.deliveryId} is not finished: it is still being attempted or retried`);
        return [{ type: 'DeliveryRedeliveryRequested', data: { deliveryId: state.requested.deliveryId, requestedBy: command.actor, requestedAt: command.now.toISOString() } }];
      }
      default: {
        const unknown: never = command;
        throw new Error(`Unhandled command ${JSON.stringify(unknown)}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'DeliveryRequested':
        return { ...state, requested: event.data };
      case 'DeliveryAttempted':
        return { ...state, attempts: event.data.attempt, inFlight: true, firstAttemptAt: state.firstAttemptAt ?? new Date(event.data.attemptedAt) };
      case 'DeliverySucceeded':
        return { ...state, inFlight: false, finished: 'SUCCEEDED', lastError: null };
      case 'DeliveryFailed':
        return { ...state, inFlight: false, lastError: event.data.error };
      case 'DeliveryAbandoned':
        return { ...state, inFlight: false, finished: 'ABANDONED', lastError: event.data.lastError };
      case 'DeliveryRedeliveryRequested':
        // A new run: the retry window is counted from its first attempt.
        return { ...state, finished: null, firstAttemptAt: null };
      case 'DeliveryBounced':
        // Recorded by the inbound mail channel after the mail was accepted: nothing more to send.
        return { ...state, lastError: `bounced: ${event.data.status ?? '?'} ${event.data.diagnostic ?? ''}`.trim() };
      default: {
        const unknown: never = event;
        throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
