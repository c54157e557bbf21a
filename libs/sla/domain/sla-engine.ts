import { createCalendar, type BusinessCalendar, type CalendarDefinition } from '#calendar';
import { badUserInput, ticketEventInstant, type Channel, type ContractTerms, type Coverage, type Severity, type SlaMetric, type SlaTargetTerms, type TicketEvent } from '#contracts';
import { ClockTrack } from './clock-track.js';
import { meterFor, type Meter } from './meter.js';

export type SlaClockState = 'RUNNING' | 'PAUSED' | 'BREACHED' | 'MET' | 'MISSED' | 'CANCELLED';

export interface SlaPolicy {
  contractVersion: number;
  contract: ContractTerms;
  calendarVersion: number;
  calendar: CalendarDefinition;
}

export interface SlaClock {
  metric: SlaMetric;
  cycle: number;
  state: SlaClockState;
  coverage: Coverage;
  targetMinutes: number;
  startedAt: Date;
  dueAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  stoppedAt: Date | null;
  elapsedMinutes: number;
  pausedMinutes: number;
  /** When a running clock will reach its warning, if it has not yet (for timers; not part of the API). */
  warningDueAt: Date | null;
}

export interface SlaStatus {
  severity: Severity;
  contractVersion: number;
  calendarVersion: number;
  clocks: SlaClock[];
  breached: boolean;
  /** The soonest due time among clocks still running toward it. */
  nextDueAt: Date | null;
}

const MINUTE = 60_000;

/**
 * The contract's SLA for one ticket, as of an instant: a pure function of the ticket's events and its
 * pinned contract and calendar versions, so anyone replaying the log gets the same answer.
 * (DESIGN.md § SLA semantics is the specification; docs/sla-semantics.md notes the cases it left open.)
 */
export function slaStatus(
  events: readonly TicketEvent[],
  policy: SlaPolicy,
  asOf: Date,
  severityOverride?: Severity,
): SlaStatus {
  const asOfMs = asOf.getTime();
  const timeline = events
    .map((event, index) => ({ event, at: Date.parse(eventInstant(event)), index }))
    .filter((entry) => entry.at <= asOfMs)
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const opened = timeline.find((entry) => entry.event.type === 'TicketOpened')?.event;
  // The ticket's events always start with its opening; none at asOf means asOf is before it was received.
  if (!opened || opened.type !== 'TicketOpened') throw badUserInput(`asOf ${asOf.toISOString()} is before the ticket was received`, 'asOf');

  const severity = severityOverride ?? severityAt(timeline.map((entry) => entry.event));
  const target = targetFor(policy.contract.targets, severity, opened.data.channel);
  const calendar = calendarFor(policy.calendar);
  const meter = meterFor(target.coverage, calendar);
  const pauseWhenWaiting = policy.contract.pauseWhenWaitingOnCustomer;

  const receivedAt = Date.parse(opened.data.receivedAt);
  const firstResponse = new ClockTrack('FIRST_RESPONSE', 1, receivedAt, false);
  const resolution = target.resolutionMinutes !== null ? new ClockTrack('RESOLUTION', 1, receivedAt, false) : null;
  const updates: ClockTrack[] = [];
  let waiting = false;
  let resolved = false;

  for (const { event, at } of timeline) {
    switch (event.type) {
      case 'ReplyAdded': {
        const reply = event.data;
        if (reply.side === 'STAFF' && reply.visibility === 'PUBLIC') {
          firstResponse.finish(at, 'stopped');
          const current = updates.at(-1);
          current?.finish(at, 'stopped');
          if (reply.requestsInformation && pauseWhenWaiting && !resolved) {
            waiting = true;
            resolution?.pause(at);
          }
          if (target.nextUpdateMinutes !== null && !resolved) {
            updates.push(new ClockTrack('NEXT_UPDATE', updates.length + 1, at, waiting));
          }
        } else if (reply.side === 'CUSTOMER' && waiting) {
          waiting = false;
          resolution?.resume(at);
          updates.at(-1)?.resume(at);
        }
        break;
      }
      case 'TicketResolved':
        resolved = true;
        waiting = false;
        updates.at(-1)?.finish(at, 'stopped');
        resolution?.finish(at, 'stopped');
        break;
      case 'TicketReopened':
        resolved = false;
        resolution?.restart(at);
        break;
      case 'TicketClosed':
        for (const track of [firstResponse, resolution, updates.at(-1)]) track?.finish(at, 'cancelled');
        break;
      default:
        break;
    }
  }

  const targetMinutesOf = (metric: SlaMetric) =>
    metric === 'FIRST_RESPONSE' ? target.firstResponseMinutes : metric === 'NEXT_UPDATE' ? target.nextUpdateMinutes! : target.resolutionMinutes!;
  const tracks = [firstResponse, ...updates, ...(resolution ? [resolution] : [])];
  const clocks = tracks.map((track) =>
    evaluate(track, targetMinutesOf(track.metric), policy.contract.warningAtPercent, target.coverage, meter, asOfMs),
  );
  const running = clocks.filter((clock) => clock.state === 'RUNNING' && clock.dueAt);
  return {
    severity,
    contractVersion: policy.contractVersion,
    calendarVersion: policy.calendarVersion,
    clocks,
    breached: clocks.some((clock) => clock.breachedAt !== null),
    nextDueAt: running.length ? new Date(Math.min(...running.map((clock) => clock.dueAt!.getTime()))) : null,
  };
}

