import { Inject, Injectable } from '@nestjs/common';
import { type Visibility } from '#contracts';
import { isAfter, parsePosition, type Position, type SqlClient } from '#event-store';
import { keysetSql, pageOf, READ_DB, type PageWindow } from '#platform-kit';
import type { TicketView } from '../domain/ticket-view.js';
import { parseVersionRange, versionInRange } from '../domain/sdk-version-range.js';

/** A ticket row of the read model: the pure view without its replies (kept in their own table). */
export type TicketRow = Omit<TicketView, 'replies'>;

export interface ReplyRow {
  id: string;
  ticketId: string;
  authorId: string;
  authorRole: string;
  body: string;
  visibility: Visibility;
  at: Date;
  incidentUpdateId: string | null;
}

export interface TicketFilterValues {
  accountId?: string | null;
  status?: string[] | null;
  severity?: string[] | null;
  assigneeId?: string | null;
  breached?: boolean | null;
  dueBefore?: Date | null;
  channel?: string[] | null;
  openedAfter?: Date | null;
  openedBefore?: Date | null;
  updatedAfter?: Date | null;
  updatedBefore?: Date | null;
  errorCode?: string | null;
  sdkName?: string | null;
  /** A semver range on diagnostics.sdkVersion (read loosely: `v4.1`, `4.2.0-beta.1`). */
  sdkVersionRange?: string | null;
  /** Linked to this platform incident (triage.incident_links, triage's copy fed by the incidents context's events). */
  incidentId?: string | null;
}

export type TicketOrder = 'SLA_DUE' | 'OPENED_AT';

/**
 * Keyset of the queue order. SLA_DUE: breached first, then the soonest due, then the rest by opening;
 * OPENED_AT: by opening. Both end with the id, so a cursor names one place.
 */
export type PageKey = [number, string, string, string];

export interface RoutingStaffRow {
  id: string;
  role: string;
  regions: string[];
  skills: string[];
  /** The shift calendar's definition as JSON text (null: no shift calendar), so that it can key a cache. */
  calendarJson: string | null;
  openTickets: number;
}

export interface RoutingDirectory {
  account: { region: string; tamId: string | null } | null;
  engineers: RoutingStaffRow[];
}

/** The projection whose rows the open-ticket counts come from (its checkpoint moves with every change to them). */
const TICKETS_READ_MODEL = 'triage.tickets';

