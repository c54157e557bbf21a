import { Module } from '@nestjs/common';

/** The audit bounded context. It talks to other contexts only through events in the store. */
@Module({})
export class AuditModule {}
