import { DateTime } from 'luxon';
import type { Channel, Severity, SlaMetric, TicketEvent } from '#contracts';
import { eventInstant, slaStatus, type SlaClockState, type SlaPolicy } from './sla-engine.js';

/**
 * What the SLA reports count, per clock and per ticket, taken from the status the engine computes — never
 * from which timers happened to fire — so a breach made retroactive by a severity change counts like any other.
 */
export interface ReportClock {
  ticketId: string;
  metric: SlaMetric;
  cycle: number;
  state: SlaClockState;
  /** MET; MISSED also for a clock still BREACHED and one cancelled after its due time; null while undecided. */
  outcome: 'MET' | 'MISSED' | null;
  targetMinutes: number;
  elapsedMinutes: number;
  dueAt: string | null;
  /** The calendar month and day of dueAt in the account's zone: the month the clock belongs to. */
  dueMonth: string | null;
  dueDate: string | null;
  breachedAt: string | null;
  /** When the outcome became known: the stop of a stopped clock, else the due time it passed. */
  decidedAt: string | null;
}

export interface ReportTicket {
  ticketId: string;
  accountId: string;
  channel: Channel;
  severity: Severity;
  assigneeId: string | null;
  /** The first resolution: time to resolve is measured to it, and a reopening afterwards counts against it. */
  resolvedAt: string | null;
  resolvedMonth: string | null;
  resolvedDate: string | null;
  /** Wall-clock minutes from receivedAt to resolvedAt. */
  resolveMinutes: number | null;
  reopened: boolean;
  /** Resolved after exactly one public staff reply (before the resolution) and never reopened. */
  firstContactResolution: boolean;
}

export const monthOf = (instant: string, zone: string) => DateTime.fromISO(instant, { zone }).toFormat('yyyy-MM');
const dateOf = (instant: string, zone: string) => DateTime.fromISO(instant, { zone }).toISODate()!;

/** The report facts of one ticket, from its events and pinned policy as of `asOf`, in the account's zone. */
export function reportFacts(events: readonly TicketEvent[], policy: SlaPolicy, accountZone: string, asOf: Date): { clocks: ReportClock[]; ticket: ReportTicket } {
  const status = slaStatus(events, policy, asOf);
  const opened = events.find((event) => event.type === 'TicketOpened');
  if (!opened || opened.type !== 'TicketOpened') throw new Error('reportFacts needs the TicketOpened event');
  const ticketId = opened.data.ticketId;

  const clocks = status.clocks.map((clock): ReportClock => {
    const dueAt = clock.dueAt?.toISOString() ?? null;
    const breachedAt = clock.breachedAt?.toISOString() ?? null;
    const missed = clock.state === 'MISSED' || clock.state === 'BREACHED' || (clock.state === 'CANCELLED' && breachedAt !== null);
    const outcome = clock.state === 'MET' ? 'MET' : missed ? 'MISSED' : null;
    const decidedAt = clock.state === 'MET' || clock.state === 'MISSED' ? clock.stoppedAt!.toISOString() : missed ? breachedAt : null;
    return {
      ticketId,
      metric: clock.metric,
      cycle: clock.cycle,
      state: clock.state,
      outcome,
      targetMinutes: clock.targetMinutes,
      elapsedMinutes: clock.elapsedMinutes,
      dueAt,
      dueMonth: dueAt ? monthOf(dueAt, accountZone) : null,
      dueDate: dueAt ? dateOf(dueAt, accountZone) : null,
      breachedAt,
      decidedAt,
    };
  });

  const timeline = events.filter((event) => Date.parse(eventInstant(event)) <= asOf.getTime());
  let assigneeId: string | null = null;
  let resolvedAt: string | null = null;
  let reopened = false;
  let publicStaffReplies = 0;
  for (const event of timeline) {
    if (event.type === 'TicketAssigned') assigneeId = event.data.assigneeId;
    else if (event.type === 'TicketResolved') resolvedAt ??= event.data.resolvedAt;
    else if (event.type === 'TicketReopened') reopened = true;
    else if (event.type === 'ReplyAdded' && event.data.side === 'STAFF' && event.data.visibility === 'PUBLIC' && resolvedAt === null) {
      publicStaffReplies += 1;
    }
  }
  const receivedAt = Date.parse(opened.data.receivedAt);
  return {
    clocks,
    ticket: {
      ticketId,
      accountId: opened.data.accountId,
      channel: opened.data.channel,
      severity: status.severity,
      assigneeId,
      resolvedAt,
      resolvedMonth: resolvedAt ? monthOf(resolvedAt, accountZone) : null,
      resolvedDate: resolvedAt ? dateOf(resolvedAt, accountZone) : null,
      resolveMinutes: resolvedAt ? Math.floor((Date.parse(resolvedAt) - receivedAt) / 60_000) : null,
      reopened,
      firstContactResolution: resolvedAt !== null && !reopened && publicStaffReplies === 1,
    },
  };
}
