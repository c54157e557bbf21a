import { Inject, Injectable } from '@nestjs/common';
import type { SqlClient, SqlExecutor } from '#event-store';
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

/**
 * How many hits a search counts and ranks at most (LEDGERDESK_SEARCH_CANDIDATES' default): beyond it `totalCount`
 * reads this with `totalCountCapped`, and the pages are this many candidates, ranked (see `pickCandidates`).
 */
export const SEARCH_CANDIDATES = 1000;

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
    candidates: number = SEARCH_CANDIDATES,
  ): Promise<{ hits: SearchHitRow[]; hasNextPage: boolean; totalCount: number; totalCountCapped: boolean }> {
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
      where.push(`${vector} @@ ${q}`); // first: the candidate query below replaces it (where[0])
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
    const keysetParams: unknown[] = after ? [...after] : [];
    const keysetAt = params.length;
    if (after) {
      const n = keysetAt + 3;
      keyset = `WHERE (h.score < $${n - 2}::real OR (h.score = $${n - 2}::real AND (h.opened_at < $${n - 1}::timestamptz OR (h.opened_at = $${n - 1}::timestamptz AND h.ticket_id > $${n}::text))))`;
    }
    const limitParam = `$${keysetAt + keysetParams.length + 1}`;
    const pageParams = [...params, ...keysetParams, first + 1];
    let counted = 0;
    let rows: { ticket_id: string; score: string; opened_at: string }[] | null = null;
    if (accountId) {
      // One account's hits are few (its tickets, not the whole table's): rank them in the same scan that counts
      // them, one round trip and one index scan instead of a count and then the ranking. A separate count would
      // scan the full vector's GIN index twice (the account's rows are only intersected with it), which is most of a
      // customer search's time. Only when the account alone has more than SEARCH_CANDIDATES hits is that scan's
      // ranking (bounded by the LIMIT) thrown away for the candidate path below.
      const rankedScore = parsed.tsquery ? `(${score})::real` : '0::real';
      const found = await this.db.query<{ total: number; ticket_id: string | null; score: string | null; opened_at: string | null }>(
        `WITH hits AS MATERIALIZED (SELECT s.ticket_id, s.opened_at, ${rankedScore} AS score FROM ${from} ${base} LIMIT ${candidates + 1})
         SELECT c.total, p.ticket_id, p.score::text AS score, p.opened_at
         FROM (SELECT count(*)::int AS total FROM hits) c
         LEFT JOIN LATERAL (
           SELECT h.ticket_id, h.score, h.opened_at FROM hits h ${keyset}
           ORDER BY h.score DESC, h.opened_at DESC, h.ticket_id LIMIT ${limitParam}
         ) p ON true`,
        pageParams,
      );
      counted = found[0]?.total ?? 0;
      if (counted <= candidates) rows = found.filter((row) => row.ticket_id !== null) as { ticket_id: string; score: string; opened_at: string }[];
    }
    if (rows === null && parsed.tsquery) {
      // Words: the candidates, newest first by tiers (see `pickCandidates`), then only they are ranked on the full vector
      // and paged. Under the bound the candidates are every hit, so the ranking is exact.
      const picked = await this.pickCandidates(from, where, params, vector, parsed, candidates, !needsTickets);
      counted = picked.counted;
      // The filters were applied in choosing the candidates; $1 is the tsquery, $2 the candidates, then the keyset.
      const candidateKeyset = after
        ? 'WHERE (h.score < $3::real OR (h.score = $3::real AND (h.opened_at < $4::timestamptz OR (h.opened_at = $4::timestamptz AND h.ticket_id > $5::text))))'
        : '';
      rows = picked.ids.length
        ? await this.db.query<{ ticket_id: string; score: string; opened_at: string }>(
            `WITH hits AS MATERIALIZED (SELECT s.ticket_id, s.opened_at, (${score})::real AS score FROM triage.ticket_search s WHERE s.ticket_id = ANY($2::text[]))
             SELECT h.ticket_id, h.score::text AS score, h.opened_at FROM hits h ${candidateKeyset}
             ORDER BY h.score DESC, h.opened_at DESC, h.ticket_id LIMIT $${3 + keysetParams.length}`,
            [params[0], picked.ids, ...keysetParams, first + 1],
          )
        : [];
    }
    if (rows === null) {
      // Fielded terms only: newest first, score 0 — nothing to rank.
      counted = await this.countUpTo(from, base, params, candidates);
      rows = await this.db.query<{ ticket_id: string; score: string; opened_at: string }>(
        `WITH hits AS MATERIALIZED (SELECT s.ticket_id, s.opened_at, 0::real AS score FROM ${from} ${base})
         SELECT h.ticket_id, h.score::text AS score, h.opened_at FROM hits h ${keyset}
         ORDER BY h.score DESC, h.opened_at DESC, h.ticket_id LIMIT ${limitParam}`,
        pageParams,
      );
    }
    const capped = counted > candidates;
    const totalCount = Math.min(counted, candidates);
    const page = rows.slice(0, first);
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
    return { hits, hasNextPage: rows.length > first, totalCount, totalCountCapped: capped };
  }

  /** How many hits, counting at most `candidates` + 1 (an index scan under a LIMIT: no vector read for plain words). */
  private async countUpTo(from: string, base: string, params: unknown[], candidates: number): Promise<number> {
    const [n] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from} ${base} LIMIT ${candidates + 1}) x`, params);
    return n?.n ?? 0;
  }

  /**
   * A search's candidates: its hits in three tiers — the subject matches all the words, else the opening (subject,
   * description, diagnostics) does, else they match anywhere (resolution, root cause, replies too) — each tier
   * newest first, up to `candidates` in all; and how many hits (`candidates` + 1 when there are more).
   *
   * Each tier is one GIN bitmap scan that reads only the row keys of its hits (ticket id, opening instant: the
   * vectors are out of line, see ticket-search.projection.ts) and a top-N sort, so its cost is its hits' count times
   * a small in-cache row read — never a vector per hit. The tiers stop as soon as `candidates` + 1 distinct hits are
   * known (capped); the last, the full vector, holds every hit, so when it ends under the bound the candidates are
   * all the hits. A sequence (phrase, CJK run of 3+) is matched on the index by its loosened form and checked on the
   * vector of each hit in newest-first order only until the tier has enough.
   */
  private async pickCandidates(
    from: string,
    where: readonly string[],
    params: unknown[],
    vector: string,
    parsed: ParsedSearch,
    candidates: number,
    keysOnly: boolean,
  ): Promise<{ counted: number; ids: string[] }> {
    const rest = where.slice(1); // where[0] is the full vector's match, replaced per tier
    const exact = parsed.tsquery!;
    const loose = parsed.looseTsquery ?? exact;
    const tierParams = loose === exact ? params : [...params, loose];
    const looseParam = loose === exact ? '$1' : `$${tierParams.length}`;
    const newest = (column: string, limit: number) => {
      const filters = [`${column} @@ ${looseParam}::tsquery`, ...rest].join(' AND ');
      return loose === exact
        ? `SELECT s.ticket_id FROM ${from} WHERE ${filters} ORDER BY s.opened_at DESC, s.ticket_id LIMIT ${limit}`
        : // OFFSET 0 keeps the exact match above the sort, so only the newest hits' vectors are read for it.
          `SELECT h.ticket_id FROM (SELECT s.ticket_id, s.opened_at, ${column} AS v FROM ${from} WHERE ${filters} ORDER BY s.opened_at DESC, s.ticket_id OFFSET 0) h
           WHERE h.v @@ $1::tsquery LIMIT ${limit}`;
    };
    const run = async (tx: SqlExecutor) => {
      // The planner does not price reading an out-of-line vector: on a table whose heap is this small it would
      // rather scan it all (or walk the opening index) and match every row's vector. Only the GIN bitmap is bounded.
      if (keysOnly) await tx.query("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)");
      const ids: string[] = [];
      const seen = new Set<string>();
      for (const column of ['s.subject_doc', 's.head_doc', vector]) {
        const found = await tx.query<{ ticket_id: string }>(newest(column, candidates + 1), tierParams);
        for (const { ticket_id } of found) {
          if (seen.has(ticket_id)) continue;
          seen.add(ticket_id);
          ids.push(ticket_id);
        }
        if (ids.length > candidates) return { counted: ids.length, ids: ids.slice(0, candidates) };
        // The full vector's hits include every tier's: under the bound they are all the hits.
        if (column === vector) return { counted: ids.length, ids };
      }
      return { counted: ids.length, ids };
    };
    return keysOnly ? this.db.transaction((tx) => run(tx)) : run(this.db);
  }
}
