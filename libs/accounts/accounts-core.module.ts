import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { AccountsCommands } from './application/accounts.commands.js';
import { AccountsQueries } from './application/accounts.queries.js';
import { CredentialsCommands } from './application/credentials.commands.js';
import { CredentialsQueries } from './application/credentials.queries.js';
import { accountsProjection } from './projections/accounts.projection.js';
import { apiKeysProjection } from './projections/api-keys.projection.js';

/**
 * The accounts context without its GraphQL: commands, queries and read models. AccountsModule adds the GraphQL;
 * no other context imports either (each keeps the copy of accounts it needs from the log).
 */
@Module({
  providers: [AccountsCommands, AccountsQueries, CredentialsCommands, CredentialsQueries],
  exports: [AccountsCommands, AccountsQueries, CredentialsCommands, CredentialsQueries],
})
export class AccountsCoreModule implements OnModuleInit {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  onModuleInit(): void {
    this.runtime.registerProjection(accountsProjection);
    this.runtime.registerProjection(apiKeysProjection);
  }
}