/** Reads of triage's read model (schema `triage`). */
@Injectable()
export class TicketsQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async ticket(id: string): Promise<TicketRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM triage.tickets WHERE id = $1', [id]);
    return row ? toTicket(row) : null;
  }

  /** Tickets not resolved or closed that are assigned to this staff member (to reassign when they leave). */
  async openTicketsOf(assigneeId: string): Promise<TicketRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      "SELECT * FROM triage.tickets WHERE assignee_id = $1 AND status NOT IN ('RESOLVED', 'CLOSED') ORDER BY opened_at, id",
      [assigneeId],
    );
    return rows.map(toTicket);
  }

  /** The follow-ups a late reply on this ticket opened, oldest first. */
  async followUps(ticketId: string): Promise<TicketRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM triage.tickets WHERE follow_up_of = $1 ORDER BY opened_at, id', [ticketId]);
    return rows.map(toTicket);
  }

  async ticketsByIds(ids: readonly string[]): Promise<TicketRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM triage.tickets WHERE id = ANY($1)', [ids]);
    return rows.map(toTicket);
  }

  /**
   * One page of the queue. The SLA columns come from triage's own copy (`triage.queue_sla`, kept from the log
   * by the `triage.queue-sla` projection): the queue never reads the SLA context's schema.
   */
  async ticketsPage(
    filter: TicketFilterValues,
    order: TicketOrder,
    window: PageWindow<PageKey>,
  ): Promise<{ rows: TicketRow[]; keys: PageKey[]; hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number }> {
    const params: unknown[] = [];
    const { where, withSla } = await this.filterClauses(filter, params);
    const from = withSla ? 'triage.tickets t LEFT JOIN triage.queue_sla s ON s.ticket_id = t.id' : 'triage.tickets t';
    const bySla = order === 'SLA_DUE' && withSla;
    const rank = bySla ? `CASE WHEN coalesce(s.breached, false) THEN 0 ELSE 1 END` : '0::int';
    const due = bySla ? `coalesce(s.next_due_at, 'infinity'::timestamptz)` : `'infinity'::timestamptz`;
    const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await this.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${from} ${base}`, params);
    const pageParams = [...params];
    const keyset = keysetSql(window, [rank, due, 't.opened_at', 't.id'], ['int', 'timestamptz', 'timestamptz', 'text'], (value) => `$${pageParams.push(value)}`);
    const clauses = [...where, ...keyset.where];
    const rows = await this.db.query<Record<string, any>>(
      `SELECT t.*, ${rank} AS sort_rank, ${due}::text AS sort_due FROM ${from} ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
       ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
      pageParams,
    );
    const page = pageOf(rows, window);
    return {
      rows: page.rows.map(toTicket),
      keys: page.rows.map((row): PageKey => [Number(row.sort_rank), row.sort_due === 'infinity' ? 'infinity' : new Date(row.sort_due).toISOString(), new Date(row.opened_at).toISOString(), row.id]),
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      totalCount: Number(count?.n ?? 0),
    };
  }

  /**
   * The WHERE clauses of a ticket filter over `triage.tickets t` (and `triage.queue_sla s` when `withSla`), their
   * parameters appended to `params`; `sla` is the alias the SLA table has in the caller's FROM. Shared by the queue and search.
   */
  async filterClauses(filter: TicketFilterValues, params: unknown[], sla = 's'): Promise<{ where: string[]; withSla: boolean }> {
    // Always: triage keeps its own SLA columns from the log, whichever contexts this process runs.
    const withSla = true;
    const where: string[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filter.accountId) add((p) => `t.account_id = ${p}`, filter.accountId);
    if (filter.status?.length) add((p) => `t.status = ANY(${p})`, filter.status);
    if (filter.severity?.length) add((p) => `t.severity = ANY(${p})`, filter.severity);
    if (filter.assigneeId) add((p) => `t.assignee_id = ${p}`, filter.assigneeId);
    if (filter.breached != null) add((p) => `coalesce(${sla}.breached, false) = ${p}`, filter.breached);
    if (filter.dueBefore) add((p) => `${sla}.next_due_at < ${p}`, filter.dueBefore);
    if (filter.channel?.length) add((p) => `t.channel = ANY(${p})`, filter.channel);
    if (filter.openedAfter) add((p) => `t.opened_at >= ${p}`, filter.openedAfter);
    if (filter.openedBefore) add((p) => `t.opened_at < ${p}`, filter.openedBefore);
    if (filter.updatedAfter) add((p) => `coalesce(t.updated_at, t.opened_at) >= ${p}`, filter.updatedAfter);
    if (filter.updatedBefore) add((p) => `coalesce(t.updated_at, t.opened_at) < ${p}`, filter.updatedBefore);
    if (filter.errorCode) add((p) => `t.diagnostics->>'errorCode' = ${p}`, filter.errorCode);
    if (filter.sdkName) add((p) => `lower(t.diagnostics->>'sdkName') = lower(${p})`, filter.sdkName);
    if (filter.incidentId) add((p) => `EXISTS (SELECT 1 FROM triage.incident_links il WHERE il.incident_id = ${p} AND il.ticket_id = t.id)`, filter.incidentId);
    if (filter.sdkVersionRange != null) {
      // semver ranges do not exist in SQL: the distinct reported versions are matched here, then filtered by.
      const range = parseVersionRange(filter.sdkVersionRange);
      const reported = await this.db.query<{ v: string }>(
        `SELECT DISTINCT diagnostics->>'sdkVersion' AS v FROM triage.tickets WHERE diagnostics->>'sdkVersion' IS NOT NULL${filter.accountId ? ' AND account_id = $1' : ''}`,
        filter.accountId ? [filter.accountId] : [],
      );
      add((p) => `t.diagnostics->>'sdkVersion' = ANY(${p})`, reported.map((row) => row.v).filter((version) => versionInRange(version, range)));
    }
    return { where, withSla };
  }

  async openTicketCount(accountId: string): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM triage.tickets WHERE account_id = $1 AND status NOT IN ('RESOLVED', 'CLOSED')`,
      [accountId],
    );
    return Number(row?.n ?? 0);
  }

  async replies(ticketIds: readonly string[]): Promise<ReplyRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      'SELECT * FROM triage.replies WHERE ticket_id = ANY($1) ORDER BY ticket_id, seq',
      [ticketIds],
    );
    return rows.map((row) => ({
      id: row.reply_id,
      ticketId: row.ticket_id,
      authorId: row.author_id,
      authorRole: row.author_role,
      body: row.body,
      visibility: row.visibility,
      at: new Date(row.at),
      incidentUpdateId: row.incident_update_id ?? null,
    }));
  }

  async staffMember(id: string): Promise<{ id: string; role: string } | null> {
    const [row] = await this.db.query<{ id: string; role: string }>('SELECT id, role FROM triage.staff WHERE id = $1 AND active', [id]);
    return row ?? null;
  }

  async accountRouting(accountId: string): Promise<{ region: string; tamId: string | null } | null> {
    const [row] = await this.db.query<{ region: string; tam_id: string | null }>('SELECT region, tam_id FROM triage.accounts WHERE id = $1', [accountId]);
    return row ? { region: row.region, tamId: row.tam_id } : null;
  }

  /** Open-ticket counts per set of engineers, with the `triage.tickets` checkpoint they were counted at. */
  private readonly counted = new Map<string, { at: string; counts: ReadonlyMap<string, number> }>();
  /** Counts under way, by engineers and the checkpoint their requesters saw. */
  private readonly counting = new Map<string, Promise<{ at: string | null; counts: ReadonlyMap<string, number> }>>();
  /**
   * Assignments routing recorded that `triage.tickets` may not show yet (after the counted checkpoint): added to
   * the counts, so that routing the next ticket need not wait for the read model to apply this one. Pruned as
   * the checkpoint passes them.
   */
  private readonly unseenAssignments: { assigneeId: string; position: Position }[] = [];

  /** Routing recorded this assignment: count it until `triage.tickets` shows it. */
  noteRoutedAssignment(assigneeId: string, position: Position): void {
    if (this.unseenAssignments.length >= MAX_UNSEEN_ASSIGNMENTS) this.unseenAssignments.shift();
    this.unseenAssignments.push({ assigneeId, position });
  }

  /**
   * What routing reads: the account's region and TAM, and the engineers of that region (the only ones the
   * policy considers) with their skills, shift calendars and unresolved tickets. One statement reads the
   * directory and `triage.tickets`' checkpoint. Counting open tickets is the costly part (it grows with them),
   * and `triage.tickets` changes only in projection transactions that also move that checkpoint: so counts
   * kept from the same checkpoint are exactly what counting again would give. Otherwise one count runs for
   * every request that saw the same checkpoint — it starts after they saw it, so it shows at least that state.
   */
  async routingDirectory(accountId: string): Promise<RoutingDirectory> {
    const rows = await this.db.query<{
      region: string | null;
      tam_id: string | null;
      checkpoint: string | null;
      id: string | null;
      role: string | null;
      regions: string[] | null;
      skills: string[] | null;
      calendar: string | null;
    }>(
      `SELECT a.region, CASE WHEN t.active IS FALSE THEN NULL ELSE a.tam_id END AS tam_id,
         (SELECT commit_position::text || '/' || prepare_position::text FROM projections.checkpoints WHERE name = $2) AS checkpoint,
         s.id, s.role, s.regions, s.skills, c.definition::text AS calendar
       FROM (SELECT 1) AS one
       LEFT JOIN triage.accounts a ON a.id = $1
       LEFT JOIN triage.staff t ON t.id = a.tam_id
       LEFT JOIN triage.staff s ON s.role = 'ENGINEER' AND s.active AND a.region = ANY(s.regions)
       LEFT JOIN triage.shift_calendars c ON c.id = s.calendar_id
       ORDER BY s.id`,
      [accountId, TICKETS_READ_MODEL],
    );
    const first = rows[0];
    const staff = rows.filter((row) => row.id !== null);
    const ids = staff.map((row) => row.id!);
    const key = ids.join('\n');
    const seen = first?.checkpoint ?? null;
    const kept = this.counted.get(key);
    const { at, counts } = seen !== null && kept?.at === seen ? kept : await this.countOpenTickets(ids, key, seen);
    const unseen = this.assignmentsAfter(at);
    return {
      account: first?.region != null ? { region: first.region, tamId: first.tam_id } : null,
      engineers: staff.map((row) => ({
        id: row.id!,
        role: row.role!,
        regions: row.regions!,
        skills: row.skills!,
        calendarJson: row.calendar,
        openTickets: (counts.get(row.id!) ?? 0) + (unseen.get(row.id!) ?? 0),
      })),
    };
  }

  /** Per engineer, the routed assignments the read model at checkpoint `at` does not include yet. */
  private assignmentsAfter(at: string | null): Map<string, number> {
    const counted = at === null ? null : parsePosition(at);
    // The checkpoint only moves forward: what it includes now it includes for every later reader.
    while (this.unseenAssignments.length > 0 && !isAfter(this.unseenAssignments[0]!.position, counted)) this.unseenAssignments.shift();
    const unseen = new Map<string, number>();
    for (const { assigneeId, position } of this.unseenAssignments) {
      if (isAfter(position, counted)) unseen.set(assigneeId, (unseen.get(assigneeId) ?? 0) + 1);
    }
    return unseen;
  }

  private countOpenTickets(ids: string[], key: string, seen: string | null): Promise<{ at: string | null; counts: ReadonlyMap<string, number> }> {
    if (ids.length === 0) return Promise.resolve({ at: seen, counts: new Map() });
    const flight = `${seen ?? 'none'}\n${key}`;
    let pending = this.counting.get(flight);
    if (!pending) {
      pending = (async () => {
        const rows = await this.db.query<{ checkpoint: string | null; assignee_id: string | null; open_tickets: number | null }>(
          `SELECT (SELECT commit_position::text || '/' || prepare_position::text FROM projections.checkpoints WHERE name = $2) AS checkpoint,
             t.assignee_id, t.open_tickets
           FROM (SELECT 1) AS one
           LEFT JOIN (
             SELECT assignee_id, count(*)::int AS open_tickets FROM triage.tickets
             WHERE assignee_id = ANY($1) AND status NOT IN ('RESOLVED', 'CLOSED') GROUP BY assignee_id
           ) t ON true`,
          [ids, TICKETS_READ_MODEL],
        );
        const at = rows[0]?.checkpoint ?? null;
        const counts = new Map(rows.filter((row) => row.assignee_id !== null).map((row) => [row.assignee_id!, Number(row.open_tickets)]));
        const kept = this.counted.get(key);
        if (at !== null && (!kept || laterCheckpoint(at, kept.at))) {
          if (this.counted.size >= 64) this.counted.clear();
          this.counted.set(key, { at, counts });
        }
        return { at, counts };
      })().finally(() => this.counting.delete(flight));
      this.counting.set(flight, pending);
    }
    return pending;
  }
}

/** Is checkpoint `a` ("commit/prepare") after `b`? */
/** Routing's own assignments kept at most while the read model lags (a stalled projection bounds the memory). */
const MAX_UNSEEN_ASSIGNMENTS = 10_000;

function laterCheckpoint(a: string, b: string): boolean {
  const [ac, ap] = a.split('/').map(BigInt) as [bigint, bigint];
  const [bc, bp] = b.split('/').map(BigInt) as [bigint, bigint];
  return ac > bc || (ac === bc && ap > bp);
}

export function toTicket(row: Record<string, any>): TicketRow {
  return {
    id: row.id,
    accountId: row.account_id,
    version: Number(row.version),
    channel: row.channel,
    subject: row.subject,
    description: row.description,
    status: row.status,
    claimedSeverity: row.claimed_severity,
    assessedSeverity: row.assessed_severity,
    severity: row.severity,
    dispute: row.dispute,
    assigneeId: row.assignee_id,
    diagnostics: row.diagnostics,
    escalationLevel: Number(row.escalation_level),
    externalId: row.external_id,
    openedAt: new Date(row.opened_at),
    resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
    closedAt: row.closed_at ? new Date(row.closed_at) : null,
    resolution: row.resolution ?? null,
    rootCause: row.root_cause ?? null,
    updatedAt: new Date(row.updated_at ?? row.opened_at),
    followUpOf: row.follow_up_of ?? null,
    requester: row.requester ?? null,
    followers: row.followers ?? [],
    attachments: ((row.attachments ?? []) as Record<string, any>[]).map((a) => ({ ...a, addedAt: new Date(a['addedAt']) }) as TicketRow['attachments'][number]),
  };
}
