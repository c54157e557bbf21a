import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound, type Severity } from '#contracts';
import {
  byKey,
  connectionPageInfo,
  CurrentPrincipal,
  encodeCursor,
  entityType,
  mapWindow,
  NodeRegistry,
  PAGE_ARGS,
  pageWindow,
  Public,
  Loaders,
  Roles,
  SeverityEnum,
  WORKING_STAFF_ROLES,
  type LoaderFactory,
  type PageArgs,
  type RequestContext,
  type Principal,
  type SortDirection,
} from '#platform-kit';
import { TicketsCommands } from '../application/tickets.commands.js';
import { TicketsQueries, type PageKey, type ReplyRow, type TicketRow, type TicketFilterValues, type TicketOrder } from '../application/tickets.queries.js';
import { toTicketType } from './ticket.mapper.js';
import {
  AttachmentType,
  DiagnosticsInput,
  DisputeOutcomeEnum,
  ReplyType,
  TicketConnectionType,
  TicketFilterInput,
  TicketOrderEnum,
  TicketType,
  VisibilityEnum,
} from './ticket.types.js';

const expectedVersionArg = { type: () => Int, nullable: true, description: 'the ticket’s version you last read: CONFLICT if it changed since; leave out to skip the check' } as const;
const attachmentIdsArg = {
  type: () => [ID],
  nullable: true,
  description: 'uploads (ids from POST /attachments, made with the same token) to attach; a reply may then have an empty body',
} as const;

/** Tickets over GraphQL. A customer reaches only their own account's tickets; others read as absent. */
@Resolver(() => TicketType)
export class TicketsResolver {
  constructor(
    @Inject(TicketsCommands) private readonly commands: TicketsCommands,
    @Inject(TicketsQueries) private readonly queries: TicketsQueries,
    @Inject(NodeRegistry) nodes: NodeRegistry,
  ) {
    this.nodes = nodes;
    nodes.register('Ticket', (principal, id) => this.ticket(principal, id));
    nodes.registerEntityLoader('Ticket', async (ids) => byKey(ids, await this.queries.ticketsByIds(ids), (row) => row.id).map((row) => row && toTicketType(row)));
  }

  private readonly nodes: NodeRegistry;

  /** Federation: another subgraph's `Ticket` reference, resolved as `node(id:)` would (docs/architecture.md). */
  @Public()
  @ResolveReference()
  resolveReference(reference: { id?: unknown }, context: RequestContext): Promise<object | null> {
    return this.nodes.resolveReference('Ticket', reference, context);
  }

  @Query(() => TicketType, { description: 'the ticket; null when absent or (for a customer) another account’s', nullable: true })
  async ticket(@CurrentPrincipal() principal: Principal, @Args('id', { description: 'the ticket id', type: () => ID }) id: string): Promise<TicketType | null> {
    const row = await this.queries.ticket(id);
    if (!row || (principal.role === 'CUSTOMER' && row.accountId !== principal.accountId)) return null;
    return toTicketType(row);
  }

