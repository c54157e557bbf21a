import { Module } from '@nestjs/common';

/** The accounts bounded context. It talks to other contexts only through events in the store. */
@Module({})
export class AccountsModule {}
