import { Module } from '@nestjs/common';

/** The triage bounded context. It talks to other contexts only through events in the store. */
@Module({})
export class TriageModule {}
