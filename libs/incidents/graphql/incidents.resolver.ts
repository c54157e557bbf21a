import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound, type IncidentSeverity, type IncidentUpdateStatus, type IncidentVisibility } from '#contracts';
import { byKey, checkPageSize, CurrentPrincipal, decodeCursor, encodeCursor, entityType, Loaders, pageInfoOf, Roles, type LoaderFactory, type Principal } from '#platform-kit';
import { IncidentsCommands } from '../application/incidents.commands.js';
import { IncidentsQueries, type IncidentRow, type Scope } from '../application/incidents.queries.js';
import {
  DeclarePlatformIncidentInput,
  IncidentSuggestionType,
  IncidentUpdateStatusEnum,
  IncidentVisibilityEnum,
  PlatformIncidentConnectionType,
  PlatformIncidentStatusEnum,
  PlatformIncidentType,
} from './incident.types.js';

const scopeOf = (principal: Principal): Scope => ({ accountId: principal.role === 'CUSTOMER' ? principal.accountId : null });

@Resolver(() => PlatformIncidentType)
export class IncidentsResolver {
  constructor(
    @Inject(IncidentsCommands) private readonly commands: IncidentsCommands,
    @Inject(IncidentsQueries) private readonly queries: IncidentsQueries,
  ) {}

  @Roles('ENGINEER', 'ADMIN')
  @Mutation(() => PlatformIncidentType, { description: 'Engineers, admins: declare a platform incident (an outage affecting many accounts)' })
  async declarePlatformIncident(@CurrentPrincipal() principal: Principal, @Args('input', { type: () => DeclarePlatformIncidentInput, description: 'what is known of the outage' }) input: DeclarePlatformIncidentInput) {
    const id = await this.commands.declare(principal, {
      title: input.title,
      severity: input.severity as IncidentSeverity,
      regions: input.regions,
      components: input.components,
      sdk: input.sdk ? { name: input.sdk.name, versionRange: input.sdk.versionRange } : null,
      startedAt: input.startedAt,
      publicSummary: input.publicSummary,
    });
    return this.view(principal, id);
  }

  @Roles('ENGINEER', 'ADMIN')
  @Mutation(() => PlatformIncidentType, {
    description: 'Engineers, admins: link tickets (at most 500 a call), all or nothing: unknown or closed tickets BAD_USER_INPUT naming them, one linked to another open incident CONFLICT',
  })
  async linkTicketsToIncident(@CurrentPrincipal() principal: Principal, @Args('incidentId', { type: () => ID, description: 'an OPEN incident' }) incidentId: string, @Args('ticketIds', { type: () => [ID], description: 'at most 500 open tickets; all are linked or none' }) ticketIds: string[]) {
    await this.commands.link(principal, incidentId, ticketIds);
    return this.view(principal, incidentId);
  }

  @Roles('ENGINEER', 'ADMIN')
  @Mutation(() => PlatformIncidentType, { description: 'Engineers, admins: unlink one ticket (its broadcast replies stay on it)' })
  async unlinkTicket(@CurrentPrincipal() principal: Principal, @Args('incidentId', { type: () => ID, description: 'the incident' }) incidentId: string, @Args('ticketId', { type: () => ID, description: 'a ticket linked to it' }) ticketId: string) {
    await this.commands.unlink(principal, incidentId, ticketId);
    return this.view(principal, incidentId);
  }

  @Roles('ENGINEER', 'ADMIN')
  @Mutation(() => PlatformIncidentType, {
    description: 'Engineers, admins: a PUBLIC update becomes a public staff reply on every linked open ticket (a response for FIRST_RESPONSE and NEXT_UPDATE); an INTERNAL one reaches none',
  })
  async postIncidentUpdate(
    @CurrentPrincipal() principal: Principal,
    @Args('incidentId', { type: () => ID, description: 'an OPEN incident' }) incidentId: string,
    @Args('status', { type: () => IncidentUpdateStatusEnum, description: 'where the investigation stands' }) status: IncidentUpdateStatus,
    @Args('body', { type: () => String, description: 'the text; a PUBLIC update is the body of every broadcast reply' }) body: string,
    @Args('visibility', { type: () => IncidentVisibilityEnum, description: 'PUBLIC broadcasts it; INTERNAL keeps it among staff' }) visibility: IncidentVisibility,
  ) {
    await this.commands.postUpdate(principal, incidentId, status, body, visibility);
    return this.view(principal, incidentId);
  }

