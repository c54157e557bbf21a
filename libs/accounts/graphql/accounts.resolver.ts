import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { contractInForce, notFound, streams, type AccountChannelsChanged } from '#contracts';
import { byKey, CLOCK, PlatformRuntime, checkPageSize, connectionPageInfo, CurrentPrincipal, decodeCursor, encodeCursor, NodeRegistry, PAGE_ARGS, pageInfoOf, pageWindow, Public, Roles, STAFF_ROLES, type Clock, type Principal, type RequestContext, type SortDirection } from '#platform-kit';
import { AccountsCommands } from '../application/accounts.commands.js';
import { AccountsQueries } from '../application/accounts.queries.js';

import { AccountChannelChangeType, AccountConnectionType, AccountType, ContractType, ImChannelInput, RegisterAccountInput, StaffMemberType, TamAssignmentType } from './accounts.types.js';
import { toAccountType, toContractType, toStaffType } from './mappers.js';
import { mustExist } from './must-exist.js';

/** A customer sees only their own account: anything else reads as absent (null), never as the data. */
export function visibleTo(principal: Principal, accountId: string): boolean {
  return principal.role !== 'CUSTOMER' || principal.accountId === accountId;
}

@Resolver(() => AccountType)
export class AccountsResolver {
  constructor(
    @Inject(AccountsCommands) private readonly commands: AccountsCommands,
    @Inject(AccountsQueries) private readonly queries: AccountsQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(NodeRegistry) nodes: NodeRegistry,
  ) {
    this.nodes = nodes;
    nodes.register('Account', (principal, id) => this.account(principal, id));
    nodes.registerEntityLoader('Account', async (ids) => byKey(ids, await this.queries.accountsByIds(ids), (row) => row.id).map((row) => row && toAccountType(row)));
  }

  private readonly nodes: NodeRegistry;

  /** Federation: another subgraph's `Account` reference, resolved as `node(id:)` would (docs/architecture.md). */
  @Public()
  @ResolveReference()
  resolveReference(reference: { id?: unknown }, context: RequestContext): Promise<object | null> {
    return this.nodes.resolveReference('Account', reference, context);
  }

  @Query(() => AccountType, { description: 'the account; null when absent or not the caller’s own (CUSTOMER)', nullable: true })
  async account(@CurrentPrincipal() principal: Principal, @Args('id', { description: 'the account id', type: () => ID }) id: string): Promise<AccountType | null> {
    if (!visibleTo(principal, id)) return null;
    const row = await this.queries.account(id);
    return row ? toAccountType(row) : null;
  }

  @Roles(...STAFF_ROLES)
  @Query(() => AccountConnectionType, { description: 'ordered by registration' })
  async accounts(
    @Args('first', PAGE_ARGS.first) first: number,
    @Args('after', PAGE_ARGS.after) after: string | null,
    @Args('last', PAGE_ARGS.last) last: number | null,
    @Args('before', PAGE_ARGS.before) before: string | null,
    @Args('direction', PAGE_ARGS.direction) direction: SortDirection,
  ): Promise<AccountConnectionType> {
    const page = await this.queries.accountsPage(pageWindow<[string, string]>({ first, after, last, before, direction }, ['instant', 'text']));
    const edges = page.rows.map((row) => ({ cursor: encodeCursor([row.registeredAt.toISOString(), row.id]), node: toAccountType(row) }));
    return { edges, pageInfo: connectionPageInfo(edges, page), totalCount: page.totalCount };
  }

