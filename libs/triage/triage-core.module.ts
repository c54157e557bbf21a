import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AttachmentsModule } from '#attachments';
import { PlatformRuntime } from '#platform-kit';
import { TicketsCommands } from './application/tickets.commands.js';
import { channelRepliesReactor, escalateOnBreachReactor, incidentBroadcastReactor, routeNewTicketsReactor } from './application/reactions.js';
import { TICKET_AUTO_CLOSE_TIMER } from './domain/auto-close.js';
import { TicketsQueries } from './application/tickets.queries.js';
import { TicketSearchQueries } from './application/ticket-search.queries.js';
import { ticketSearchProjection } from './projections/ticket-search.projection.js';
import { queueSlaProjection } from './projections/queue-sla.projection.js';
import { incidentLinksProjection } from './projections/incident-links.projection.js';
import { triageDirectoryProjection } from './projections/directory.projection.js';
import { ticketsProjection } from './projections/tickets.projection.js';

/**
 * Triage without its GraphQL: commands, queries, read models, reactors (channel replies among them) and the
 * auto-close timer. TriageModule adds the GraphQL; no other context imports either
 * (test/context-boundaries.spec.ts).
 */
@Module({
  imports: [AttachmentsModule],
  providers: [TicketsCommands, TicketsQueries, TicketSearchQueries],
  exports: [TicketsCommands, TicketsQueries, TicketSearchQueries, AttachmentsModule],
})
export class TriageCoreModule implements OnModuleInit {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(TicketsCommands) private readonly commands: TicketsCommands,
  ) {}

  onModuleInit(): void {
    this.runtime.registerTimer(TICKET_AUTO_CLOSE_TIMER, (timer, firedAt) => this.commands.autoClose(timer, firedAt));
    this.runtime.registerProjection(ticketsProjection);
    this.runtime.registerProjection(triageDirectoryProjection);
    this.runtime.registerProjection(ticketSearchProjection);
    this.runtime.registerProjection(queueSlaProjection);
    this.runtime.registerProjection(incidentLinksProjection);
    this.runtime.registerReactor(routeNewTicketsReactor(this.commands));
    this.runtime.registerReactor(escalateOnBreachReactor(this.commands, this.runtime.store));
    this.runtime.registerReactor(incidentBroadcastReactor(this.commands, this.runtime.store));
    this.runtime.registerReactor(channelRepliesReactor(this.commands, this.runtime.store));
  }
}
