import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MoveScheduledChecks, ReportSdkExposure } from '#contracts';
import { HealthChecksCommands } from './health-checks.commands.js';

// What other contexts ask of this one in-process; the daily sweep catches up when they run elsewhere.

@CommandHandler(ReportSdkExposure)
export class ReportSdkExposureHandler implements ICommandHandler<ReportSdkExposure, void> {
  constructor(@Inject(HealthChecksCommands) private readonly commands: HealthChecksCommands) {}
  execute(command: ReportSdkExposure): Promise<void> {
    return this.commands.reportSdkExposure(command);
  }
}

@CommandHandler(MoveScheduledChecks)
export class MoveScheduledChecksHandler implements ICommandHandler<MoveScheduledChecks, void> {
  constructor(@Inject(HealthChecksCommands) private readonly commands: HealthChecksCommands) {}
  execute(command: MoveScheduledChecks): Promise<void> {
    return this.commands.moveScheduledChecks(command.accountId);
  }
}