  @Roles('ADMIN')
  @Mutation(() => AccountType, { description: 'Admins: register a customer account' })
  async registerAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'name, region, time zone, mail domains and IM channels', type: () => RegisterAccountInput }) input: RegisterAccountInput,
  ): Promise<AccountType> {
    const id = await this.commands.registerAccount(principal, {
      name: input.name,
      region: input.region,
      timeZone: input.timeZone,
      emailDomains: input.emailDomains ?? [],
      imChannels: (input.imChannels ?? []).map(({ workspaceId, channelId }) => ({ workspaceId, channelId })),
    });
    return toAccountType(mustExist(await this.queries.account(id)));
  }

  @Roles('ADMIN')
  @Mutation(() => AccountType, {
    description: 'The e-mail domains and IM channels that name this account from now on (whole sets; each left out stays). Intake matching follows at once; the history is the AccountChannelsChanged events',
  })
  async updateAccountChannels(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { description: 'the account', type: () => ID }) accountId: string,
    @Args('emailDomains', { description: 'the whole set of mail domains; left out: unchanged', type: () => [String], nullable: true }) emailDomains: string[] | null,
    @Args('imChannels', { description: 'the whole set of IM channels; left out: unchanged', type: () => [ImChannelInput], nullable: true }) imChannels: ImChannelInput[] | null,
  ): Promise<AccountType> {
    const current = await this.queries.account(accountId);
    if (!current) throw notFound('Account');
    const domains = emailDomains ?? current.emailDomains;
    const channels = imChannels ? imChannels.map(({ workspaceId, channelId }) => ({ workspaceId, channelId })) : current.imChannels;
    const takenElsewhere = await this.queries.channelsTakenElsewhere(accountId, domains, channels);
    await this.commands.updateAccountChannels(principal, accountId, { emailDomains: domains, imChannels: channels, takenElsewhere });
    return toAccountType(mustExist(await this.queries.account(accountId)));
  }

  @Roles('ADMIN')
  @Mutation(() => AccountType, { description: 'Admins: make this TAM the account’s TAM (ends the current assignment)' })
  async assignTam(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { description: 'the account', type: () => ID }) accountId: string,
    @Args('tamId', { description: 'a staff member with role TAM', type: () => ID }) tamId: string,
  ): Promise<AccountType> {
    await this.commands.assignTam(principal, accountId, tamId);
    return toAccountType(mustExist(await this.queries.account(accountId)));
  }

  @Roles('ADMIN', 'TAM')
  @Mutation(() => AccountType, { description: 'ADMIN or the account’s current TAM; the notes are kept with the new assignment' })
  async handOverAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { description: 'the account', type: () => ID }) accountId: string,
    @Args('toTamId', { description: 'the TAM taking over', type: () => ID }) toTamId: string,
    @Args('notes', { description: 'handover notes (visible to staff only)', type: () => String }) notes: string,
  ): Promise<AccountType> {
    await this.commands.handOverAccount(principal, accountId, toTamId, notes);
    return toAccountType(mustExist(await this.queries.account(accountId)));
  }

  @ResolveField(() => StaffMemberType, { description: 'the current TAM; null: none assigned', nullable: true })
  async tam(@Parent() account: AccountType): Promise<StaffMemberType | null> {
    const row = account.tamId ? await this.queries.staff(account.tamId) : null;
    return row ? toStaffType(row) : null;
  }

  @ResolveField(() => [TamAssignmentType], { description: 'every TAM assignment, oldest first; handover notes are null for customers' })
  async tamHistory(@CurrentPrincipal() principal: Principal, @Parent() account: AccountType): Promise<TamAssignmentType[]> {
    const history = await this.queries.tamHistory(account.id);
    // Handover notes are internal: a customer sees who and when, never what was said.
    return history.map((row) => ({ ...row, handoverNotes: principal.role === 'CUSTOMER' ? null : row.handoverNotes }));
  }

  @ResolveField(() => [AccountChannelChangeType], { description: 'every change of the mail domains and IM channels after registration, oldest first (the account stream’s AccountChannelsChanged events)' })
  async channelHistory(@Parent() account: AccountType): Promise<AccountChannelChangeType[]> {
    const events = await this.runtime.store.readStream(streams.account(account.id));
    return events
      .filter((event) => event.type === 'AccountChannelsChanged')
      .map((event) => {
        const d = event.data as AccountChannelsChanged['data'];
        return {
          emailDomains: d.emailDomains,
          imChannels: d.imChannels,
          previousEmailDomains: d.previousEmailDomains,
          previousImChannels: d.previousImChannels,
          changedBy: d.changedBy,
          changedAt: new Date(d.changedAt),
        };
      });
  }

  @ResolveField(() => ContractType, { nullable: true, description: 'the contract in force now' })
  async contract(@Parent() account: AccountType): Promise<ContractType | null> {
    const row = contractInForce(await this.queries.contracts(account.id), this.clock.now());
    return row ? toContractType(row) : null;
  }

  @ResolveField(() => [ContractType], { description: 'every contract version signed for the account' })
  async contracts(@Parent() account: AccountType): Promise<ContractType[]> {
    return (await this.queries.contracts(account.id)).map(toContractType);
  }
}

@Resolver(() => TamAssignmentType)
export class TamAssignmentResolver {
  constructor(@Inject(AccountsQueries) private readonly queries: AccountsQueries) {}

  @ResolveField(() => StaffMemberType, { description: 'the TAM' })
  async tam(@Parent() assignment: TamAssignmentType): Promise<StaffMemberType> {
    return toStaffType(mustExist(await this.queries.staff(assignment.tamId)));
  }
}
