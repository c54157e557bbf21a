import { Inject } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { badUserInput } from '#contracts';
import { checkPageSize, CONFIG, CurrentPrincipal, encodeCursor, pageInfoOf, decodeCursor, type LedgerdeskConfig, type Principal } from '#platform-kit';
import { TicketSearchQueries, type SearchKey } from '../application/ticket-search.queries.js';
import type { SearchDocument } from '../domain/search-document.js';
import { SEARCHED_DIAGNOSTICS } from '../domain/search-document.js';
import { highlight, parseSearchQuery, type ParsedSearch } from '../domain/search-text.js';
import { toTicketType } from './ticket.mapper.js';
import { TicketFilterInput, TicketSearchConnectionType, type SearchHighlightType } from './ticket.types.js';
import { filterValues } from './tickets.resolver.js';

const SCORE = /^\d+(\.\d+)?(e-?\d+)?$/;

/** `searchTickets`: full-text search over the search read model (triage.ticket_search). */
@Resolver()
export class TicketSearchResolver {
  constructor(
    @Inject(TicketSearchQueries) private readonly queries: TicketSearchQueries,
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
  ) {}

  @Query(() => TicketSearchConnectionType, {
    description:
      'Tickets whose subject, description, diagnostics, resolution, root cause or replies match `query`, best first. Words are ANDed (three letters or more match as prefixes), ' +
      '"quoted phrases" match in order, Chinese/Japanese/Korean text matches as written; fielded terms errorCode:1003, sdk:4.2 (version prefix) or sdk:web (name), ' +
      'status:OPEN, severity:P1, channel:EMAIL narrow it. Internal notes are searched for staff only; a customer searches their own account.',
  })
  async searchTickets(
    @CurrentPrincipal() principal: Principal,
    @Args('query', { description: 'the search text', type: () => String }) query: string,
    @Args('filter', { description: 'narrow the hits further; leave out for none', type: () => TicketFilterInput, nullable: true }) filter: TicketFilterInput | null,
    @Args('first', { description: 'page size', type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { description: 'the endCursor of the previous page', type: () => String, nullable: true }) after: string | null,
  ): Promise<TicketSearchConnectionType> {
    const parsed = parseSearchQuery(query);
    const size = checkPageSize(first);
    const cursor = decodeCursor(after, ['text', 'instant', 'text']) as SearchKey | null;
    if (cursor && !SCORE.test(cursor[0])) throw badUserInput('after is not a cursor this query handed out', 'after');
    const values = filterValues(filter ?? {});
    const customer = principal.role === 'CUSTOMER';
    if (customer) {
      if (values.accountId && values.accountId !== principal.accountId) return { edges: [], pageInfo: pageInfoOf([], false, after), totalCount: 0, totalCountCapped: false };
      values.accountId = principal.accountId;
    }
    const page = await this.queries.search(parsed, values, !customer, size, cursor, this.config.searchCandidates);
    const edges = page.hits.map((hit) => ({
      cursor: encodeCursor(hit.key),
      node: toTicketType(hit.ticket),
      score: hit.score,
      highlights: highlightsOf(hit.doc, parsed, customer),
    }));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, after), totalCount: page.totalCount, totalCountCapped: page.totalCountCapped };
  }
}

/** Every field of the ticket the query's words occur in, as the caller may see it (customers: no internal notes). */
function highlightsOf(doc: SearchDocument, parsed: ParsedSearch, customer: boolean): SearchHighlightType[] {
  const fields: { field: string; replyId: string | null; text: string | null | undefined }[] = [
    { field: 'subject', replyId: null, text: doc.subject },
    { field: 'description', replyId: null, text: doc.description },
    ...SEARCHED_DIAGNOSTICS.map((name) => ({ field: `diagnostics.${name}`, replyId: null, text: doc.diagnostics[name] as string | null | undefined })),
    { field: 'resolution', replyId: null, text: doc.resolution },
    { field: 'rootCause', replyId: null, text: doc.rootCause },
    ...doc.replies.filter((reply) => !customer || reply.visibility === 'PUBLIC').map((reply) => ({ field: 'reply', replyId: reply.id, text: reply.body })),
  ];
  const out: SearchHighlightType[] = [];
  for (const { field, replyId, text } of fields) {
    const found = highlight(text, parsed.needles);
    if (found) out.push({ field, replyId, ...found });
  }
  return out;
}
