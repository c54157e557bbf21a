import { Inject } from '@nestjs/common';
import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles, type Principal } from '#platform-kit';
import { AccountsCommands } from '../application/accounts.commands.js';
import { AccountsQueries } from '../application/accounts.queries.js';
import { AccountType, BusinessCalendarType, ContractType, SignContractInput } from './accounts.types.js';
import { toAccountType, toCalendarType, toContractType } from './mappers.js';
import { mustExist } from './must-exist.js';

@Resolver(() => ContractType)
export class ContractsResolver {
  constructor(
    @Inject(AccountsCommands) private readonly commands: AccountsCommands,
    @Inject(AccountsQueries) private readonly queries: AccountsQueries,
  ) {}

  @Roles('ADMIN')
  @Mutation(() => ContractType, { description: 'Admins: sign a new contract version for an account' })
  async signContract(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'the contract terms', type: () => SignContractInput }) input: SignContractInput,
  ): Promise<ContractType> {
    const version = await this.commands.signContract(principal, input.accountId, {
      plan: input.plan,
      calendarId: input.calendarId,
      targets: input.targets.map((t) => ({
        severity: t.severity,
        channel: t.channel ?? null,
        coverage: t.coverage,
        firstResponseMinutes: t.firstResponseMinutes,
        nextUpdateMinutes: t.nextUpdateMinutes ?? null,
        resolutionMinutes: t.resolutionMinutes ?? null,
      })),
      channels: input.channels,
      pauseWhenWaitingOnCustomer: input.pauseWhenWaitingOnCustomer,
      warningAtPercent: input.warningAtPercent ?? 75,
      monthlyFee: input.monthlyFee,
      currency: input.currency,
      credits: input.credits.map(({ severity, metric, percentOfMonthlyFee }) => ({ severity, metric, percentOfMonthlyFee })),
      creditCapPercent: input.creditCapPercent,
      proactiveChecks: input.proactiveChecks ?? false,
      autoLinkIncidents: input.autoLinkIncidents ?? false,
      effectiveFrom: input.effectiveFrom.toISOString(),
    });
    const signed = (await this.queries.contracts(input.accountId)).find((row) => row.version === version);
    return toContractType(mustExist(signed));
  }

  @ResolveField(() => AccountType, { description: 'the account it binds' })
  async account(@Parent() contract: ContractType): Promise<AccountType> {
    return toAccountType(mustExist(await this.queries.account(contract.accountId)));
  }

  @ResolveField(() => BusinessCalendarType, { description: 'the business calendar its BUSINESS_HOURS targets count in' })
  async calendar(@Parent() contract: ContractType): Promise<BusinessCalendarType> {
    return toCalendarType(mustExist(await this.queries.calendar(contract.calendarId)));
  }
}
