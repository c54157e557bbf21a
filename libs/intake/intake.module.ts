import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AttachmentsModule } from '#attachments';
import { PlatformRuntime } from '#platform-kit';
import { SlaModule } from '#sla';
import { TriageModule } from '#triage';
import { IntakeQueries } from './application/intake.queries.js';
import { OpenTicketHandler } from './application/open-ticket.handler.js';
import { followUpsReactor } from './application/follow-ups.reactor.js';
import { OpenHealthCheckTicketHandler } from './application/open-health-check-ticket.handler.js';
import { ChannelIntake } from './channels/channel-intake.service.js';
import { EmailChannelController } from './channels/email-channel.controller.js';
import { SlackChannelController } from './channels/slack-channel.controller.js';
import { SlackThreads } from './channels/slack-threads.repository.js';
import { OpenTicketResolver } from './graphql/open-ticket.resolver.js';
import { intakeDirectoryProjection } from './projections/intake-directory.projection.js';

/**
 * Intake: tickets from every channel (GraphQL, e-mail, IM), once per channel message. Opening one needs triage
 * (routing) and SLA (the pin) in the same process, so the intake app alone runs them too.
 */
@Module({
  imports: [TriageModule, SlaModule, AttachmentsModule],
  controllers: [EmailChannelController, SlackChannelController],
  providers: [IntakeQueries, OpenTicketHandler, OpenHealthCheckTicketHandler, OpenTicketResolver, ChannelIntake, SlackThreads],
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
  }
}