function evaluate(track: ClockTrack, targetMinutes: number, warningAtPercent: number, coverage: Coverage, meter: Meter, asOf: number): SlaClock {
  const end = track.end?.at ?? asOf;
  const spans = [...track.spans, ...(track.runningSince !== null ? [[track.runningSince, end] as [number, number]] : [])];
  const pauses = [...track.pauses, ...(track.pausedSince !== null ? [[track.pausedSince, end] as [number, number]] : [])];
  const targetMs = targetMinutes * MINUTE;
  const warnMs = (targetMs * warningAtPercent) / 100;

  let counted = 0;
  let dueAt: Date | null = null;
  let warnedAt: Date | null = null;
  for (const [from, to] of spans) {
    const span = meter.count(new Date(from), new Date(to));
    if (warnedAt === null && counted + span >= warnMs) warnedAt = meter.advance(new Date(from), warnMs - counted);
    if (dueAt === null && counted + span >= targetMs) dueAt = meter.advance(new Date(from), targetMs - counted);
    counted += span;
  }
  const reachedDue = dueAt !== null;
  const running = track.active && track.runningSince !== null;
  let warningDueAt: Date | null = null;
  if (!reachedDue) {
    // Not reached while counting: a running clock projects forward; a stopped one shows when it would have been due.
    if (running) dueAt = meter.advance(new Date(asOf), targetMs - counted);
    else if (track.end?.kind === 'stopped') dueAt = meter.advance(new Date(track.end.at), targetMs - counted);
  }
  if (running && warnedAt === null) warningDueAt = meter.advance(new Date(asOf), warnMs - counted);

  let state: SlaClockState;
  if (track.end?.kind === 'stopped') state = dueAt !== null && track.end.at > dueAt.getTime() ? 'MISSED' : 'MET';
  else if (track.end?.kind === 'cancelled') state = 'CANCELLED';
  else if (track.pausedSince !== null) state = 'PAUSED';
  else state = counted >= targetMs ? 'BREACHED' : 'RUNNING';

  const pausedMs = pauses.reduce((sum, [from, to]) => sum + meter.count(new Date(from), new Date(to)), 0);
  return {
    metric: track.metric,
    cycle: track.cycle,
    state,
    coverage,
    targetMinutes,
    startedAt: new Date(track.startedAt),
    dueAt: state === 'PAUSED' || (state === 'CANCELLED' && !reachedDue) ? null : dueAt,
    warnedAt,
    breachedAt: reachedDue && state !== 'MET' ? dueAt : null,
    stoppedAt: track.end ? new Date(track.end.at) : null,
    elapsedMinutes: Math.floor(counted / MINUTE),
    pausedMinutes: Math.floor(pausedMs / MINUTE),
    warningDueAt,
  };
}

/** The severity in effect after these events: the assessment, else the claim; the claim once a dispute is upheld. */
export function severityAt(events: readonly TicketEvent[]): Severity {
  let claimed: Severity = 'P3';
  let assessed: Severity | null = null;
  let upheld = false;
  for (const event of events) {
    if (event.type === 'TicketOpened') claimed = event.data.claimedSeverity;
    else if (event.type === 'SeverityAssessed') assessed = event.data.severity;
    else if (event.type === 'SeverityDisputeResolved') upheld = event.data.outcome === 'UPHELD';
  }
  return upheld ? claimed : (assessed ?? claimed);
}

/** The target for (severity, channel) if the contract has one, else the general one for the severity. */
export function targetFor(targets: readonly SlaTargetTerms[], severity: Severity, channel: Channel): SlaTargetTerms {
  const target =
    targets.find((t) => t.severity === severity && t.channel === channel) ?? targets.find((t) => t.severity === severity && t.channel === null);
  if (!target) throw new Error(`The contract has no target for ${severity}`);
  return target;
}

/** The instant an event took effect (its own `…At`), which is what the clocks count from. */
export const eventInstant = ticketEventInstant;

// Building a calendar loads holiday data; the same pinned version is asked for again and again.
const calendars = new Map<string, BusinessCalendar>();
function calendarFor(definition: CalendarDefinition): BusinessCalendar {
  const key = JSON.stringify(definition);
  let calendar = calendars.get(key);
  if (!calendar) {
    if (calendars.size >= 256) calendars.clear();
    calendar = createCalendar(definition);
    calendars.set(key, calendar);
  }
  return calendar;
}
