import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { autoLinkReactor } from './application/auto-link.reactor.js';
import { IncidentUpdatesFeed } from './application/incident-updates.feed.js';
import { IncidentsCommands } from './application/incidents.commands.js';
import { IncidentUpdatesResolver } from './graphql/incident-updates.resolver.js';
import { IncidentsQueries } from './application/incidents.queries.js';
import { IncidentsResolver, TicketIncidentResolver } from './graphql/incidents.resolver.js';
import { incidentsProjection } from './projections/incidents.projection.js';

/**
 * Platform incidents: one outage, many customers' tickets. Declared, linked, updated and resolved here (stream
 * `incident-<id>`); what an update or a resolution does to the linked tickets is triage's reactor
 * (`triage.incident-broadcast`), from the log. docs/incidents.md. Its part of audit's `TicketHistory`
 * (`incidentEvents`) is `IncidentsHistoryModule`, loaded only where audit is.
 */
@Module({
  providers: [IncidentsQueries, IncidentsCommands, IncidentsResolver, TicketIncidentResolver, IncidentUpdatesFeed, IncidentUpdatesResolver],
  exports: [IncidentsQueries],
})
export class IncidentsModule implements OnModuleInit {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(IncidentsQueries) private readonly queries: IncidentsQueries,
    @Inject(IncidentsCommands) private readonly commands: IncidentsCommands,
  ) {}

  onModuleInit(): void {
    this.runtime.registerProjection(incidentsProjection);
    this.runtime.registerReactor(autoLinkReactor(this.runtime, this.queries, this.commands));
  }
}
