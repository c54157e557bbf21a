import { Inject } from '@nestjs/common';
import { Args, Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound, ticketStream, type TicketEvent } from '#contracts';
import { AuditEventType, CLOCK, CurrentPrincipal, DateTimeScalar, PlatformRuntime, toAuditEvent, type Clock, type Principal } from '#platform-kit';
import { applyTicketEvent, TicketType, toTicketType, type TicketView } from '#triage';
import { redactedForCustomer } from '../application/evidence-bundle.js';
import { policyOf, slaStatus, SlaStatusType, toSlaStatusType } from '#sla';
import { slaStream, type SlaPolicyPinned } from '#contracts';

@ObjectType('TicketHistory', { description: 'A ticket’s record and state as they stood at one instant' })
export class TicketHistoryType {
  @Field(() => ID, { description: 'the ticket' }) ticketId!: string;
  @Field(() => DateTimeScalar, { description: 'the instant it is shown at' }) asOf!: Date;
  @Field(() => [AuditEventType], { description: 'every event recorded up to asOf, oldest first' }) events!: AuditEventType[];
  @Field(() => TicketType, { description: 'the ticket as it stood at asOf (its `sla` too)' }) ticket!: TicketType;
  @Field(() => SlaStatusType, { description: 'its SLA as it stood at asOf (the pure engine over the record up to then)' }) sla!: SlaStatusType;
}

@Resolver(() => TicketHistoryType)
export class TicketHistoryResolver {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => TicketHistoryType, { description: 'Auditors: the ticket’s record and state as they stood at asOf (default: now)' })
  async ticketHistory(
    @CurrentPrincipal() principal: Principal,
    @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string,
    @Args('asOf', { description: 'the instant, not in the future; default: now', type: () => DateTimeScalar, nullable: true }) asOf: Date | null,
  ): Promise<TicketHistoryType> {
    const now = this.clock.now();
    const at = asOf ?? now;
    if (at > now) throw badUserInput('asOf must not be in the future', 'asOf');
    // The two streams are read together; the policy is pinned once, as the SLA stream's first event.
    const [all, slaHead] = await Promise.all([
      this.runtime.store.readStream(ticketStream(ticketId)),
      this.runtime.store.readStream(slaStream(ticketId), { maxCount: 1 }),
    ]);
    const accountId = (all[0]?.data as { accountId?: string } | undefined)?.accountId;
    if (!accountId || (principal.role === 'CUSTOMER' && principal.accountId !== accountId)) throw notFound('Ticket');
    const recorded = all.filter((event) => Date.parse(event.recordedAt) <= at.getTime());
    const view = foldWithReplies(recorded);
    if (!view) throw notFound('Ticket at that time');
    const { replies, ...row } = view;
    const customer = principal.role === 'CUSTOMER';
    const pinned = (slaHead[0]?.type === 'SlaPolicyPinned' ? slaHead : await this.runtime.store.readStream(slaStream(ticketId))).find(
      (e) => e.type === 'SlaPolicyPinned',
    ) as unknown as SlaPolicyPinned | undefined;
    if (!pinned) throw notFound('The ticket’s SLA policy');
    const sla = toSlaStatusType(slaStatus(recorded as unknown as TicketEvent[], policyOf(pinned), at));
    return {
      sla,
      ticketId,
      asOf: at,
      events: recorded.map((event) => toAuditEvent(customer ? redactedForCustomer(event) : event)),
      ticket: {
        ...toTicketType(row),
        repliesAsOf: replies.map((reply) => ({ id: reply.id, author: { id: reply.authorId, role: reply.authorRole }, body: reply.body, visibility: reply.visibility, at: reply.at, incidentUpdateId: reply.incidentUpdateId ?? null })),
        asOf: at,
      },
    };
  }
}

/**
 * foldTicketView in one pass: each event is applied to the view without its replies and the new reply is
 * appended to one list, instead of copying the replies at every reply (quadratic on a long conversation).
 */
function foldWithReplies(events: readonly { type: string; data: unknown; revision: number }[]): TicketView | null {
  let view: TicketView | null = null;
  const replies: TicketView['replies'] = [];
  for (const event of events) {
    const next = applyTicketEvent(view && { ...view, replies: [] }, event as unknown as TicketEvent, event.revision);
    if (event.type === 'TicketOpened') replies.length = 0;
    if (next && event.type === 'ReplyAdded') replies.push(next.replies.at(-1)!);
    view = next;
  }
  return view && { ...view, replies };
}
