import { TICKET_EVENT_TYPES, type SlaEvent, type SlaPolicyPinned, type TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import { cancelTimer, scheduleTimer } from '#platform-kit';
import type { Projection } from '#projections';
import { eventInstant, slaStatus, type SlaPolicy, type SlaStatus } from '../domain/sla-engine.js';

export const SLA_WARNING_TIMER = 'sla.warning';
export const SLA_BREACH_TIMER = 'sla.breach';
export const timerId = (kind: 'warning' | 'breach', ticketId: string, metric: string, cycle: number) => `sla:${kind}:${ticketId}:${metric}:${cycle}`;

/**
 * The SLA read model: per ticket, its pinned policy, the facts the clocks need, and the status as of the
 * latest fact — breached and nextDueAt as columns for the queue — plus the warning and breach timers of
 * every running clock, moved whenever a fact moves them.
 */
export const ticketSlaProjection: Projection = {
  name: 'sla.tickets',
  eventTypes: [...TICKET_EVENT_TYPES, 'SlaPolicyPinned', 'SlaWarningReached', 'SlaClockBreached'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS sla');
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.ticket_sla (
      ticket_id text PRIMARY KEY, account_id text, policy jsonb, events jsonb NOT NULL DEFAULT '[]',
      status jsonb, breached boolean NOT NULL DEFAULT false, next_due_at timestamptz,
      breaches jsonb NOT NULL DEFAULT '[]', warnings jsonb NOT NULL DEFAULT '[]')`);
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_sla_queue ON sla.ticket_sla (breached DESC, next_due_at)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM sla.ticket_sla');
    await tx.query(`DELETE FROM platform.timers WHERE kind IN ('${SLA_WARNING_TIMER}', '${SLA_BREACH_TIMER}')`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as TicketEvent | SlaEvent;
      const ticketId = event.data.ticketId;
      await tx.query('INSERT INTO sla.ticket_sla (ticket_id) VALUES ($1) ON CONFLICT DO NOTHING', [ticketId]);
      const [row] = await tx.query<{ policy: SlaPolicy | null; events: TicketEvent[]; breaches: Recorded[]; warnings: Recorded[] }>(
        'SELECT policy, events, breaches, warnings FROM sla.ticket_sla WHERE ticket_id = $1',
        [ticketId],
      );
      const recordedBreaches = [...row!.breaches];
      const recordedWarnings = [...row!.warnings];
      let policy = row!.policy;
      const facts = row!.events;
      let asOf: string;
      if (event.type === 'SlaPolicyPinned') {
        policy = policyOf(event);
        asOf = event.data.pinnedAt;
        await tx.query('UPDATE sla.ticket_sla SET policy = $2, account_id = $3 WHERE ticket_id = $1', [ticketId, policy, event.data.accountId]);
      } else if (event.type === 'SlaWarningReached' || event.type === 'SlaClockBreached') {
        const column = event.type === 'SlaClockBreached' ? 'breaches' : 'warnings';
        const at = event.type === 'SlaClockBreached' ? event.data.breachedAt : event.data.warnedAt;
        const entry = { metric: event.data.metric, cycle: event.data.cycle, dueAt: event.data.dueAt, at };
        await tx.query(`UPDATE sla.ticket_sla SET ${column} = ${column} || $2::jsonb WHERE ticket_id = $1`, [ticketId, JSON.stringify([entry])]);
        (event.type === 'SlaClockBreached' ? recordedBreaches : recordedWarnings).push(entry);
        asOf = at;
      } else {
        facts.push(withoutText(event));
        asOf = eventInstant(event);
        await tx.query('UPDATE sla.ticket_sla SET events = $2, account_id = coalesce(account_id, $3) WHERE ticket_id = $1', [
          ticketId,
          JSON.stringify(facts),
          event.type === 'TicketOpened' ? event.data.accountId : null,
        ]);
      }
      if (!policy || !facts.some((fact) => fact.type === 'TicketOpened')) continue;
      // The log's own instant, never the wall clock: a rebuild computes exactly what the live run did.
      const latest = new Date(Math.max(Date.parse(asOf), ...facts.map((fact) => Date.parse(eventInstant(fact)))));
      const status = slaStatus(facts, policy, latest);
      await tx.query('UPDATE sla.ticket_sla SET status = $2, breached = $3, next_due_at = $4 WHERE ticket_id = $1', [
        ticketId,
        JSON.stringify(status),
        status.breached,
        status.nextDueAt,
      ]);
      await scheduleTimers(tx, ticketId, status, recordedWarnings, recordedBreaches);
    }
  },
};

interface Recorded {
  metric: string;
  cycle: number;
}

/**
 * A running clock gets timers at its warning and due instants. A clock already past them whose warning or
 * breach is not recorded yet (a back-dated ticket, a catch-up, a severity raised after the fact) gets a timer
 * at that past instant, so the next scheduler pass records it; anything else has no timer.
 */
async function scheduleTimers(tx: SqlExecutor, ticketId: string, status: SlaStatus, warnings: Recorded[], breaches: Recorded[]): Promise<void> {
  const has = (list: Recorded[], metric: string, cycle: number) => list.some((entry) => entry.metric === metric && entry.cycle === cycle);
  for (const clock of status.clocks) {
    const payload = { ticketId, metric: clock.metric, cycle: clock.cycle };
    const warning = timerId('warning', ticketId, clock.metric, clock.cycle);
    const breach = timerId('breach', ticketId, clock.metric, clock.cycle);
    const counting = clock.state === 'RUNNING' || clock.state === 'BREACHED';
    const warnAt = clock.warningDueAt ?? (counting && !has(warnings, clock.metric, clock.cycle) ? clock.warnedAt : null);
    if (counting && warnAt) await scheduleTimer(tx, { id: warning, kind: SLA_WARNING_TIMER, dueAt: warnAt, payload });
    else await cancelTimer(tx, warning);
    const unrecordedBreach = clock.state === 'BREACHED' && !has(breaches, clock.metric, clock.cycle);
    if ((clock.state === 'RUNNING' || unrecordedBreach) && clock.dueAt) await scheduleTimer(tx, { id: breach, kind: SLA_BREACH_TIMER, dueAt: clock.dueAt, payload });
    else await cancelTimer(tx, breach);
  }
}

export function policyOf(event: SlaPolicyPinned): SlaPolicy {
  const d = event.data;
  return { contractVersion: d.contractVersion, contract: d.contract, calendarVersion: d.calendarVersion, calendar: d.calendar };
}

/** The clocks need who, when and which way — not bodies or descriptions. */
function withoutText(event: TicketEvent): TicketEvent {
  if (event.type === 'ReplyAdded') return { type: event.type, data: { ...event.data, body: '' } };
  if (event.type === 'TicketOpened') return { type: event.type, data: { ...event.data, subject: '', description: '' } };
  if (event.type === 'TicketResolved') return { type: event.type, data: { ...event.data, resolution: '', rootCause: null } };
  return { type: event.type, data: event.data } as TicketEvent;
}
