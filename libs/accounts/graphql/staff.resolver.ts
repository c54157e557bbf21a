import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ActorType, byKey, CurrentPrincipal, Loaders, NodeRegistry, Roles, STAFF_ROLES, type LoaderFactory, type Principal } from '#platform-kit';
import type { StaffRow } from '../application/accounts.queries.js';
import { AccountsCommands } from '../application/accounts.commands.js';
import { AccountsQueries } from '../application/accounts.queries.js';
import { RegisterStaffInput, StaffMemberType } from './accounts.types.js';
import { toStaffType } from './mappers.js';
import { mustExist } from './must-exist.js';

@Resolver(() => StaffMemberType)
export class StaffResolver {
  constructor(
    @Inject(AccountsCommands) private readonly commands: AccountsCommands,
    @Inject(AccountsQueries) private readonly queries: AccountsQueries,
    @Inject(NodeRegistry) nodes: NodeRegistry,
  ) {
    nodes.register('StaffMember', (principal, id) => (STAFF_ROLES.includes(principal.role) ? this.staffMember(id) : Promise.resolve(null)));
  }

  @Roles(...STAFF_ROLES)
  @Query(() => StaffMemberType, { nullable: true })
  async staffMember(@Args('id', { type: () => ID }) id: string): Promise<StaffMemberType | null> {
    const row = await this.queries.staff(id);
    return row ? toStaffType(row) : null;
  }

  @Roles('ADMIN')
  @Mutation(() => StaffMemberType)
  async registerStaff(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => RegisterStaffInput }) input: RegisterStaffInput,
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
}

/** Names for the actors of replies, attachments, disputes and claims: the staff directory knows staff only. */
@Resolver(() => ActorType)
export class ActorNamesResolver {
  constructor(@Inject(AccountsQueries) private readonly queries: AccountsQueries) {}

  @ResolveField(() => String, { nullable: true })
  async displayName(@Parent() actor: ActorType, @Loaders() loaders: LoaderFactory): Promise<string | null> {
    if (actor.role !== 'ENGINEER' && actor.role !== 'TAM') return null;
    const loader = loaders<string, StaffRow>('accounts.staffById', async (ids) => byKey(ids, await this.queries.staffByIds(ids), (row) => row.id));
    return (await loader.load(actor.id))?.name ?? null;
  }
}
