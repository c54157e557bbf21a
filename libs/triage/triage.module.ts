import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AccountsModule } from '#accounts';
import { AttachmentsModule } from '#attachments';
import { PlatformRuntime } from '#platform-kit';
import { AddChannelReplyHandler, EscalateForSlaBreachHandler, RouteNewTicketHandler, TicketsCommands } from './application/tickets.commands.js';
import { TicketsQueries } from './application/tickets.queries.js';
import { AccountTicketsResolver, TicketsResolver } from './graphql/tickets.resolver.js';
import { triageDirectoryProjection } from './projections/directory.projection.js';
import { ticketsProjection } from './projections/tickets.projection.js';

/** Triage: severity, disputes, routing, replies, escalation, resolution; the tickets read model. */
@Module({
  imports: [AccountsModule, AttachmentsModule],
  providers: [TicketsCommands, TicketsQueries, TicketsResolver, AccountTicketsResolver, RouteNewTicketHandler, AddChannelReplyHandler, EscalateForSlaBreachHandler],
  exports: [TicketsQueries],
})
export class TriageModule implements OnModuleInit {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  onModuleInit(): void {
    this.runtime.registerProjection(ticketsProjection);
    this.runtime.registerProjection(triageDirectoryProjection);
  }
}
