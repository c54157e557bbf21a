import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { incidentStream } from '#contracts';
import { comparePositions, type RecordedEvent } from '#event-store';
import { TicketHistoryType } from '#audit';
import { AuditEventType, CurrentPrincipal, PlatformRuntime, toAuditEvent, type Principal } from '#platform-kit';
import { IncidentsQueries } from '../application/incidents.queries.js';

/** What a customer may see of an incident's stream: no links (they name other accounts' tickets), no INTERNAL updates. */
function visibleToCustomer(event: RecordedEvent): boolean {
  if (event.type === 'TicketsLinkedToIncident' || event.type === 'TicketUnlinkedFromIncident') return false;
  return event.type !== 'IncidentUpdatePosted' || (event.data as { visibility?: string }).visibility === 'PUBLIC';
}

/**
 * The platform incidents the ticket was ever linked to, as part of its history: their streams' events recorded up
 * to `asOf`, with their hashes (staff: whole, so the chains can be checked). A customer gets the declaration,
 * PUBLIC updates and the resolution only.
 */
@Resolver(() => TicketHistoryType)
export class TicketHistoryIncidentsResolver {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(IncidentsQueries) private readonly queries: IncidentsQueries,
  ) {}

  @ResolveField(() => [AuditEventType], {
    description: 'the platform incidents this ticket was linked to, their events up to asOf (streams incident-<id>), oldest first; customers: declaration, PUBLIC updates, resolution',
  })
  async incidentEvents(@Parent() history: TicketHistoryType, @CurrentPrincipal() principal: Principal): Promise<AuditEventType[]> {
    const ids = await this.queries.incidentsEverLinked(history.ticketId);
    const asOf = history.asOf.getTime();
    const streams = await Promise.all(ids.map((id) => this.runtime.store.readStream(incidentStream(id))));
    return streams
      .flat()
      .filter((event) => Date.parse(event.recordedAt) <= asOf && (principal.role !== 'CUSTOMER' || visibleToCustomer(event)))
      .sort((a, b) => comparePositions(a.position, b.position))
      .map(toAuditEvent);
  }
}
