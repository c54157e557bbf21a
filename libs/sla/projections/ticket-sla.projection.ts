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
    await sql.query('ALTER TABLE sla.ticket_sla ADD COLUMN IF NOT EXISTS pinned_at timestamptz');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_sla_queue ON sla.ticket_sla (breached DESC, next_due_at)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM sla.ticket_sla');
    await tx.query(`DELETE FROM platform.timers WHERE kind IN ('${SLA_WARNING_TIMER}', '${SLA_BREACH_TIMER}')`);
  },

  // Per batch, each ticket's row is read once, changed in memory by its events in order, written once, and
  // its status computed once: a catch-up or rebuild costs per ticket, not per event.
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const byTicket = new Map<string, (TicketEvent | SlaEvent)[]>();
    for (const recorded of events) {
      const event = recorded as unknown as TicketEvent | SlaEvent;
      const list = byTicket.get(event.data.ticketId) ?? [];
      list.push(event);
      byTicket.set(event.data.ticketId, list);
    }
    for (const [ticketId, ticketEvents] of byTicket) await applyToTicket(tx, ticketId, ticketEvents);
  },
};

interface TicketSlaRow {
  account_id: string | null;
  policy: SlaPolicy | null;
  pinned_at: Date | string | null;
  events: TicketEvent[];
  breaches: (Recorded & { at: string })[];
  warnings: (Recorded & { at: string })[];
}

async function applyToTicket(tx: SqlExecutor, ticketId: string, events: readonly (TicketEvent | SlaEvent)[]): Promise<void> {
  const [row] = await tx.query<TicketSlaRow>(
    'SELECT account_id, policy, pinned_at, events, breaches, warnings FROM sla.ticket_sla WHERE ticket_id = $1',
    [ticketId],
  );
  let accountId = row?.account_id ?? null;
  let policy = row?.policy ?? null;
  let pinnedAt = row?.pinned_at ? new Date(row.pinned_at).toISOString() : null;
  const facts = [...(row?.events ?? [])];
  const breaches = [...(row?.breaches ?? [])];
  const warnings = [...(row?.warnings ?? [])];
  for (const event of events) {
    if (event.type === 'SlaPolicyPinned') {
      policy = policyOf(event);
      pinnedAt = event.data.pinnedAt;
      accountId = event.data.accountId;
    } else if (event.type === 'SlaWarningReached') {
      warnings.push({ metric: event.data.metric, cycle: event.data.cycle, dueAt: event.data.dueAt, at: event.data.warnedAt } as Recorded & { at: string });
    } else if (event.type === 'SlaClockBreached') {
      breaches.push({ metric: event.data.metric, cycle: event.data.cycle, dueAt: event.data.dueAt, at: event.data.breachedAt } as Recorded & { at: string });
    } else {
      facts.push(withoutText(event));
      if (event.type === 'TicketOpened') accountId ??= event.data.accountId;
    }
  }
  let status: SlaStatus | null = null;
  if (policy && facts.some((fact) => fact.type === 'TicketOpened')) {
    // The log's own latest instant, never the wall clock, and a function of the whole record (not of how it
    // was batched): a rebuild computes exactly what the live run did.
    const instants = [
      ...facts.map((fact) => Date.parse(eventInstant(fact))),
      ...[...breaches, ...warnings].map((entry) => Date.parse(entry.at)),
      ...(pinnedAt ? [Date.parse(pinnedAt)] : []),
    ];
    status = slaStatus(facts, policy, new Date(Math.max(...instants)));
  }
  await tx.query(
    `INSERT INTO sla.ticket_sla (ticket_id, account_id, policy, pinned_at, events, breaches, warnings, status, breached, next_due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (ticket_id) DO UPDATE SET account_id = EXCLUDED.account_id, policy = EXCLUDED.policy, pinned_at = EXCLUDED.pinned_at,
       events = EXCLUDED.events, breaches = EXCLUDED.breaches, warnings = EXCLUDED.warnings, status = EXCLUDED.status,
       breached = EXCLUDED.breached, next_due_at = EXCLUDED.next_due_at`,
    [
      ticketId,
      accountId,
      policy,
      pinnedAt,
      JSON.stringify(facts),
      JSON.stringify(breaches),
      JSON.stringify(warnings),
      status ? JSON.stringify(status) : null,
      status?.breached ?? false,
      status?.nextDueAt ?? null,
    ],
  );
  if (status) await scheduleTimers(tx, ticketId, status, warnings, breaches);
}

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
