import { Module } from '@nestjs/common';

/** The health-checks bounded context. It talks to other contexts only through events in the store. */
@Module({})
export class HealthChecksModule {}
