import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { TriageModule } from '#triage';
import { IntakeQueries } from './application/intake.queries.js';
import { OpenTicketHandler } from './application/open-ticket.handler.js';
import { OpenTicketResolver } from './graphql/open-ticket.resolver.js';
import { intakeDirectoryProjection } from './projections/intake-directory.projection.js';

/** Intake: tickets from every channel (GraphQL, e-mail, IM), once per channel message. */
@Module({
  imports: [TriageModule],
  providers: [IntakeQueries, OpenTicketHandler, OpenTicketResolver],
  exports: [OpenTicketHandler, IntakeQueries],
})
export class IntakeModule implements OnModuleInit {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  onModuleInit(): void {
    this.runtime.registerProjection(intakeDirectoryProjection);
  }
}
