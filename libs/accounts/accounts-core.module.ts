import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { AccountsCommands } from './application/accounts.commands.js';
import { AccountsQueries } from './application/accounts.queries.js';
import { CredentialsCommands } from './application/credentials.commands.js';
import { CredentialsQueries } from './application/credentials.queries.js';
import { accountsProjection } from './projections/accounts.projection.js';
import { apiKeysProjection } from './projections/api-keys.projection.js';

/**
 * The accounts context without its GraphQL: commands, queries and read models. What another context's app may
 * import (health checks read the account they schedule for); it loads none of accounts' GraphQL types, so the
 * importing subgraph serves none of them (docs/architecture.md#the-federated-graph-issue-11).
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