  @Roles('ENGINEER', 'ADMIN')
  @Mutation(() => PlatformIncidentType, { description: 'Engineers, admins: resolve the incident; resolveLinkedTickets resolves every linked unresolved ticket with the root cause' })
  async resolvePlatformIncident(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: 'an OPEN incident' }) id: string,
    @Args('resolution', { type: () => String, description: 'how it was resolved' }) resolution: string,
    @Args('rootCause', { type: () => String, description: 'the shared root cause (given to linked tickets resolved with it)' }) rootCause: string,
    @Args('resolveLinkedTickets', { type: () => Boolean, defaultValue: false, description: 'also resolve every linked unresolved ticket' }) resolveLinkedTickets: boolean,
  ) {
    await this.commands.resolve(principal, id, resolution, rootCause, resolveLinkedTickets);
    return this.view(principal, id);
  }

  @Query(() => PlatformIncidentType, { description: "A platform incident; a customer sees only those linked to their account's tickets (others NOT_FOUND)" })
  async platformIncident(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID, description: 'the incident' }) id: string) {
    return this.view(principal, id);
  }

  @Query(() => PlatformIncidentConnectionType, { description: "Platform incidents, newest first; a customer: those linked to their account's tickets" })
  async platformIncidents(
    @CurrentPrincipal() principal: Principal,
    @Args('status', { type: () => PlatformIncidentStatusEnum, nullable: true, description: 'only these; all when null' }) status: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50, description: 'page size, 1-200' }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'cursor of the last incident of the previous page' }) after: string | null,
  ): Promise<PlatformIncidentConnectionType> {
    const cursor = decodeCursor(after, ['text']) as [string] | null;
    if (cursor && !/^\d{1,18}$/.test(cursor[0])) throw badUserInput('after is not a cursor this query handed out', 'after');
    const page = await this.queries.incidents(scopeOf(principal), status ?? null, checkPageSize(first), cursor?.[0] ?? null);
    const edges = await Promise.all(page.rows.map(async (row) => ({ cursor: encodeCursor([row.seq]), node: await this.toType(principal, row) })));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, after), totalCount: page.totalCount };
  }

  private async view(principal: Principal, id: string): Promise<PlatformIncidentType> {
    const row = await this.queries.incident(id, scopeOf(principal));
    if (!row) throw notFound('PlatformIncident');
    return this.toType(principal, row);
  }

  private async toType(principal: Principal, row: IncidentRow): Promise<PlatformIncidentType> {
    return toIncidentType(this.queries, principal, row);
  }
}

export async function toIncidentType(queries: IncidentsQueries, principal: Principal, row: IncidentRow): Promise<PlatformIncidentType> {
  const scope = scopeOf(principal);
  const [counts, linkedTicketIds, updates] = await Promise.all([
    queries.counts(row.id, scope),
    queries.linkedTicketIds(row.id, scope, 500),
    queries.updates(row.id, scope.accountId !== null),
  ]);
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    regions: row.regions,
    components: row.components,
    sdk: row.sdkName && row.sdkVersionRange ? { name: row.sdkName, versionRange: row.sdkVersionRange } : null,
    startedAt: row.startedAt,
    publicSummary: row.publicSummary,
    declaredAt: row.declaredAt,
    resolvedAt: row.resolvedAt,
    resolution: row.resolution,
    rootCause: row.rootCause,
    linkedTicketCount: counts.tickets,
    affectedAccountCount: counts.accounts,
    linkedTicketIds,
    updates: updates.map((u) => ({ id: u.updateId, status: u.status, body: u.body, visibility: u.visibility, postedBy: u.postedBy, postedAt: u.postedAt })),
  };
}

/** What these fields read of their parent ticket: its id (the key); `accountId` where triage's ticket is the parent. */
type TicketParent = { id: string; accountId?: string };

/**
 * `Ticket.incident`: the platform incident the ticket is linked to (the open one, else the latest). Triage's
 * entity, named through `entityType`: the owner's class where triage's GraphQL is loaded too (the platform, the
 * triage app hosting incidents), the key-only stub elsewhere.
 */
@Resolver(() => entityType('Ticket'))
export class TicketIncidentResolver {
  constructor(@Inject(IncidentsQueries) private readonly queries: IncidentsQueries) {}

  @ResolveField(() => PlatformIncidentType, { nullable: true, description: 'the platform incident this ticket is linked to (the open one, else the latest resolved); null if none' })
  async incident(@Parent() ticket: TicketParent, @CurrentPrincipal() principal: Principal, @Loaders() loaders: LoaderFactory): Promise<PlatformIncidentType | null> {
    const id = await loaders<string, { ticketId: string; incidentId: string | null }>('incidentByTicket', (ids) =>
      Promise.all(ids.map(async (ticketId) => ({ ticketId, incidentId: await this.queries.incidentOfTicket(ticketId) }))).then((rows) => byKey(ids, rows, (r) => r.ticketId)),
    ).load(ticket.id);
    if (!id?.incidentId) return null;
    // The ticket is the caller's (a customer reads only their own), so the incident is linked to their account.
    const row = await this.queries.incident(id.incidentId, { accountId: principal.role === 'CUSTOMER' ? (ticket.accountId ?? principal.accountId) : null });
    return row ? toIncidentType(this.queries, principal, row) : null;
  }

  @ResolveField(() => [IncidentSuggestionType], {
    description:
      "staff: open incidents this ticket probably belongs to and is not linked to, best first (its SDK version in the incident's range, a component named in its text, its account's region; incidents started at most an hour after it came in); customers: always empty",
  })
  async suggestedIncidents(@Parent() ticket: TicketParent, @CurrentPrincipal() principal: Principal): Promise<IncidentSuggestionType[]> {
    // A customer sees only incidents already linked to their account: a suggestion would reveal others.
    if (principal.role === 'CUSTOMER') return [];
    const suggestions = await this.queries.suggestionsFor(ticket.id);
    return Promise.all(suggestions.map(async (s) => ({ incident: await toIncidentType(this.queries, principal, s.incident), matchedOn: s.matchedOn })));
  }
}
