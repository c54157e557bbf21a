import { Inject, Injectable } from '@nestjs/common';
import type { Position, SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';
import type { LinkCandidate } from '../domain/incident.decider.js';
import { AUTO_LINK_MIN_SCORE, rankSuggestions, suggestionScore, type Suggestion } from '../domain/suggestions.js';

/** An open incident offered for a ticket, with what matched (the domain's ranking). */
export type IncidentSuggestion = Suggestion<IncidentRow>;

export interface IncidentRow {
  id: string;
  seq: string;
  title: string;
  severity: string;
  regions: string[];
  components: string[];
  sdkName: string | null;
  sdkVersionRange: string | null;
  startedAt: Date;
  publicSummary: string;
  declaredBy: string;
  declaredAt: Date;
  status: 'OPEN' | 'RESOLVED';
  resolvedAt: Date | null;
  resolution: string | null;
  rootCause: string | null;
}

export interface IncidentUpdateRow {
  updateId: string;
  incidentId: string;
  status: string;
  body: string;
  visibility: 'PUBLIC' | 'INTERNAL';
  postedBy: string;
  postedAt: Date;
}

/** The auto-link term of ticket t's contract in force at its receivedAt, of the versions signed before ($2, $3) in the log. */
const AUTO_LINK_TERM = `COALESCE((SELECT c.auto_link FROM incidents.contracts c
  WHERE c.account_id = t.account_id AND c.effective_from <= t.received_at AND (c.signed_commit, c.signed_prepare) < ($2::numeric, $3::numeric)
  ORDER BY c.version DESC LIMIT 1), false)`;

/** Who may see what: null for staff (everything); a customer's account restricts to incidents linked to its tickets. */
export type Scope = { accountId: string | null };

function toIncident(row: Record<string, any>): IncidentRow {
  return {
    id: row.id,
    seq: String(row.seq),
    title: row.title,
    severity: row.severity,
    regions: row.regions,
    components: row.components,
    sdkName: row.sdk_name,
    sdkVersionRange: row.sdk_version_range,
    startedAt: new Date(row.started_at),
    publicSummary: row.public_summary,
    declaredBy: row.declared_by,
    declaredAt: new Date(row.declared_at),
    status: row.status,
    resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
    resolution: row.resolution,
    rootCause: row.root_cause,
  };
}

@Injectable()
export class IncidentsQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async incident(id: string, scope: Scope): Promise<IncidentRow | null> {
    const rows =
      scope.accountId === null
        ? await this.db.query<Record<string, any>>('SELECT * FROM incidents.incidents WHERE id = $1', [id])
        : await this.db.query<Record<string, any>>(
            'SELECT i.* FROM incidents.incidents i WHERE i.id = $1 AND EXISTS (SELECT 1 FROM incidents.links l WHERE l.incident_id = i.id AND l.account_id = $2)',
            [id, scope.accountId],
          );
    return rows[0] ? toIncident(rows[0]) : null;
  }

  async incidents(scope: Scope, status: string | null, first: number, afterSeq: string | null): Promise<{ rows: IncidentRow[]; hasNextPage: boolean; totalCount: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (status) {
      params.push(status);
      where.push(`i.status = $${params.length}`);
    }
    if (scope.accountId !== null) {
      params.push(scope.accountId);
      where.push(`EXISTS (SELECT 1 FROM incidents.links l WHERE l.incident_id = i.id AND l.account_id = $${params.length})`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ count }] = (await this.db.query<{ count: string }>(`SELECT count(*) AS count FROM incidents.incidents i ${filter}`, params)) as [{ count: string }];
    const pageParams = [...params];
    let pageFilter = filter;
    if (afterSeq) {
      pageParams.push(afterSeq);
      pageFilter = `${filter ? `${filter} AND` : 'WHERE'} i.seq < $${pageParams.length}`;
    }
    pageParams.push(first + 1);
    const rows = await this.db.query<Record<string, any>>(`SELECT i.* FROM incidents.incidents i ${pageFilter} ORDER BY i.seq DESC LIMIT $${pageParams.length}`, pageParams);
    return { rows: rows.slice(0, first).map(toIncident), hasNextPage: rows.length > first, totalCount: Number(count) };
  }

  async updates(incidentId: string, publicOnly: boolean): Promise<IncidentUpdateRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM incidents.updates WHERE incident_id = $1 ${publicOnly ? "AND visibility = 'PUBLIC'" : ''} ORDER BY seq`,
      [incidentId],
    );
    return rows.map((row) => ({
      updateId: row.update_id,
      incidentId: row.incident_id,
      status: row.status,
      body: row.body,
      visibility: row.visibility,
      postedBy: row.posted_by,
      postedAt: new Date(row.posted_at),
    }));
  }

  /** Linked tickets and distinct accounts, within the scope (a customer: their own account's only). */
  async counts(incidentId: string, scope: Scope): Promise<{ tickets: number; accounts: number }> {
    const params: unknown[] = [incidentId];
    let filter = '';
    if (scope.accountId !== null) {
      params.push(scope.accountId);
      filter = 'AND account_id = $2';
    }
    const [row] = await this.db.query<{ tickets: string; accounts: string }>(
      `SELECT count(*) AS tickets, count(DISTINCT account_id) AS accounts FROM incidents.links WHERE incident_id = $1 ${filter}`,
      params,
    );
    return { tickets: Number(row?.tickets ?? 0), accounts: Number(row?.accounts ?? 0) };
  }

  async linkedTicketIds(incidentId: string, scope: Scope, limit: number): Promise<string[]> {
    const params: unknown[] = [incidentId, limit];
    let filter = '';
    if (scope.accountId !== null) {
      params.push(scope.accountId);
      filter = 'AND account_id = $3';
    }
    const rows = await this.db.query<{ ticket_id: string }>(`SELECT ticket_id FROM incidents.links WHERE incident_id = $1 ${filter} ORDER BY linked_at, ticket_id LIMIT $2`, params);
    return rows.map((row) => row.ticket_id);
  }

  /** The incident a ticket is linked to (the open one first, else the latest resolved). */
  async incidentOfTicket(ticketId: string): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }>(
      `SELECT i.id FROM incidents.links l JOIN incidents.incidents i ON i.id = l.incident_id WHERE l.ticket_id = $1 ORDER BY (i.status = 'OPEN') DESC, i.seq DESC LIMIT 1`,
      [ticketId],
    );
    return row?.id ?? null;
  }

  /** Every incident the ticket was ever linked to (unlinked ones too). */
  async incidentsEverLinked(ticketId: string): Promise<string[]> {
    return (await this.db.query<{ incident_id: string }>('SELECT incident_id FROM incidents.ever_linked WHERE ticket_id = $1 ORDER BY incident_id', [ticketId])).map((r) => r.incident_id);
  }

  /** Open incidents the ticket is not linked to, ranked (rankSuggestions); [] for a ticket the directory does not know yet. */
  async suggestionsFor(ticketId: string): Promise<IncidentSuggestion[]> {
    const [ticket] = await this.db.query<Record<string, any>>(
      `SELECT t.sdk_name, t.sdk_version, t.words, t.received_at, t.closed, a.region FROM incidents.tickets t LEFT JOIN incidents.accounts a ON a.account_id = t.account_id WHERE t.ticket_id = $1`,
      [ticketId],
    );
    if (!ticket || ticket.closed) return [];
    const open = await this.db.query<Record<string, any>>(
      `SELECT i.* FROM incidents.incidents i WHERE i.status = 'OPEN' AND NOT EXISTS (SELECT 1 FROM incidents.links l WHERE l.incident_id = i.id AND l.ticket_id = $1) ORDER BY i.seq DESC LIMIT 200`,
      [ticketId],
    );
    return rankSuggestions(
      { sdkName: ticket.sdk_name, sdkVersion: ticket.sdk_version, words: ticket.words ?? '', region: ticket.region ?? null, receivedAt: ticket.received_at ? new Date(ticket.received_at) : null },
      open.map(toIncident),
    );
  }

  /**
   * Auto-linking at intake: the incident a ticket opened at `opened` (its TicketOpened's place in the log) is
   * linked to, or null — when the contract in force at its receivedAt (of the versions signed before it) allows
   * auto-linking, the best suggestion (rankSuggestions) among the incidents open at that place in the log, if it
   * scores AUTO_LINK_MIN_SCORE or more. Reads only what the log held up to `opened`, so a redelivery decides the same.
   */
  async autoLinkTarget(ticketId: string, opened: Position): Promise<IncidentSuggestion | null> {
    const commit = String(opened.commit);
    const prepare = String(opened.prepare);
    const [ticket] = await this.db.query<Record<string, any>>(
      `SELECT t.sdk_name, t.sdk_version, t.words, t.received_at, a.region, ${AUTO_LINK_TERM} AS auto_link
       FROM incidents.tickets t LEFT JOIN incidents.accounts a ON a.account_id = t.account_id WHERE t.ticket_id = $1`,
      [ticketId, commit, prepare],
    );
    if (!ticket?.auto_link) return null;
    const open = await this.db.query<Record<string, any>>(
      `SELECT i.* FROM incidents.incidents i
       WHERE (i.declared_commit, i.declared_prepare) < ($2::numeric, $3::numeric)
         AND (i.resolved_commit IS NULL OR (i.resolved_commit, i.resolved_prepare) > ($2::numeric, $3::numeric))
         AND NOT EXISTS (SELECT 1 FROM incidents.links l WHERE l.incident_id = i.id AND l.ticket_id = $1)
       ORDER BY i.seq DESC LIMIT 200`,
      [ticketId, commit, prepare],
    );
    const [best] = rankSuggestions(
      { sdkName: ticket.sdk_name, sdkVersion: ticket.sdk_version, words: ticket.words ?? '', region: ticket.region ?? null, receivedAt: ticket.received_at ? new Date(ticket.received_at) : null },
      // Open at the ticket's opening, whatever happened to them since.
      open.map((row) => ({ ...toIncident(row), status: 'OPEN' as const })),
    );
    return best && suggestionScore(best.matchedOn) >= AUTO_LINK_MIN_SCORE ? best : null;
  }

  /** Of these tickets (each with its TicketOpened's place in the log), those whose contract then allowed auto-linking. */
  async autoLinkingTickets(tickets: readonly { ticketId: string; opened: Position }[]): Promise<Set<string>> {
    const rows = await this.db.query<{ ticket_id: string }>(
      `SELECT t.ticket_id FROM unnest($1::text[], $2::numeric[], $3::numeric[]) AS o(ticket_id, commit_position, prepare_position)
       JOIN incidents.tickets t ON t.ticket_id = o.ticket_id
       WHERE ${AUTO_LINK_TERM.replaceAll('$2', 'o.commit_position').replaceAll('$3', 'o.prepare_position')}`,
      [tickets.map((t) => t.ticketId), tickets.map((t) => String(t.opened.commit)), tickets.map((t) => String(t.opened.prepare))],
    );
    return new Set(rows.map((row) => row.ticket_id));
  }

  /** For a link: each named ticket as the directory knows it, and another open incident it is linked to. */
  async linkCandidates(ticketIds: readonly string[]): Promise<LinkCandidate[]> {
    const rows = await this.db.query<{ ticket_id: string; account_id: string; closed: boolean; open_incident_id: string | null }>(
      `SELECT t.ticket_id, t.account_id, t.closed,
              (SELECT l.incident_id FROM incidents.links l JOIN incidents.incidents i ON i.id = l.incident_id AND i.status = 'OPEN' WHERE l.ticket_id = t.ticket_id LIMIT 1) AS open_incident_id
       FROM incidents.tickets t WHERE t.ticket_id = ANY($1::text[])`,
      [ticketIds],
    );
    const found = new Map(rows.map((row) => [row.ticket_id, row]));
    return ticketIds.map((ticketId) => {
      const row = found.get(ticketId);
      return { ticketId, accountId: row?.account_id ?? null, closed: row?.closed ?? false, openIncidentId: row?.open_incident_id ?? null };
    });
  }
}
