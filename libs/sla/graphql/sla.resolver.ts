import { Inject } from '@nestjs/common';
import { Args, Directive, Field, ID, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound, type Severity } from '#contracts';
import { byKey, CLOCK, CurrentPrincipal, DateTimeScalar, entityType, Loaders, SeverityEnum, type Clock, type LoaderFactory, type Principal } from '#platform-kit';
import { SlaQueries, type TicketSlaRow } from '../application/sla.queries.js';
import { slaStatus, type SlaStatus } from '../domain/sla-engine.js';
import { SlaStatusType } from './sla.types.js';

export function toSlaStatusType(status: SlaStatus): SlaStatusType {
  return { ...status, clocks: status.clocks.map(({ warningDueAt: _internal, ...clock }) => clock), pending: false };
}

/**
 * A ticket whose pin the SLA reactor has not recorded yet: a status that says so rather than an error, since
 * `Ticket.sla` is non-null and one such ticket would otherwise null a whole list.
 */
function pendingSlaStatus(severity: Severity): SlaStatusType {
  return { severity, contractVersion: 0, calendarVersion: 0, clocks: [], breached: false, nextDueAt: null, pending: true };
}

/**
 * Triage's Ticket as the SLA subgraph extends it: its key, and the severity (triage's, `@external`) that
 * `sla` needs before the pin is recorded. In the plain schema the type is triage's own class.
 */
@ObjectType('Ticket', { description: 'A support ticket (owned by the triage subgraph; the SLA subgraph adds `sla`)' })
@Directive('@key(fields: "id")')
export class SlaTicketReference {
  @Field(() => ID, { description: 'the ticket’s id' }) id!: string;
  @Directive('@external')
  @Field(() => SeverityEnum, { description: 'the severity in effect (triage’s)' })
  severity!: Severity;
}

/** What `sla` reads of its parent: triage's ticket in the plain schema, the reference in a subgraph. */
interface TicketParent {
  id: string;
  severity: Severity;
  /** Set by a ticket's history (audit): the SLA as of that instant. */
  asOf?: Date | null;
}

@Resolver(() => entityType('Ticket', SlaTicketReference))
export class TicketSlaResolver {
  constructor(
    @Inject(SlaQueries) private readonly queries: SlaQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Computed now from the ticket's facts and pinned policy (one ticket, one pure call): always current. */
  @Directive('@requires(fields: "severity")')
  @ResolveField(() => SlaStatusType, { description: 'the ticket’s SLA: pinned policy versions and clocks, now (or at the history’s asOf)' })
  async sla(@Parent() ticket: TicketParent, @Loaders() loaders: LoaderFactory): Promise<SlaStatusType> {
    const row = await loaders<string, TicketSlaRow>('slaByTicket', (ids) => this.queries.ticketSla(ids).then((rows) => byKey(ids, rows, (r) => r.ticketId))).load(ticket.id);
    if (!row?.policy) return pendingSlaStatus(ticket.severity);
    return toSlaStatusType(slaStatus(row.events, row.policy, ticket.asOf ?? this.clock.now()));
  }

  @Query(() => SlaStatusType, { description: 'The SLA the ticket would have had if it had carried this severity from its opening' })
  async slaWhatIf(
    @CurrentPrincipal() principal: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('severity', { description: 'the severity to assume from the opening', type: () => SeverityEnum }) severity: Severity,
    @Args('asOf', { description: 'the instant to evaluate at, not in the future; default: now', type: () => DateTimeScalar, nullable: true }) asOf: Date | null,
  ): Promise<SlaStatusType> {
    const [row] = await this.queries.ticketSla([ticketId]);
    if (!row?.policy || (principal.role === 'CUSTOMER' && row.accountId !== principal.accountId)) throw notFound('Ticket');
    const now = this.clock.now();
    if (asOf && asOf > now) throw badUserInput('asOf must not be in the future', 'asOf');
    return toSlaStatusType(slaStatus(row.events, row.policy, asOf ?? now, severity));
  }
}
