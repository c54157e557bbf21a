import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, NodeRegistry, Roles, STAFF_ROLES, type Principal } from '#platform-kit';
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
  @Query(() => StaffMemberType, { description: 'Staff: the staff member; null when absent', nullable: true })
  async staffMember(@Args('id', { description: 'the staff member id', type: () => ID }) id: string): Promise<StaffMemberType | null> {
    const row = await this.queries.staff(id);
    return row ? toStaffType(row) : null;
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
}