  @Query(() => TicketConnectionType, { description: 'tickets you may see (a customer: their own account’s), in the queue order asked' })
  async tickets(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { description: 'which tickets; leave out for all', type: () => TicketFilterInput, nullable: true }) filter: TicketFilterInput | null,
    @Args('orderBy', { description: 'the order; default SLA_DUE (the support queue)', type: () => TicketOrderEnum, nullable: true, defaultValue: 'SLA_DUE' }) orderBy: string,
    @Args('first', PAGE_ARGS.first) first: number,
    @Args('after', PAGE_ARGS.after) after: string | null,
    @Args('last', PAGE_ARGS.last) last: number | null,
    @Args('before', PAGE_ARGS.before) before: string | null,
    @Args('direction', PAGE_ARGS.direction) direction: SortDirection,
  ): Promise<TicketConnectionType> {
    return ticketConnection(this.queries, principal, filter ?? {}, orderBy, { first, after, last, before, direction });
  }

  private async reload(id: string): Promise<TicketType> {
    const row = await this.queries.ticket(id);
    if (!row) throw notFound('Ticket');
    return toTicketType(row);
  }

  @Roles(...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'Staff: set the assessed severity; SLA clocks are re-derived under it from their starts' })
  async assessSeverity(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('severity', { description: 'the assessed severity', type: () => SeverityEnum }) severity: Severity,
    @Args('reason', { description: 'why (recorded)', type: () => String }) reason: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.assess(p, ticketId, severity, reason, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles('CUSTOMER', 'TAM')
  @Mutation(() => TicketType, { description: 'the account’s customer, or its TAM on their behalf' })
  async disputeSeverity(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('reason', { description: 'why the assessed severity is wrong (recorded)', type: () => String }) reason: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.dispute(p, ticketId, reason, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles('ADMIN')
  @Mutation(() => TicketType, { description: 'Admins: uphold (the claimed severity applies) or reject an OPEN dispute' })
  async resolveSeverityDispute(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('outcome', { description: 'UPHELD or REJECTED', type: () => DisputeOutcomeEnum }) outcome: 'UPHELD' | 'REJECTED',
    @Args('reason', { description: 'why (recorded)', type: () => String }) reason: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.resolveDispute(p, ticketId, outcome, reason, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles(...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'Staff: assign the ticket to a staff member' })
  async assignTicket(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('assigneeId', { description: 'the staff member to assign', type: () => ID }) assigneeId: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.assign(p, ticketId, assigneeId, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles('CUSTOMER', ...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'Author and side come from the token. A PUBLIC staff reply is a response to the customer.' })
  async addReply(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('body', { description: 'the message', type: () => String }) body: string,
    @Args('visibility', { description: 'PUBLIC (default) or INTERNAL (staff only)', type: () => VisibilityEnum, nullable: true, defaultValue: 'PUBLIC' }) visibility: 'PUBLIC' | 'INTERNAL',
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
    @Args('attachmentIds', attachmentIdsArg) attachmentIds: string[] | null,
  ) {
    await this.commands.reply(p, ticketId, body, visibility, false, expectedVersion, attachmentIds ?? []);
    return this.reload(ticketId);
  }

  @Roles(...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'A public staff reply asking the customer for something: WAITING_ON_CUSTOMER until they reply' })
  async requestInformation(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('body', { description: 'what the customer is asked for', type: () => String }) body: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.reply(p, ticketId, body, 'PUBLIC', true, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles('CUSTOMER', ...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'Raise the ticket’s escalation level by one' })
  async escalateTicket(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('reason', { description: 'why (recorded)', type: () => String }) reason: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.escalate(p, ticketId, reason, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles(...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'Staff: resolve the ticket; stops RESOLUTION and any running NEXT_UPDATE cycle' })
  async resolveTicket(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('resolution', { description: 'how it was resolved', type: () => String }) resolution: string,
    @Args('rootCause', { description: 'the root cause, if known', type: () => String, nullable: true }) rootCause: string | null,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.resolve(p, ticketId, resolution, rootCause ?? null, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles('CUSTOMER', ...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'within 14 days of resolution' })
  async reopenTicket(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('reason', { description: 'why (recorded)', type: () => String }) reason: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.reopen(p, ticketId, reason, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles('CUSTOMER', ...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'Close the ticket; clocks still running are cancelled' })
  async closeTicket(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
  ) {
    await this.commands.close(p, ticketId, expectedVersion);
    return this.reload(ticketId);
  }

  @Roles('CUSTOMER', ...WORKING_STAFF_ROLES)
  @Mutation(() => TicketType, { description: 'Adds to a ticket’s diagnostics; `diagnostics.missing` shrinks accordingly' })
  async addDiagnostics(
    @CurrentPrincipal() p: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('diagnostics', { description: 'the details to add', type: () => DiagnosticsInput }) diagnostics: DiagnosticsInput,
    @Args('expectedVersion', expectedVersionArg) expectedVersion: number | null,
    @Args('attachmentIds', attachmentIdsArg) attachmentIds: string[] | null,
  ) {
    const given = Object.fromEntries(Object.entries(diagnostics).filter(([, value]) => value !== null && value !== undefined));
    await this.commands.addDiagnostics(p, ticketId, given, expectedVersion, attachmentIds ?? []);
    return this.reload(ticketId);
  }

  // The accounts context's entities: by key in a subgraph, the owner's objects in the plain schema.
  @ResolveField(() => entityType('Account'), { description: 'the account it belongs to' })
  async account(@Parent() ticket: TicketType, @Loaders() loaders: LoaderFactory): Promise<object> {
    const account = await this.nodes.entity('Account', ticket.accountId, loaders);
    if (!account) throw notFound('Account');
    return account;
  }

  @ResolveField(() => entityType('StaffMember'), { description: 'the assigned staff member; null: unassigned', nullable: true })
  async assignee(@Parent() ticket: TicketType, @Loaders() loaders: LoaderFactory): Promise<object | null> {
    if (!ticket.assigneeId) return null;
    return this.nodes.entity('StaffMember', ticket.assigneeId, loaders);
  }

  @ResolveField('followUpOf', () => TicketType, { nullable: true, description: 'the resolved ticket this one follows up: a customer replied to it after the reopen window' })
  async followUpOfTicket(@Parent() ticket: TicketType, @Loaders() loaders: LoaderFactory): Promise<TicketType | null> {
    if (!ticket.followUpOf) return null;
    const row = await loaders<string, TicketRow>('ticketById', async (ids) => byKey(ids, await this.queries.ticketsByIds(ids), (t) => t.id)).load(ticket.followUpOf);
    return row && row.accountId === ticket.accountId ? toTicketType(row) : null;
  }

  @ResolveField(() => [TicketType], { description: 'tickets opened by customer replies to this one after its reopen window, oldest first' })
  async followUps(@Parent() ticket: TicketType): Promise<TicketType[]> {
    const rows = await this.queries.followUps(ticket.id);
    return rows.filter((row) => row.accountId === ticket.accountId).map(toTicketType);
  }

  @ResolveField(() => [AttachmentType], { description: 'files supplied with the ticket, oldest first; customers see the public ones' })
  attachments(@CurrentPrincipal() principal: Principal, @Parent() ticket: TicketType): AttachmentType[] {
    return ticket.attachmentRows.filter((attachment) => principal.role !== 'CUSTOMER' || attachment.visibility === 'PUBLIC');
  }

  @ResolveField(() => [ReplyType], { description: 'its replies, oldest first; customers never see INTERNAL ones' })
  async replies(
    @CurrentPrincipal() principal: Principal,
    @Parent() ticket: TicketType,
    @Loaders() loaders: LoaderFactory,
    @Args('visibility', { description: 'only replies of this visibility; leave out for all you may see', type: () => VisibilityEnum, nullable: true }) visibility: string | null,
  ): Promise<ReplyType[]> {
    const replies =
      ticket.repliesAsOf ??
      ((await loaders<string, ReplyRow[]>('repliesByTicket', async (ids) => {
        const all = await this.queries.replies(ids);
        return ids.map((id) => all.filter((reply) => reply.ticketId === id));
      }).load(ticket.id)) ?? []).map((reply) => ({ id: reply.id, author: { id: reply.authorId, role: reply.authorRole }, body: reply.body, visibility: reply.visibility, at: reply.at, incidentUpdateId: reply.incidentUpdateId }));
    // Customers never see internal notes, whatever they ask for.
    return replies
      .filter((reply) => (principal.role === 'CUSTOMER' ? reply.visibility === 'PUBLIC' : true))
      .filter((reply) => !visibility || reply.visibility === visibility);
  }
}

/** `tickets` and `Account.tickets`: filters, keyset pages, and a customer pinned to their own account. */
export function filterValues(filter: TicketFilterInput): TicketFilterValues {
  return {
    accountId: filter.accountId,
    status: filter.status,
    severity: filter.severity,
    assigneeId: filter.assigneeId,
    breached: filter.breached,
    dueBefore: filter.dueBefore,
    channel: filter.channel,
    openedAfter: filter.openedAfter,
    openedBefore: filter.openedBefore,
    updatedAfter: filter.updatedAfter,
    updatedBefore: filter.updatedBefore,
    errorCode: filter.errorCode,
    sdkName: filter.sdkName,
    sdkVersionRange: filter.sdkVersionRange,
    incidentId: filter.incidentId,
  };
}

export async function ticketConnection(
  queries: TicketsQueries,
  principal: Principal,
  filter: TicketFilterInput,
  orderBy: string,
  args: PageArgs,
): Promise<TicketConnectionType> {
  const window = pageWindow<[string, number, string, string, string]>(args, ['text', 'integer', 'instant-or-infinity', 'instant', 'text']);
  // A cursor belongs to one ordering; handed to another it would skip or repeat rows.
  for (const [argument, key] of [['after', window.after], ['before', window.before]] as const) {
    if (key && key[0] !== orderBy) throw badUserInput(`${argument} is a cursor of another ordering`, argument);
  }
  const values = filterValues(filter);

  if (principal.role === 'CUSTOMER') {
    if (values.accountId && values.accountId !== principal.accountId) {
      return { edges: [], pageInfo: connectionPageInfo([], { hasNextPage: false, hasPreviousPage: false }), totalCount: 0 };
    }
    values.accountId = principal.accountId;
  }
  const page = await queries.ticketsPage(values, orderBy as TicketOrder, mapWindow(window, ([, ...key]): PageKey => key));
  const edges = page.rows.map((row, index) => ({ cursor: encodeCursor([orderBy, ...page.keys[index]!]), node: toTicketType(row) }));
  return { edges, pageInfo: connectionPageInfo(edges, page), totalCount: page.totalCount };
}

@Resolver(() => entityType('Account'))
export class AccountTicketsResolver {
  constructor(@Inject(TicketsQueries) private readonly queries: TicketsQueries) {}

  @ResolveField(() => TicketConnectionType, { description: 'the account’s tickets, in the queue order asked' })
  async tickets(
    @CurrentPrincipal() principal: Principal,
    @Parent() account: { id: string },
    @Args('filter', { description: 'which tickets; leave out for all', type: () => TicketFilterInput, nullable: true }) filter: TicketFilterInput | null,
    @Args('orderBy', { description: 'the order; default SLA_DUE (the support queue)', type: () => TicketOrderEnum, nullable: true, defaultValue: 'SLA_DUE' }) orderBy: string,
    @Args('first', PAGE_ARGS.first) first: number,
    @Args('after', PAGE_ARGS.after) after: string | null,
    @Args('last', PAGE_ARGS.last) last: number | null,
    @Args('before', PAGE_ARGS.before) before: string | null,
    @Args('direction', PAGE_ARGS.direction) direction: SortDirection,
  ): Promise<TicketConnectionType> {
    return ticketConnection(this.queries, principal, { ...(filter ?? {}), accountId: account.id }, orderBy, { first, after, last, before, direction });
  }
}
