import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AttachmentsModule } from '#attachments';
import { PlatformRuntime } from '#platform-kit';
import { TriageCoreModule } from '../triage/triage-core.module.js';
import { IntakeQueries } from './application/intake.queries.js';
import { OpenTicketHandler } from './application/open-ticket.handler.js';
import { followUpsReactor } from './application/follow-ups.reactor.js';
import { findingTicketsReactor } from './application/finding-tickets.reactor.js';
import { ChannelIntake } from './channels/channel-intake.service.js';
import { EmailChannelController } from './channels/email-channel.controller.js';
import { SlackChannelController } from './channels/slack-channel.controller.js';
import { SlackThreads } from './channels/slack-threads.repository.js';
import { OpenTicketResolver } from './graphql/open-ticket.resolver.js';
import { intakeDirectoryProjection } from './projections/intake-directory.projection.js';

/**
 * Intake: tickets from every channel (GraphQL, e-mail, IM), once per channel message; the tickets a health
 * check's findings name (a reactor). Routing and the SLA pin are other contexts' reactors on the opening. A
 * channel reply on an existing ticket is triage's decision (AddChannelReply, docs/reactors.md), and a channel
 * finds the ticket a message belongs to in triage's read model: TriageCoreModule (no GraphQL) is imported for
 * those. The ticket `openTicket` returns is triage's entity, by key in the intake subgraph.
 */
@Module({
  imports: [TriageCoreModule, AttachmentsModule],
  controllers: [EmailChannelController, SlackChannelController],
  providers: [IntakeQueries, OpenTicketHandler, OpenTicketResolver, ChannelIntake, SlackThreads],
  exports: [OpenTicketHandler, IntakeQueries],
})
export class IntakeModule implements OnModuleInit {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(OpenTicketHandler) private readonly openTicket: OpenTicketHandler,
  ) {}

  onModuleInit(): void {
    this.runtime.registerProjection(intakeDirectoryProjection);
    this.runtime.registerReactor(followUpsReactor(this.runtime, this.openTicket));
    this.runtime.registerReactor(findingTicketsReactor(this.openTicket));
  }
}
