import { TICKET_EVENT_TYPES, type SlaEvent, type SlaPolicyPinned, type TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import { TIMERS_CHANNEL } from '#platform-kit';
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
  // Attachments never move a clock.
  eventTypes: [...TICKET_EVENT_TYPES.filter((type) => type !== 'AttachmentAdded'), 'SlaPolicyPinned', 'SlaWarningReached', 'SlaClockBreached'],

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

  // Per batch, every ticket's row is read by one query, changed in memory by its events in order, its status
  // computed once, and then all rows are written by one multi-row upsert and all timers moved by one upsert and
  // one delete: a catch-up or rebuild costs a few statements per batch, not per ticket or per event.
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const byTicket = new Map<string, (TicketEvent | SlaEvent)[]>();
    for (const recorded of events) {
      const event = recorded as unknown as TicketEvent | SlaEvent;
      const list = byTicket.get(event.data.ticketId) ?? [];
      list.push(event);
      byTicket.set(event.data.ticketId, list);
    }
    const rows = await tx.query<TicketSlaRow & { ticket_id: string }>(
      `SELECT ticket_id, account_id, policy, pinned_at, events, breaches, warnings,
         (SELECT jsonb_agg(jsonb_build_object('metric', c->'metric', 'cycle', c->'cycle')) FROM jsonb_array_elements(status->'clocks') c) AS clock_keys
       FROM sla.ticket_sla WHERE ticket_id = ANY($1)`,
      [[...byTicket.keys()]],
    );
    const stored = new Map(rows.map((row) => [row.ticket_id, row]));
    const written: WrittenRow[] = [];
    const timers = new TimerChanges();
    for (const [ticketId, ticketEvents] of byTicket) written.push(foldTicket(ticketId, stored.get(ticketId), ticketEvents, timers));
    await writeRows(tx, written);
    await timers.write(tx);
  },
};

interface TicketSlaRow {
  account_id: string | null;
  policy: SlaPolicy | null;
  pinned_at: Date | string | null;
  events: TicketEvent[];
  breaches: (Recorded & { at: string })[];
  warnings: (Recorded & { at: string })[];
  /** The clocks of the status last written, whose timers may have to go. */
  clock_keys: Recorded[] | null;
}

interface WrittenRow {
  ticketId: string;
  accountId: string | null;
  policy: SlaPolicy | null;
  pinnedAt: string | null;
  facts: TicketEvent[];
  breaches: (Recorded & { at: string })[];
  warnings: (Recorded & { at: string })[];
  status: SlaStatus | null;
}

function foldTicket(ticketId: string, row: TicketSlaRow | undefined, events: readonly (TicketEvent | SlaEvent)[], timers: TimerChanges): WrittenRow {
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
    let latest = -Infinity;
    for (const fact of facts) latest = Math.max(latest, Date.parse(eventInstant(fact)));
    for (const entry of breaches) latest = Math.max(latest, Date.parse(entry.at));
    for (const entry of warnings) latest = Math.max(latest, Date.parse(entry.at));
    if (pinnedAt) latest = Math.max(latest, Date.parse(pinnedAt));
    status = slaStatus(facts, policy, new Date(latest));
    scheduleTimers(timers, ticketId, status, warnings, breaches);
    // A clock that is gone (a severity without that target, fewer update cycles) takes its timers with it.
    const current = status.clocks;
    for (const gone of row?.clock_keys ?? []) {
      if (current.some((clock) => clock.metric === gone.metric && clock.cycle === gone.cycle)) continue;
      timers.cancel(timerId('warning', ticketId, gone.metric, gone.cycle));
      timers.cancel(timerId('breach', ticketId, gone.metric, gone.cycle));
    }
  }
  return { ticketId, accountId, policy, pinnedAt, facts, breaches, warnings, status };
}

/**
 * One statement for the batch. The rows travel as one JSON document (one native JSON.stringify, no per-element
 * array escaping) and are unpacked by jsonb_to_recordset; a JSON null arrives as SQL NULL, as a null parameter did.
 */
