import { Module } from '@nestjs/common';
import { TicketHistoryIncidentsResolver } from './graphql/ticket-history-incidents.resolver.js';
import { IncidentsModule } from './incidents.module.js';

/**
 * Incidents' part of audit's `TicketHistory` (`incidentEvents`): a module of its own, imported by path, because
 * it loads audit's GraphQL (`#audit`). Only an app that runs audit loads it (apps/platform); the triage app,
 * which hosts incidents in the split deployment, does not, so its subgraph serves no audit type.
 */
@Module({ imports: [IncidentsModule], providers: [TicketHistoryIncidentsResolver] })
export class IncidentsHistoryModule {}
