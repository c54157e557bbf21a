import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AttachmentsModule } from '#attachments';
import { PlatformRuntime } from '#platform-kit';
import { IntakeQueries } from './application/intake.queries.js';
import { OpenTicketHandler } from './application/open-ticket.handler.js';
import { followUpsReactor } from './application/follow-ups.reactor.js';
import { findingTicketsReactor } from './application/finding-tickets.reactor.js';
import { ChannelIntake } from './channels/channel-intake.service.js';
import { EmailChannelController } from './channels/email-channel.controller.js';
import { SlackChannelController } from './channels/slack-channel.controller.js';
import { SlackThreads } from './channels/slack-threads.repository.js';
import { OpenTicketResolver } from './graphql/open-ticket.resolver.js';
import { channelMessagesProjection } from './projections/channel-messages.projection.js';
import { intakeDirectoryProjection } from './projections/intake-directory.projection.js';

/**
 * Intake: tickets from every channel (GraphQL, e-mail, IM), once per channel message; the tickets a health
 * check's findings name (a reactor). It imports no other context's module. Routing and the SLA pin are other
 * contexts' reactors on the opening. A channel reply on an existing ticket is intake's fact ChannelReplyReceived,
 * which triage's reactor `triage.channel-replies` turns into the reply (docs/reactors.md); a channel finds the
 * ticket a message belongs to in intake's own copy (intake.channel-messages). The ticket `openTicket` returns is
 * folded from its stream with triage's pure fold; in the intake subgraph it is triage's entity, by key.
 */
@Module({
  imports: [AttachmentsModule],
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
    this.runtime.registerProjection(channelMessagesProjection);
    this.runtime.registerReactor(followUpsReactor(this.runtime, this.openTicket));
    this.runtime.registerReactor(findingTicketsReactor(this.openTicket));
  }
}
