import { TICKET_EVENT_TYPES, type AccountRegistered, type SlaEvent, type TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
import { eventInstant, type SlaPolicy } from '../domain/sla-engine.js';
import { reportFacts, type ReportClock, type ReportTicket } from '../domain/sla-report-facts.js';
import { policyOf } from './ticket-sla.projection.js';

/**
 * The SLA report read model: one row per clock (its outcome and the month of its dueAt in the account's zone)
 * and one per ticket (resolution, reopening, first-contact resolution), re-derived from the ticket's status
 * whenever one of its facts arrives, so reports aggregate rows instead of recomputing tickets per query.
 * It keeps its own copy of each ticket's facts and of each account's zone: a rebuild needs no other read model.
 */
export const slaReportProjection: Projection = {
  name: 'sla.reports',
  eventTypes: ['AccountRegistered', ...TICKET_EVENT_TYPES, 'SlaPolicyPinned', 'SlaWarningReached', 'SlaClockBreached'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS sla');
    await sql.query('CREATE TABLE IF NOT EXISTS sla.report_zones (account_id text PRIMARY KEY, time_zone text NOT NULL)');
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.report_sources (
      ticket_id text PRIMARY KEY, account_id text, policy jsonb, events jsonb NOT NULL DEFAULT '[]', latest timestamptz)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.report_clocks (
      ticket_id text NOT NULL, account_id text NOT NULL, metric text NOT NULL, cycle int NOT NULL, severity text NOT NULL,
      channel text NOT NULL, assignee_id text, state text NOT NULL, outcome text, target_minutes int NOT NULL,
      elapsed_minutes int NOT NULL, due_at timestamptz, due_month text, due_date date, breached_at timestamptz,
      decided_at timestamptz, PRIMARY KEY (ticket_id, metric, cycle))`);
    await sql.query('CREATE INDEX IF NOT EXISTS report_clocks_by_account ON sla.report_clocks (account_id, due_date)');
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.report_tickets (
      ticket_id text PRIMARY KEY, account_id text NOT NULL, channel text NOT NULL, severity text NOT NULL, assignee_id text,
      resolved_at timestamptz, resolved_month text, resolved_date date, resolve_minutes int, reopened boolean NOT NULL,
      first_contact boolean NOT NULL)`);
    await sql.query('CREATE INDEX IF NOT EXISTS report_tickets_by_account ON sla.report_tickets (account_id, resolved_date)');
    // Every month (account zone) a ticket counts in now; a batch that moves it out of one refreshes that one too.
    await sql.query(`ALTER TABLE sla.report_sources ADD COLUMN IF NOT EXISTS months jsonb NOT NULL DEFAULT '[]'`);
    await sql.query('CREATE INDEX IF NOT EXISTS report_clocks_by_month ON sla.report_clocks (account_id, due_month)');
    await sql.query('CREATE INDEX IF NOT EXISTS report_tickets_by_month ON sla.report_tickets (account_id, resolved_month)');
    // The figures of each account-month, re-aggregated from the rows above for the months a batch touched.
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.report_months (
      account_id text NOT NULL, month text NOT NULL, clocks int NOT NULL, met int NOT NULL, missed int NOT NULL,
      promised_mean numeric, promised_p50 int, promised_p90 int, actual_mean numeric, actual_p50 int, actual_p90 int,
      resolved int NOT NULL, ttr_mean numeric, ttr_median int, reopened int NOT NULL, first_contact int NOT NULL,
      PRIMARY KEY (account_id, month))`);
  },

  async reset(tx) {
    for (const table of ['report_zones', 'report_sources', 'report_clocks', 'report_tickets', 'report_months']) await tx.query(`DELETE FROM sla.${table}`);
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const byTicket = new Map<string, (TicketEvent | SlaEvent)[]>();
    for (const recorded of events) {
      if (recorded.type === 'AccountRegistered') {
        const d = (recorded as unknown as AccountRegistered).data;
        await tx.query('INSERT INTO sla.report_zones VALUES ($1, $2) ON CONFLICT DO NOTHING', [d.accountId, d.timeZone]);
        continue;
      }
      const event = recorded as unknown as TicketEvent | SlaEvent;
      const list = byTicket.get(event.data.ticketId) ?? [];
      list.push(event);
      byTicket.set(event.data.ticketId, list);
    }
    if (byTicket.size === 0) return;
    const stored = await tx.query<SourceRow>(
      `SELECT s.ticket_id, s.account_id, s.policy, s.events, s.latest, s.months, z.time_zone
       FROM sla.report_sources s LEFT JOIN sla.report_zones z ON z.account_id = s.account_id WHERE s.ticket_id = ANY($1)`,
      [[...byTicket.keys()]],
    );
    const rows = new Map(stored.map((row) => [row.ticket_id, row]));
    const sources: SourceRow[] = [];
    const clocks: (ReportClock & { accountId: string; severity: string; channel: string; assigneeId: string | null })[] = [];
    const tickets: ReportTicket[] = [];
    const movedOut: [string, string][] = [];
    for (const [ticketId, ticketEvents] of byTicket) {
      const source = fold(ticketId, rows.get(ticketId), ticketEvents);
      sources.push(source);
      if (!source.policy || !source.account_id || !source.events.some((e) => e.type === 'TicketOpened')) continue;
      source.time_zone ??= (await tx.query<{ time_zone: string }>('SELECT time_zone FROM sla.report_zones WHERE account_id = $1', [source.account_id]))[0]?.time_zone ?? 'UTC';
      const facts = reportFacts(source.events, source.policy, source.time_zone, new Date(source.latest!));
      tickets.push(facts.ticket);
      const { accountId, severity, channel, assigneeId } = facts.ticket;
      for (const clock of facts.clocks) clocks.push({ ...clock, accountId, severity, channel, assigneeId });
      // The months the ticket counts in now: stored as what the log says at this point, so a rebuild in one pass
      // gives the same row as the live run batch by batch. A month it counted in before this batch is refreshed too.
      const months = new Set<string>();
      for (const clock of facts.clocks) if (clock.dueMonth) months.add(clock.dueMonth);
      if (facts.ticket.resolvedMonth) months.add(facts.ticket.resolvedMonth);
      for (const month of source.months) movedOut.push([source.account_id, month]);
      source.months = [...months].sort();
    }
    await tx.query(
      `INSERT INTO sla.report_sources (ticket_id, account_id, policy, events, latest, months)
       SELECT ticket_id, account_id, policy, events, latest, months
       FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, account_id text, policy jsonb, events jsonb, latest timestamptz, months jsonb)
       ON CONFLICT (ticket_id) DO UPDATE SET account_id = EXCLUDED.account_id, policy = EXCLUDED.policy, events = EXCLUDED.events, latest = EXCLUDED.latest,
         months = EXCLUDED.months`,
      [JSON.stringify(sources.map(({ time_zone: _zone, ...row }) => row))],
    );
    const derived = tickets.map((t) => t.ticketId);
    await tx.query('DELETE FROM sla.report_clocks WHERE ticket_id = ANY($1)', [derived]);
    await tx.query(
      `INSERT INTO sla.report_clocks (ticket_id, account_id, metric, cycle, severity, channel, assignee_id, state, outcome, target_minutes,
         elapsed_minutes, due_at, due_month, due_date, breached_at, decided_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, account_id text, metric text, cycle int, severity text, channel text,
         assignee_id text, state text, outcome text, target_minutes int, elapsed_minutes int, due_at timestamptz, due_month text, due_date date,
         breached_at timestamptz, decided_at timestamptz)`,
      [
        JSON.stringify(
          clocks.map((c) => ({
            ticket_id: c.ticketId, account_id: c.accountId, metric: c.metric, cycle: c.cycle, severity: c.severity, channel: c.channel,
            assignee_id: c.assigneeId, state: c.state, outcome: c.outcome, target_minutes: c.targetMinutes, elapsed_minutes: c.elapsedMinutes,
            due_at: c.dueAt, due_month: c.dueMonth, due_date: c.dueDate, breached_at: c.breachedAt, decided_at: c.decidedAt,
          })),
        ),
      ],
    );
    await tx.query(
      `INSERT INTO sla.report_tickets (ticket_id, account_id, channel, severity, assignee_id, resolved_at, resolved_month, resolved_date,
         resolve_minutes, reopened, first_contact)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, account_id text, channel text, severity text, assignee_id text,
         resolved_at timestamptz, resolved_month text, resolved_date date, resolve_minutes int, reopened boolean, first_contact boolean)
       ON CONFLICT (ticket_id) DO UPDATE SET channel = EXCLUDED.channel, severity = EXCLUDED.severity, assignee_id = EXCLUDED.assignee_id,
         resolved_at = EXCLUDED.resolved_at, resolved_month = EXCLUDED.resolved_month, resolved_date = EXCLUDED.resolved_date,
         resolve_minutes = EXCLUDED.resolve_minutes, reopened = EXCLUDED.reopened, first_contact = EXCLUDED.first_contact`,
      [
        JSON.stringify(
          tickets.map((t) => ({
            ticket_id: t.ticketId, account_id: t.accountId, channel: t.channel, severity: t.severity, assignee_id: t.assigneeId,
            resolved_at: t.resolvedAt, resolved_month: t.resolvedMonth, resolved_date: t.resolvedDate, resolve_minutes: t.resolveMinutes,
            reopened: t.reopened, first_contact: t.firstContactResolution,
          })),
        ),
      ],
    );
    const touched = new Set<string>();
    for (const source of sources) if (source.account_id) for (const month of source.months) touched.add(`${source.account_id}\u0000${month}`);
    for (const [accountId, month] of movedOut) touched.add(`${accountId}\u0000${month}`);
    await refreshMonths(tx, [...touched].map((pair) => pair.split('\u0000') as [string, string]));
  },
};

/**
 * Re-aggregates the given account-months from the clock and ticket rows into sla.report_months, with the same
 * expressions the report runs over the rows themselves (SlaReportQueries), so either source gives the same figures.
 */
async function refreshMonths(tx: SqlExecutor, pairs: readonly [string, string][]): Promise<void> {
  if (pairs.length === 0) return;
  const params = [pairs.map(([account]) => account), pairs.map(([, month]) => month)];
  await tx.query('DELETE FROM sla.report_months m USING unnest($1::text[], $2::text[]) AS p(account_id, month) WHERE m.account_id = p.account_id AND m.month = p.month', params);
  const stopped = `state IN ('MET', 'MISSED')`;
  await tx.query(
    `WITH pairs AS (SELECT DISTINCT account_id, month FROM unnest($1::text[], $2::text[]) AS p(account_id, month)),
     c AS (
       SELECT r.account_id, r.due_month AS month, count(*)::int AS clocks,
         count(*) FILTER (WHERE outcome = 'MET')::int AS met,
         count(*) FILTER (WHERE outcome = 'MISSED')::int AS missed,
         avg(target_minutes) FILTER (WHERE ${stopped}) AS promised_mean,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY target_minutes) FILTER (WHERE ${stopped}) AS promised_p50,
         percentile_disc(0.9) WITHIN GROUP (ORDER BY target_minutes) FILTER (WHERE ${stopped}) AS promised_p90,
         avg(elapsed_minutes) FILTER (WHERE ${stopped}) AS actual_mean,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY elapsed_minutes) FILTER (WHERE ${stopped}) AS actual_p50,
         percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed_minutes) FILTER (WHERE ${stopped}) AS actual_p90
       FROM sla.report_clocks r JOIN pairs p ON p.account_id = r.account_id AND p.month = r.due_month
       WHERE r.due_date IS NOT NULL
       GROUP BY r.account_id, r.due_month),
     t AS (
       SELECT r.account_id, r.resolved_month AS month, count(*)::int AS resolved,
         avg(resolve_minutes) AS ttr_mean,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY resolve_minutes) AS ttr_median,
         count(*) FILTER (WHERE reopened)::int AS reopened,
         count(*) FILTER (WHERE first_contact)::int AS first_contact
       FROM sla.report_tickets r JOIN pairs p ON p.account_id = r.account_id AND p.month = r.resolved_month
       WHERE r.resolved_date IS NOT NULL
       GROUP BY r.account_id, r.resolved_month)
     INSERT INTO sla.report_months
     SELECT account_id, month, coalesce(c.clocks, 0), coalesce(c.met, 0), coalesce(c.missed, 0), c.promised_mean, c.promised_p50, c.promised_p90,
       c.actual_mean, c.actual_p50, c.actual_p90, coalesce(t.resolved, 0), t.ttr_mean, t.ttr_median, coalesce(t.reopened, 0), coalesce(t.first_contact, 0)
     FROM c FULL JOIN t USING (account_id, month)`,
    params,
  );
}

interface SourceRow {
  ticket_id: string;
  account_id: string | null;
  policy: SlaPolicy | null;
  events: TicketEvent[];
  latest: string | null;
  months: string[];
  time_zone?: string | null;
}

/**
 * The ticket's facts and the latest instant the log has for it (never the wall clock, so a rebuild derives
 * exactly the rows the live run did). Bodies and descriptions are not kept: no figure needs them.
 */
function fold(ticketId: string, row: SourceRow | undefined, events: readonly (TicketEvent | SlaEvent)[]): SourceRow {
  const source: SourceRow = {
    ticket_id: ticketId,
    account_id: row?.account_id ?? null,
    policy: row?.policy ?? null,
    events: [...(row?.events ?? [])],
    latest: row?.latest ? new Date(row.latest).toISOString() : null,
    months: [...(row?.months ?? [])],
    time_zone: row?.time_zone ?? null,
  };
  const later = (instant: string) => {
    if (source.latest === null || Date.parse(instant) > Date.parse(source.latest)) source.latest = new Date(instant).toISOString();
  };
  for (const event of events) {
    if (event.type === 'SlaPolicyPinned') {
      source.policy = policyOf(event);
      source.account_id = event.data.accountId;
      later(event.data.pinnedAt);
    } else if (event.type === 'SlaWarningReached') later(event.data.warnedAt);
    else if (event.type === 'SlaClockBreached') later(event.data.breachedAt);
    else {
      source.events.push(factOnly(event));
      if (event.type === 'TicketOpened') source.account_id ??= event.data.accountId;
      later(eventInstant(event));
    }
  }
  return source;
}

function factOnly(event: TicketEvent): TicketEvent {
  if (event.type === 'ReplyAdded') return { type: event.type, data: { ...event.data, body: '' } };
  if (event.type === 'TicketOpened') return { type: event.type, data: { ...event.data, subject: '', description: '' } };
  if (event.type === 'TicketResolved') return { type: event.type, data: { ...event.data, resolution: '', rootCause: null } };
  return { type: event.type, data: event.data } as TicketEvent;
}
