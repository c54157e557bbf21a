import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { notFound, slaStream, ticketStream } from '#contracts';
import { AuditEventType, checkPageSize, CurrentPrincipal, decodeCursor, encodeCursor, entityType, Loaders, NodeRegistry, pageInfoOf, PlatformRuntime, Roles, toAuditEvent, type LoaderFactory, type Principal } from '#platform-kit';
import { BreachClaimCommands } from '../application/sla.commands.js';
import { SlaQueries, type ClaimRow } from '../application/sla.queries.js';
import { SlaTicketReference } from './sla.resolver.js';
import { BreachClaimConnectionType, BreachClaimType, BreachVerdictType, ClaimDecisionEnum, ClaimStatusEnum, FileBreachClaimInput } from './claims.types.js';

export function toClaimType(row: ClaimRow): BreachClaimType {
  const v = row.verdict;
  return {
    ...row,
    verdict: {
      breached: v.breached,
      severityApplied: v.severityApplied,
      contractVersion: v.contractVersion,
      calendarVersion: v.calendarVersion,
      dueAt: v.dueAt ? new Date(v.dueAt) : null,
      stoppedAt: v.stoppedAt ? new Date(v.stoppedAt) : null,
      minutesLate: v.minutesLate,
      evidenceIds: v.evidence,
      ticketId: row.ticketId,
    },
  };
}

@Resolver(() => BreachClaimType)
export class BreachClaimsResolver {
  constructor(
    @Inject(BreachClaimCommands) private readonly commands: BreachClaimCommands,
    @Inject(SlaQueries) private readonly queries: SlaQueries,
    @Inject(NodeRegistry) private readonly nodes: NodeRegistry,
  ) {
    nodes.register('BreachClaim', (principal, id) => this.breachClaim(principal, id));
  }

  @Query(() => BreachClaimType, { description: 'the claim; null when absent or (for a customer) another account’s', nullable: true })
  async breachClaim(@CurrentPrincipal() principal: Principal, @Args('id', { description: 'the claim id', type: () => ID }) id: string): Promise<BreachClaimType | null> {
    const row = await this.queries.claim(id);
    if (!row || (principal.role === 'CUSTOMER' && row.accountId !== principal.accountId)) return null;
    return toClaimType(row);
  }

  @Query(() => BreachClaimConnectionType, {
    description: 'Breach claims, newest filed first; filters combine. A customer sees only their own account’s (another account’s id gives an empty page)',
  })
  async breachClaims(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { type: () => ID, nullable: true, description: 'only this account’s claims' }) accountId: string | null,
    @Args('status', { type: () => ClaimStatusEnum, nullable: true, description: 'only claims in this status' }) status: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50, description: 'page size, 1-200' }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'the endCursor of the previous page' }) after: string | null,
  ): Promise<BreachClaimConnectionType> {
    const size = checkPageSize(first);
    const cursor = decodeCursor(after, ['instant', 'text']) as [string, string] | null;
    let account = accountId ?? null;
    if (principal.role === 'CUSTOMER') {
      if (account && account !== principal.accountId) return { edges: [], pageInfo: pageInfoOf([], false, after), totalCount: 0 };
      account = principal.accountId ?? null;
      if (!account) return { edges: [], pageInfo: pageInfoOf([], false, after), totalCount: 0 };
    }
    const page = await this.queries.claimsPage({ accountId: account, status: status ?? null }, size, cursor);
    const edges = page.rows.map((row) => ({ cursor: encodeCursor([row.filedAt.toISOString(), row.id]), node: toClaimType(row) }));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, after), totalCount: page.totalCount };
  }

  @Roles('CUSTOMER', 'TAM', 'ADMIN')
  @Mutation(() => BreachClaimType, { description: 'the account’s customer, its TAM, or ADMIN; one claim per (ticket, metric, cycle)' })
  async fileBreachClaim(@CurrentPrincipal() principal: Principal, @Args('input', { description: 'the ticket, metric, cycle and statement', type: () => FileBreachClaimInput }) input: FileBreachClaimInput): Promise<BreachClaimType> {
    const id = await this.commands.file(principal, { ticketId: input.ticketId, metric: input.metric, cycle: input.cycle ?? 1, statement: input.statement });
    const row = await this.queries.claim(id);
    if (!row) throw notFound('Breach claim');
    return toClaimType(row);
  }

  @Roles('ADMIN')
  @Mutation(() => BreachClaimType, { description: 'Admins: approve (issuing the proposed credit) or reject a PENDING claim' })
  async decideBreachClaim(
    @CurrentPrincipal() principal: Principal,
    @Args('claimId', { description: 'the claim id', type: () => ID }) claimId: string,
    @Args('decision', { description: 'APPROVE or REJECT', type: () => ClaimDecisionEnum }) decision: 'APPROVE' | 'REJECT',
    @Args('reason', { description: 'why (recorded)', type: () => String }) reason: string,
  ): Promise<BreachClaimType> {
    await this.commands.decide(principal, claimId, decision, reason);
    const row = await this.queries.claim(claimId);
    if (!row) throw notFound('Breach claim');
    return toClaimType(row);
  }

  @ResolveField(() => entityType('Ticket', SlaTicketReference), { description: 'the claimed ticket' })
  async ticket(@Parent() claim: BreachClaimType, @Loaders() loaders: LoaderFactory): Promise<object> {
    const ticket = await this.nodes.entity('Ticket', claim.ticketId, loaders);
    if (!ticket) throw notFound('Ticket');
    return ticket;
  }
}

@Resolver(() => BreachVerdictType)
export class BreachVerdictResolver {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  /** The recorded events themselves, with their hashes, so the verdict can be checked against the log. */
  @ResolveField(() => [AuditEventType], { description: 'the recorded events the verdict rests on' })
  async evidence(@Parent() verdict: BreachVerdictType): Promise<AuditEventType[]> {
    const wanted = new Set(verdict.evidenceIds);
    const [ticket, sla] = await Promise.all([
      this.runtime.store.readStream(ticketStream(verdict.ticketId)),
      this.runtime.store.readStream(slaStream(verdict.ticketId)),
    ]);
    return [...ticket, ...sla].filter((event) => wanted.has(event.id)).map(toAuditEvent);
  }
}