async function writeRows(tx: SqlExecutor, rows: readonly WrittenRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO sla.ticket_sla (ticket_id, account_id, policy, pinned_at, events, breaches, warnings, status, breached, next_due_at)
     SELECT ticket_id, account_id, policy, pinned_at, events, breaches, warnings, status, breached, next_due_at
     FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, account_id text, policy jsonb, pinned_at timestamptz, events jsonb,
       breaches jsonb, warnings jsonb, status jsonb, breached boolean, next_due_at timestamptz)
     ON CONFLICT (ticket_id) DO UPDATE SET account_id = EXCLUDED.account_id, policy = EXCLUDED.policy, pinned_at = EXCLUDED.pinned_at,
       events = EXCLUDED.events, breaches = EXCLUDED.breaches, warnings = EXCLUDED.warnings, status = EXCLUDED.status,
       breached = EXCLUDED.breached, next_due_at = EXCLUDED.next_due_at`,
    [
      JSON.stringify(
        rows.map((r) => ({
          ticket_id: r.ticketId,
          account_id: r.accountId,
          policy: r.policy,
          pinned_at: r.pinnedAt,
          events: r.facts,
          breaches: r.breaches,
          warnings: r.warnings,
          status: r.status,
          breached: r.status?.breached ?? false,
          next_due_at: r.status?.nextDueAt ?? null,
        })),
      ),
    ],
  );
}

interface Recorded {
  metric: string;
  cycle: number;
}

/** The timers a batch schedules and cancels, written together (each timer id belongs to one ticket). */
class TimerChanges {
  private readonly scheduled = new Map<string, { kind: string; dueAt: Date; payload: Record<string, unknown> }>();
  private readonly cancelled = new Set<string>();

  schedule(id: string, kind: string, dueAt: Date, payload: Record<string, unknown>): void {
    this.cancelled.delete(id);
    this.scheduled.set(id, { kind, dueAt, payload });
  }

  cancel(id: string): void {
    this.scheduled.delete(id);
    this.cancelled.add(id);
  }

  /** The same statements as scheduleTimer / cancelTimer, for many timers at once; one NOTIFY for the batch. */
  async write(tx: SqlExecutor): Promise<void> {
    if (this.cancelled.size > 0) {
      await tx.query('DELETE FROM platform.timers WHERE id = ANY($1) AND fired_at IS NULL', [[...this.cancelled]]);
    }
    if (this.scheduled.size === 0) return;
    const timers = [...this.scheduled].map(([id, timer]) => ({ id, kind: timer.kind, due_at: timer.dueAt, payload: timer.payload }));
    await tx.query(
      `WITH moved AS (
         INSERT INTO platform.timers (id, kind, due_at, payload)
         SELECT id, kind, due_at, payload FROM jsonb_to_recordset($1::jsonb) AS r(id text, kind text, due_at timestamptz, payload jsonb)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, fired_at = NULL
         RETURNING 1
       )
       SELECT pg_notify('${TIMERS_CHANNEL}', '') FROM (SELECT 1 FROM moved LIMIT 1) AS any_moved`,
      [JSON.stringify(timers)],
    );
  }
}

/**
 * A running clock gets timers at its warning and due instants. A clock already past them whose warning or
 * breach is not recorded yet (a back-dated ticket, a catch-up, a severity raised after the fact) gets a timer
 * at that past instant, so the next scheduler pass records it; anything else has no timer.
 */
function scheduleTimers(timers: TimerChanges, ticketId: string, status: SlaStatus, warnings: Recorded[], breaches: Recorded[]): void {
  const has = (list: Recorded[], metric: string, cycle: number) => list.some((entry) => entry.metric === metric && entry.cycle === cycle);
  for (const clock of status.clocks) {
    const payload = { ticketId, metric: clock.metric, cycle: clock.cycle };
    const warning = timerId('warning', ticketId, clock.metric, clock.cycle);
    const breach = timerId('breach', ticketId, clock.metric, clock.cycle);
    const counting = clock.state === 'RUNNING' || clock.state === 'BREACHED';
    const warnAt = clock.warningDueAt ?? (counting && !has(warnings, clock.metric, clock.cycle) ? clock.warnedAt : null);
    if (counting && warnAt) timers.schedule(warning, SLA_WARNING_TIMER, warnAt, payload);
    else timers.cancel(warning);
    const unrecordedBreach = clock.state === 'BREACHED' && !has(breaches, clock.metric, clock.cycle);
    if ((clock.state === 'RUNNING' || unrecordedBreach) && clock.dueAt) timers.schedule(breach, SLA_BREACH_TIMER, clock.dueAt, payload);
    else timers.cancel(breach);
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
