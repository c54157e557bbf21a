import { Module } from '@nestjs/common';
import { AccountsCoreModule } from './accounts-core.module.js';
import { AccountsResolver, TamAssignmentResolver } from './graphql/accounts.resolver.js';
import { CalendarsResolver } from './graphql/calendars.resolver.js';
import { ContractsResolver } from './graphql/contracts.resolver.js';
import { CredentialsResolver } from './graphql/credentials.resolver.js';
import { ActorNamesResolver, StaffResolver } from './graphql/staff.resolver.js';

/**
 * Accounts, contracts, business calendars, staff and TAM handover; API keys and token revocation: the core
 * (AccountsCoreModule) and its GraphQL, which only apps/accounts and apps/platform load.
 */
@Module({
  imports: [AccountsCoreModule],
  providers: [AccountsResolver, TamAssignmentResolver, CalendarsResolver, StaffResolver, ActorNamesResolver, ContractsResolver, CredentialsResolver],
  exports: [AccountsCoreModule],
})
export class AccountsModule {}
