import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { AccountsCommands } from './application/accounts.commands.js';
import { AccountsQueries } from './application/accounts.queries.js';
import { AccountsResolver, TamAssignmentResolver } from './graphql/accounts.resolver.js';
import { CalendarsResolver } from './graphql/calendars.resolver.js';
import { ContractsResolver } from './graphql/contracts.resolver.js';
import { StaffResolver } from './graphql/staff.resolver.js';
import { accountsProjection } from './projections/accounts.projection.js';

/** Accounts, contracts, business calendars, staff and TAM handover. */
@Module({
  providers: [AccountsCommands, AccountsQueries, AccountsResolver, TamAssignmentResolver, CalendarsResolver, StaffResolver, ContractsResolver],
  exports: [AccountsQueries],
})
export class AccountsModule implements OnModuleInit {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  onModuleInit(): void {
    this.runtime.registerProjection(accountsProjection);
  }
}
