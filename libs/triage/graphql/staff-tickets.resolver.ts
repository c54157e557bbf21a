import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, entityType, type Principal } from '#platform-kit';
import { TicketsQueries } from '../application/tickets.queries.js';
import { toTicketType } from './ticket.mapper.js';
import { TicketType } from './ticket.types.js';

/** A staff member's open tickets: what to reassign when they leave (triage's read model). */
@Resolver(() => entityType('StaffMember'))
export class StaffTicketsResolver {
  constructor(@Inject(TicketsQueries) private readonly queries: TicketsQueries) {}

  @ResolveField(() => [TicketType], { description: 'tickets assigned to them and not resolved or closed, oldest first (a customer sees only their account’s)' })
  async openTickets(@CurrentPrincipal() principal: Principal, @Parent() staff: { id: string }): Promise<TicketType[]> {
    const rows = await this.queries.openTicketsOf(staff.id);
    return rows.filter((row) => principal.role !== 'CUSTOMER' || row.accountId === principal.accountId).map(toTicketType);
  }
}
