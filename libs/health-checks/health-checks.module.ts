import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { HealthChecksDirectory } from './application/directory.queries.js';
import { HealthChecksCommands } from './application/health-checks.commands.js';
import { HealthChecksQueries } from './application/health-checks.queries.js';
import { handoverReactor, sdkExposureReactor } from './application/reactions.js';
import {
  AccountTrafficPeaksResolver,
  FindingResolver,
  HealthChecksResolver,
  SdkAdvisoryResolver,
  TrafficPeakResolver,
} from './graphql/health-checks.resolver.js';
import { NextCheckInResolver } from './graphql/next-check-in.resolver.js';
import { AgendaFeedController } from './http/agenda-feed.controller.js';
import { HEALTH_CHECK_MISSED_TIMER, HEALTH_CHECK_SWEEP_TIMER, healthChecksProjection } from './projections/health-checks.projection.js';
import { healthChecksDirectoryProjection } from './projections/directory.projection.js';
import { reportedSdksProjection } from './projections/reported-sdks.projection.js';

/**
 * Proactive check-ins: scheduled, recurring, pre-holiday, pre-peak and SDK-upgrade checks, and the TAM's agenda.
 * Scheduling reads the account's TAM, zone, contract and calendar from its own copy (`health-checks.directory`).
 */
@Module({
  controllers: [AgendaFeedController],
  providers: [
    HealthChecksQueries,
    HealthChecksDirectory,
    HealthChecksCommands,
    HealthChecksResolver,
    FindingResolver,
    TrafficPeakResolver,
    SdkAdvisoryResolver,
    AccountTrafficPeaksResolver,
    NextCheckInResolver,
  ],
  exports: [HealthChecksQueries],
})
export class HealthChecksModule implements OnModuleInit {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(HealthChecksCommands) private readonly commands: HealthChecksCommands,
  ) {}

  onModuleInit(): void {
    this.runtime.registerProjection(healthChecksProjection);
    this.runtime.registerProjection(reportedSdksProjection);
    this.runtime.registerProjection(healthChecksDirectoryProjection);
    this.runtime.registerReactor(sdkExposureReactor(this.commands, this.runtime.store));
    this.runtime.registerReactor(handoverReactor(this.commands, this.runtime.store));
    this.runtime.registerTimer(HEALTH_CHECK_MISSED_TIMER, (timer, firedAt) => this.commands.markMissed(timer, firedAt));
    this.runtime.registerTimer(HEALTH_CHECK_SWEEP_TIMER, (timer, firedAt) => this.commands.sweep(timer, firedAt));
  }
}
