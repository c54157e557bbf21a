import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { badUserInput, type SlaClockBreached, type SlaWarningReached, type TicketUnassignable } from '#contracts';
import { formatPosition, parsePosition, type Position, type RecordedEvent, type Subscription } from '#event-store';
import { PlatformRuntime } from '#platform-kit';

export const SLA_ALERT_EVENT_TYPES = ['SlaWarningReached', 'SlaClockBreached', 'TicketUnassignable'] as const;

/** The triage read model an UNASSIGNABLE alert waits for, so that its `ticket` resolves (a name only). */
const TRIAGE_TICKETS = 'triage.tickets';

export interface SlaAlertMessage {
  kind: 'WARNING' | 'BREACH' | 'UNASSIGNABLE';
  /** UNASSIGNABLE: why routing found nobody. */
  reason?: string | null;
  ticketId: string;
  accountId: string;
  metric: string;
  cycle: number;
  dueAt: string;
  at: string;
  /** Opaque: the alert's place in the log. Handed back as `after`, delivery resumes right after it. */
  cursor: string;
}

const CURSOR_PREFIX = 'sla-alert:';

/** An alert's cursor: its event's log position, opaque to clients. */
export function alertCursor(position: Position): string {
  return Buffer.from(`${CURSOR_PREFIX}${formatPosition(position)}`).toString('base64url');
}

/** The position a cursor names; BAD_USER_INPUT for anything slaAlerts did not hand out. */
export function parseAlertCursor(cursor: string): Position {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (text.startsWith(CURSOR_PREFIX)) {
    try {
      return parsePosition(text.slice(CURSOR_PREFIX.length));
    } catch {
      // refused below
    }
  }
  throw badUserInput('after is not a cursor slaAlerts handed out', 'after');
}

export function toAlertMessage(recorded: RecordedEvent): SlaAlertMessage {
  if (recorded.type === 'TicketUnassignable') {
    const found = (recorded as unknown as TicketUnassignable).data;
    // The clock nobody is there to answer: FIRST_RESPONSE, due from the moment it was found.
    return { kind: 'UNASSIGNABLE', reason: found.reason, ticketId: found.ticketId, accountId: found.accountId, metric: 'FIRST_RESPONSE', cycle: 1, dueAt: found.foundAt, at: found.foundAt, cursor: alertCursor(recorded.position) };
  }
  const event = recorded as unknown as SlaWarningReached | SlaClockBreached;
  return {
    kind: event.type === 'SlaWarningReached' ? 'WARNING' : 'BREACH',
    ticketId: event.data.ticketId,
    accountId: event.data.accountId,
    metric: event.data.metric,
    cycle: event.data.cycle,
    dueAt: event.data.dueAt,
    at: event.type === 'SlaWarningReached' ? event.data.warnedAt : event.data.breachedAt,
    cursor: alertCursor(recorded.position),
  };
}

/**
 * SLA alerts straight from the log: each subscriber gets its own subscription on the store, filtered to
 * warnings and breaches — from after its resume cursor (what it missed first, then live) or from the head
 * when it gives none. Every process sees every process's appends (PostgreSQL NOTIFY, KurrentDB's own
 * subscriptions), so an alert reaches a subscriber whichever process fired the timer; each warning or breach
 * is recorded once (deterministic event ids) and delivered once per subscription, in log order.
 */
@Injectable()
export class SlaAlertsFeed implements OnApplicationShutdown {
  private readonly open = new Set<Subscription>();

  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  /** Alerts after `after` (exclusive), or from now when null. */
  async follow(after: Position | null): Promise<AsyncIterableIterator<SlaAlertMessage>> {
    const from = after ?? (await this.runtime.store.headPosition());
    const subscription = this.runtime.store.subscribe({ after: from, filter: { eventTypes: [...SLA_ALERT_EVENT_TYPES] } });
    this.open.add(subscription);
    const source = subscription[Symbol.asyncIterator]();
    const close = async (): Promise<IteratorResult<SlaAlertMessage>> => {
      this.open.delete(subscription);
      // Closing wakes a pending read (it ends); return() then runs the subscription's own clean-up.
      await subscription.close();
      await source.return?.(undefined);
      return { done: true, value: undefined };
    };
    const runtime = this.runtime;
    const iterator: AsyncIterableIterator<SlaAlertMessage> = {
      async next(): Promise<IteratorResult<SlaAlertMessage>> {
        const result = await source.next();
        if (result.done) return { done: true, value: undefined };
        if (result.value.type === 'TicketUnassignable') {
          await runtime.reached(TRIAGE_TICKETS, result.value.position, AbortSignal.timeout(5_000)).catch(() => undefined);
        }
        return { done: false, value: toAlertMessage(result.value) };
      },
      return: close,
      async throw(error: unknown): Promise<IteratorResult<SlaAlertMessage>> {
        await close();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.open].map((subscription) => subscription.close()));
    this.open.clear();
  }
}
