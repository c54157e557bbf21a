import type { Type } from '@nestjs/common';
import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

/**
 * Federation 2 support for the contexts (issue 11). One process serves either the plain schema (apps/platform:
 * every context, each entity with all its fields) or one context's subgraph (apps/<context>): there, an entity
 * of another context is a stub `Ticket @key(fields: "id") { id }` that this subgraph extends with its own fields,
 * and the gateway fetches the rest from the owner by key.
 *
 * Nest's code-first schema holds every GraphQL class *loaded* in the process, so a subgraph stays clean only if
 * its process never loads another context's GraphQL files: a context names another's entity through
 * `entityType('Ticket')` (never the owner's class) and returns it through `EntityReferences` (never the owner's
 * queries).
 */

/** The entities of the graph, each owned by one context, keyed by `id`. */
export type EntityName = 'Ticket' | 'Account' | 'StaffMember' | 'AccountHealth';

let subgraphMode = false;

/** Set by PlatformKitModule.forRoot before the schema is built; read when Nest evaluates the type functions. */
export function setSubgraphMode(on: boolean): void {
  subgraphMode = on;
}

export function isSubgraphMode(): boolean {
  return subgraphMode;
}

@ObjectType('Ticket', { description: 'A support ticket (owned by the triage subgraph; extended here by key)' })
@Directive('@key(fields: "id")')
export class TicketReference {
  @Field(() => ID, { description: 'the ticket’s id' }) id!: string;
}

@ObjectType('Account', { description: 'A customer account (owned by the accounts subgraph; extended here by key)' })
@Directive('@key(fields: "id")')
export class AccountReference {
  @Field(() => ID, { description: 'the account’s id' }) id!: string;
}

@ObjectType('StaffMember', { description: 'A staff member (owned by the accounts subgraph; extended here by key)' })
@Directive('@key(fields: "id")')
export class StaffMemberReference {
  @Field(() => ID, { description: 'the staff member’s id' }) id!: string;
}

@ObjectType('AccountHealth', { description: 'An account’s support health (owned by the SLA subgraph; extended here by key)' })
@Directive('@key(fields: "accountId")')
export class AccountHealthReference {
  @Directive('@inaccessible')
  @Field(() => ID, { description: 'the account whose health this is' }) accountId!: string;
}

const STUBS: Record<EntityName, Type> = { Ticket: TicketReference, Account: AccountReference, StaffMember: StaffMemberReference, AccountHealth: AccountHealthReference };
const OWNERS = new Map<EntityName, Type>();

/**
 * The stubs this process's schema names, filled while Nest evaluates the type functions and handed to it as
 * orphaned types: a stub only a field resolver names (`Account.health`) is reachable from no root field, yet the
 * subgraph must declare it to extend it.
 */
export const USED_STUBS: Type[] = [];

/** The owning context declares its full class once, where it defines it. */
export function registerEntityType(name: EntityName, type: Type): void {
  OWNERS.set(name, type);
}

/**
 * The GraphQL class to name an entity of another context by, for `@Resolver(() => entityType('Account'))` or
 * `@Field(() => entityType('Ticket'))`: in a subgraph its key-only stub — unless the owner's GraphQL is loaded in
 * the same process (an app hosting two contexts), then the owner's class —, in the plain schema the owner's
 * class (the stub too when the owner is not loaded at all, e.g. a context booted alone without federation).
 * `stub`: a subgraph's own key-only class for it, when its fields need more than the key (`@requires`).
 */
export function entityType(name: EntityName, stub: Type = STUBS[name]): Type {
  // An app that hosts a context beside the entity's owner (apps/triage runs incidents too) has the owner's class
  // in its schema already: the field extends the owner's type there, as in the plain schema (a stub of the same
  // name would clash with it). Only the owner's GraphQL registers its class, so elsewhere it is the stub.
  const owner = OWNERS.get(name);
  if (subgraphMode && owner) return owner;
  if (subgraphMode) {
    if (!USED_STUBS.includes(stub)) USED_STUBS.push(stub);
    return stub;
  }
  return OWNERS.get(name) ?? STUBS[name];
}
