import { Inject, Injectable } from '@nestjs/common';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';
import type { SearchDocument } from '../domain/search-document.js';
import type { ParsedSearch } from '../domain/search-text.js';
import { TicketsQueries, toTicket, type TicketFilterValues, type TicketRow } from './tickets.queries.js';

/** Keyset of search results: score (as PostgreSQL prints the real), opening instant, id. */
export type SearchKey = [string, string, string];

export interface SearchHitRow {
  ticket: TicketRow;
  doc: SearchDocument;
  score: number;
  key: SearchKey;
}

/** ts_rank_cd's weights, in its order {D, C, B, A}: replies, resolution/root cause, description/diagnostics, subject. */
const WEIGHTS = `'{0.1, 0.2, 0.4, 1.0}'::real[]`;

/** Reads of `triage.ticket_search`, filtered through `triage.tickets` as the queue is. */
@Injectable()
export class TicketSearchQueries {
  constructor(
    @Inject(READ_DB) private readonly db: SqlClient,
    @Inject(TicketsQueries) private readonly tickets: TicketsQueries,
  ) {}

  /**
   * One page of hits, best first: by score, then newest opening, then id. `internal` searches internal notes
   * too (staff); without it only what the customer sees is matched.
   */
  async search(
    parsed: ParsedSearch,
    filter: TicketFilterValues,
    internal: boolean,
    first: number,
    after: SearchKey | null,
  ): Promise<{ hits: SearchHitRow[]; hasNextPage: boolean; totalCount: number }> {
    const params: unknown[] = [];
    const vector = internal ? 's.staff_doc' : 's.public_doc';
    const where: string[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    let score = '0::real';
    if (parsed.tsquery) {
      params.push(parsed.tsquery);
      const q = `$${params.length}::tsquery`;
      where.push(`${vector} @@ ${q}`);
      score = `ts_rank_cd(${WEIGHTS}, ${vector}, ${q})`;
    }
    // The account is on the search row itself: a customer's search never needs the tickets table to stay in it.
    const { accountId, ...rest } = filter;
    if (accountId) add((p) => `s.account_id = ${p}`, accountId);
    const f = parsed.fielded;
    const fielded = Object.values(f).some((values) => values.length > 0);
    const needsTickets = fielded || Object.values(rest).some((value) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0));
    let from = 'triage.ticket_search s';
    if (needsTickets) {
      const { where: clauses, withSla } = await this.tickets.filterClauses(rest, params, 'sla');
      where.push(...clauses);
      from += ' JOIN triage.tickets t ON t.id = s.ticket_id';
      if (withSla && (rest.breached != null || rest.dueBefore != null)) from += ' LEFT JOIN triage.queue_sla sla ON sla.ticket_id = s.ticket_id';
      for (const code of f.errorCode) add((p) => `lower(t.diagnostics->>'errorCode') = lower(${p})`, code);
      for (const name of f.sdkName) add((p) => `strpos(lower(coalesce(t.diagnostics->>'sdkName', '')), lower(${p})) > 0`, name);
      for (const version of f.sdkVersion) {
        add((p) => {
          const v = `regexp_replace(coalesce(t.diagnostics->>'sdkVersion', ''), '^[vV]', '')`;
          return `(${v} = ${p} OR starts_with(${v}, ${p} || '.') OR starts_with(${v}, ${p} || '-'))`;
        }, version);
      }
      for (const status of f.status) add((p) => `t.status = ${p}`, status);
      for (const severity of f.severity) add((p) => `t.severity = ${p}`, severity);
      for (const channel of f.channel) add((p) => `t.channel = ${p}`, channel);
    }
    const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
    let keyset = '';
    if (after) {
      params.push(...after);
      const n = params.length;
      keyset = `WHERE (h.score < $${n - 2}::real OR (h.score = $${n - 2}::real AND (h.opened_at < $${n - 1}::timestamptz OR (h.opened_at = $${n - 1}::timestamptz AND h.ticket_id > $${n}::text))))`;
    }
    params.push(first + 1);
    const rows = await this.db.query<{ total: string; ticket_id: string | null; score: string | null; opened_at: string | null }>(
      `WITH hits AS MATERIALIZED (SELECT s.ticket_id, s.opened_at, (${score})::real AS score FROM ${from} ${base})
       SELECT c.total::text AS total, p.ticket_id, p.score::text AS score, p.opened_at
       FROM (SELECT count(*) AS total FROM hits) c
       LEFT JOIN LATERAL (
         SELECT h.ticket_id, h.score, h.opened_at FROM hits h ${keyset}
         ORDER BY h.score DESC, h.opened_at DESC, h.ticket_id LIMIT $${params.length}
       ) p ON true`,
      params,
    );
    const totalCount = Number(rows[0]?.total ?? 0);
    const page = rows.filter((row) => row.ticket_id !== null).slice(0, first);
    const ids = page.map((row) => row.ticket_id!);
    const details = ids.length
      ? await this.db.query<Record<string, any>>(
          'SELECT t.*, s.doc AS search_doc FROM triage.ticket_search s JOIN triage.tickets t ON t.id = s.ticket_id WHERE s.ticket_id = ANY($1)',
          [ids],
        )
      : [];
    const byId = new Map(details.map((row) => [row.id as string, row]));
    const hits: SearchHitRow[] = [];
    for (const row of page) {
      const detail = byId.get(row.ticket_id!);
      // Search may be a step ahead of triage.tickets (two projections): such a hit shows on the next search.
      if (!detail) continue;
      hits.push({
        ticket: toTicket(detail),
        doc: detail.search_doc as SearchDocument,
        score: Number(row.score),
        key: [row.score!, new Date(row.opened_at!).toISOString(), row.ticket_id!],
      });
    }
    return { hits, hasNextPage: rows.filter((row) => row.ticket_id !== null).length > first, totalCount };
  }
}
