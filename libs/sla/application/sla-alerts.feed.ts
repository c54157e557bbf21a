import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { SlaClockBreached, SlaWarningReached, TicketUnassignable } from '#contracts';
import type { Position, RecordedEvent } from '#event-store';
import { LogFeed, logCursor, parseLogCursor, PlatformRuntime } from '#platform-kit';

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
  return logCursor(CURSOR_PREFIX, position);
}

/** The position a cursor names; BAD_USER_INPUT for anything slaAlerts did not hand out. */
export function parseAlertCursor(cursor: string): Position {
  return parseLogCursor(CURSOR_PREFIX, cursor, 'after', 'after is not a cursor slaAlerts handed out');
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
 * SLA alerts straight from the log (LogFeed: one store subscription per subscriber, filtered to warnings, breaches
 * and unassignable tickets, resumable by cursor). Each warning or breach is recorded once (deterministic event
 * ids) and delivered once per subscription, in log order, whichever process fired the timer.
 */
@Injectable()
export class SlaAlertsFeed implements OnApplicationShutdown {
  private readonly feed: LogFeed;

  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {
    this.feed = new LogFeed(() => runtime.store);
  }

  /** Alerts after `after` (exclusive), or from now when null. */
  follow(after: Position | null): Promise<AsyncIterableIterator<SlaAlertMessage>> {
    return this.feed.follow(after, SLA_ALERT_EVENT_TYPES, async (event) => {
      if (event.type === 'TicketUnassignable') {
        await this.runtime.reached(TRIAGE_TICKETS, event.position, AbortSignal.timeout(5_000)).catch(() => undefined);
      }
      return toAlertMessage(event);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feed.closeAll();
  }
}
