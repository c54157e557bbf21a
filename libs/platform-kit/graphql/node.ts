import { Inject, Injectable } from '@nestjs/common';
import { Args, Field, ID, InterfaceType, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '../auth/principal.js';
import { badUserInput, unauthenticated } from '#contracts';
import { CurrentPrincipal } from '../auth/roles.decorator.js';
import { isSubgraphMode, type EntityName } from './federation.js';
import type { LoaderFactory } from './request-loader.js';

/**
 * Relay's object identification. Ledgerdesk's ids are UUIDs, unique across every type, so each type's own
 * `id` is already its global id: `node(id:)` takes any id a query handed out, with no second kind of id.
 */
@InterfaceType('Node', {
  description: 'An object with a globally unique id (a UUID), fetched again with `node(id:)`',
  resolveType: (value: object) => nodeTypeOf(value),
})
export abstract class NodeInterface {
  @Field(() => ID, { description: 'unique across every type; pass to `node(id:)`' })
  id!: string;
}

/** An owner's batch read of its entity by ids (null for an absent one), in the order of the ids. */
export type EntityLoader = (ids: readonly string[]) => Promise<(object | null)[]>;

/** Reads one object of a type as the principal may see it: null when absent or not theirs. */
export type NodeFinder = (principal: Principal, id: string) => Promise<object | null>;

const nodeTypes = new WeakMap<object, string>();
function nodeTypeOf(value: object): string | undefined {
  return nodeTypes.get(value);
}

/** The types `node(id:)` can answer with: each context registers its own, so an app serves what it runs. */
@Injectable()
export class NodeRegistry {
  private readonly finders = new Map<string, NodeFinder>();

  register(typeName: string, finder: NodeFinder): void {
    this.finders.set(typeName, finder);
  }

  get typeNames(): string[] {
    return [...this.finders.keys()];
  }

  /**
   * A federation entity reference (`_entities` from the gateway) resolved as `node` would: by the type's own
   * finder, as the caller may see it. Apollo calls `__resolveReference(reference, context)`, outside the Nest
   * guard's argument order, so the resolver marks it @Public and this checks the credential itself.
   */
  async resolveReference(typeName: string, reference: { id?: unknown }, context: { principal?: Principal | null; authError?: Error | null }): Promise<object | null> {
    const principal = context?.principal;
    if (!principal) throw context?.authError ?? unauthenticated();
    const finder = this.finders.get(typeName);
    if (!finder || typeof reference.id !== 'string') return null;
    return finder(principal, reference.id);
  }

  private readonly entityLoaders = new Map<string, EntityLoader>();

  /** The owner's batch read of an entity by ids, as another context's field in the plain schema returns it. */
  registerEntityLoader(typeName: EntityName, load: EntityLoader): void {
    this.entityLoaders.set(typeName, load);
  }

  /**
   * Another context's entity, as a field of this context returns it (`Ticket.account`, `BreachClaim.ticket`, …).
   * In a subgraph: the reference `{ id }`, whose other fields the gateway fetches from the owning subgraph
   * (which applies its own visibility rules there). In the plain schema: the owner's object, read in one batch
   * per request through the owner's loader; the calling field has decided visibility, as it always did.
   */
  async entity(typeName: EntityName, id: string, loaders: LoaderFactory): Promise<object | null> {
    const load = this.entityLoaders.get(typeName);
    if (isSubgraphMode() || !load) return { id };
    return loaders<string, object>(`entity:${typeName}`, load).load(id);
  }

  async find(principal: Principal, id: string): Promise<object | null> {
    // The ids are UUIDs: at most one type holds a given one.
    const found = await Promise.all([...this.finders].map(async ([typeName, finder]) => ({ typeName, value: await finder(principal, id) })));
    const hit = found.find((entry) => entry.value !== null);
    if (!hit?.value) return null;
    nodeTypes.set(hit.value, hit.typeName);
    return hit.value;
  }
}

@Resolver()
export class NodeResolver {
  constructor(@Inject(NodeRegistry) private readonly registry: NodeRegistry) {}

  @Query(() => NodeInterface, {
    nullable: true,
    description: 'Relay: the ticket, account, staff member, breach claim or health check with this id, as you may see it (null otherwise)',
  })
  node(@CurrentPrincipal() principal: Principal, @Args('id', { description: 'a global id, as `id` on any Node', type: () => ID }) id: string): Promise<object | null> {
    return this.registry.find(principal, id);
  }

  @Query(() => [NodeInterface], { nullable: 'items', description: 'Relay: `node` for each id, in order (at most 100)' })
  async nodes(@CurrentPrincipal() principal: Principal, @Args('ids', { description: 'global ids, at most 100', type: () => [ID] }) ids: string[]): Promise<(object | null)[]> {
    if (ids.length > 100) throw badUserInput('at most 100 ids', 'ids');
    return Promise.all(ids.map((id) => this.registry.find(principal, id)));
  }
}
