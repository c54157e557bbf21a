import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound, unauthenticated } from '#contracts';
import { ActorType, byKey, checkPageSize, CurrentPrincipal, decodeCursor, encodeCursor, Loaders, NodeRegistry, pageInfoOf, Public, RoleEnum, Roles, STAFF_ROLES, type LoaderFactory, type Principal, type RequestContext } from '#platform-kit';
import type { StaffRow } from '../application/accounts.queries.js';
import { AccountsCommands } from '../application/accounts.commands.js';
import { AccountsQueries } from '../application/accounts.queries.js';
import { CredentialsCommands } from '../application/credentials.commands.js';
import { RegisterStaffInput, StaffMemberConnectionType, StaffMemberType, UpdateStaffMemberInput } from './accounts.types.js';
import { toStaffType } from './mappers.js';
import { mustExist } from './must-exist.js';

@Resolver(() => StaffMemberType)
export class StaffResolver {
  constructor(
    @Inject(AccountsCommands) private readonly commands: AccountsCommands,
    @Inject(AccountsQueries) private readonly queries: AccountsQueries,
    @Inject(CredentialsCommands) private readonly credentials: CredentialsCommands,
    @Inject(NodeRegistry) nodes: NodeRegistry,
  ) {
    this.nodes = nodes;
    nodes.register('StaffMember', (principal, id) => (STAFF_ROLES.includes(principal.role) ? this.staffMember(id) : Promise.resolve(null)));
    nodes.registerEntityLoader('StaffMember', async (ids) => byKey(ids, await this.queries.staffByIds(ids), (row) => row.id).map((row) => row && toStaffType(row)));
  }

  private readonly nodes: NodeRegistry;

  /**
   * Federation: another subgraph's `StaffMember` reference. It comes from a field the caller may see
   * (`Ticket.assignee`, a reply's author), which the plain schema answers with the staff member for any signed-in
   * caller, customers included; so does this (`node(id:)` and `staffMember` stay staff-only).
   */
  @Public()
  @ResolveReference()
  resolveReference(reference: { id?: unknown }, context: RequestContext): Promise<object | null> {
    if (!context?.principal) throw context?.authError ?? unauthenticated();
    return typeof reference.id === 'string' ? this.staffMember(reference.id) : Promise.resolve(null);
  }

  @Roles(...STAFF_ROLES)
  @Query(() => StaffMemberType, { description: 'Staff: the staff member; null when absent', nullable: true })
  async staffMember(@Args('id', { description: 'the staff member id', type: () => ID }) id: string): Promise<StaffMemberType | null> {
    const row = await this.queries.staff(id);
    return row ? toStaffType(row) : null;
  }

  @Roles(...STAFF_ROLES)
  @Query(() => StaffMemberConnectionType, { description: 'Staff by id; filters combine' })
  async staffMembers(
    @Args('role', { type: () => RoleEnum, nullable: true, description: 'ENGINEER or TAM' }) role: string | null,
    @Args('region', { type: () => String, nullable: true, description: 'covers this region' }) region: string | null,
    @Args('active', { type: () => Boolean, nullable: true, description: 'false: the deactivated ones' }) active: boolean | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50, description: 'page size, 1-200' }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'the endCursor of the previous page' }) after: string | null,
  ): Promise<StaffMemberConnectionType> {
    if (role && role !== 'ENGINEER' && role !== 'TAM') throw badUserInput('role must be ENGINEER or TAM', 'role');
    const cursor = decodeCursor(after, ['text']) as [string] | null;
    const page = await this.queries.staffPage({ role: role ?? null, region: region ?? null, active: active ?? null }, checkPageSize(first), cursor?.[0] ?? null);
    const edges = page.rows.map((row) => ({ cursor: encodeCursor([row.id]), node: toStaffType(row) }));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, after), totalCount: page.totalCount };
  }

  @Roles('ADMIN')
  @Mutation(() => StaffMemberType, { description: 'Admins: register an engineer or TAM' })
  async registerStaff(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'name, role, regions, skills and shift calendar', type: () => RegisterStaffInput }) input: RegisterStaffInput,
  ): Promise<StaffMemberType> {
    const id = await this.commands.registerStaff(principal, {
      name: input.name,
      role: input.role,
      regions: input.regions,
      skills: input.skills,
      calendarId: input.calendarId ?? null,
    });
    return toStaffType(mustExist(await this.queries.staff(id)));
  }

  @Roles('ADMIN')
  @Mutation(() => StaffMemberType, { description: 'Regions, skills, shift calendar; routing uses them from the next ticket on' })
  async updateStaffMember(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: 'the staff member id', type: () => ID }) id: string,
    @Args('input', { description: 'the regions, skills and shift calendar to set', type: () => UpdateStaffMemberInput }) input: UpdateStaffMemberInput,
  ): Promise<StaffMemberType> {
    const current = await this.queries.staff(id);
    if (!current) throw notFound('Staff member');
    await this.commands.updateStaff(principal, id, {
      regions: input.regions ?? current.regions,
      skills: input.skills ?? current.skills,
      calendarId: input.calendarId === undefined ? current.calendarId : input.calendarId,
    });
    return toStaffType(mustExist(await this.queries.staff(id)));
  }

  @Roles('ADMIN')
  @Mutation(() => StaffMemberType, {
    description: 'They leave: routing stops at once, assigning to them is refused, their tokens issued until now stop working; `openTickets` lists what to reassign',
  })
  async deactivateStaffMember(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: 'the staff member id', type: () => ID }) id: string,
    @Args('reason', { type: () => String, description: 'why (recorded)' }) reason: string,
  ): Promise<StaffMemberType> {
    if (!(await this.queries.staff(id))) throw notFound('Staff member');
    await this.commands.deactivateStaff(principal, id, reason);
    // The existing revocation: every token of theirs issued until now is refused, in every process.
    await this.credentials.revokeTokens(principal, id, null, `deactivated: ${reason}`);
    return toStaffType(mustExist(await this.queries.staff(id)));
  }

  @Roles('ADMIN')
  @Mutation(() => StaffMemberType, {
    description: 'They are back: routing and assignment take them again; tokens revoked by the deactivation stay revoked, tokens minted from now on work',
  })
  async reactivateStaffMember(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: 'the staff member id', type: () => ID }) id: string,
    @Args('reason', { type: () => String, description: 'why (recorded)' }) reason: string,
  ): Promise<StaffMemberType> {
    if (!(await this.queries.staff(id))) throw notFound('Staff member');
    await this.commands.reactivateStaff(principal, id, reason);
    return toStaffType(mustExist(await this.queries.staff(id)));
  }
}

/** Names for the actors of replies, attachments, disputes and claims: the staff directory knows staff only. */
@Resolver(() => ActorType)
export class ActorNamesResolver {
  constructor(@Inject(AccountsQueries) private readonly queries: AccountsQueries) {}

  /** Federation: an Actor any subgraph returned, keyed by all it holds (`id role`). */
  @Public()
  @ResolveReference()
  resolveReference(reference: { id: string; role: string }): ActorType {
    return { id: reference.id, role: reference.role };
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'the staff member’s name for registered staff (engineers, TAMs); null for others, whose tokens carry no name',
  })
  async displayName(@Parent() actor: ActorType, @Loaders() loaders: LoaderFactory): Promise<string | null> {
    if (actor.role !== 'ENGINEER' && actor.role !== 'TAM') return null;
    const loader = loaders<string, StaffRow>('accounts.staffById', async (ids) => byKey(ids, await this.queries.staffByIds(ids), (row) => row.id));
    return (await loader.load(actor.id))?.name ?? null;
  }
}
