import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { AccountsCommands } from './application/accounts.commands.js';
import { AccountsQueries } from './application/accounts.queries.js';
import { CredentialsCommands } from './application/credentials.commands.js';
import { CredentialsQueries } from './application/credentials.queries.js';
import { AccountsResolver, TamAssignmentResolver } from './graphql/accounts.resolver.js';
import { CalendarsResolver } from './graphql/calendars.resolver.js';
import { ContractsResolver } from './graphql/contracts.resolver.js';
import { CredentialsResolver } from './graphql/credentials.resolver.js';
import { ActorNamesResolver, StaffResolver } from './graphql/staff.resolver.js';
import { accountsProjection } from './projections/accounts.projection.js';
import { apiKeysProjection } from './projections/api-keys.projection.js';

/** Accounts, contracts, business calendars, staff and TAM handover; API keys and token revocation. */
@Module({
  providers: [AccountsCommands, AccountsQueries, AccountsResolver, TamAssignmentResolver, CalendarsResolver, StaffResolver, ActorNamesResolver, ContractsResolver,
    CredentialsCommands, CredentialsQueries, CredentialsResolver],
  exports: [AccountsQueries],
})
export class AccountsModule implements OnModuleInit {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  onModuleInit(): void {
    this.runtime.registerProjection(accountsProjection);
    this.runtime.registerProjection(apiKeysProjection);
  }
}
