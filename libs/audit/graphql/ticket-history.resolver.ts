import { Inject } from '@nestjs/common';
import { Args, Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound, ticketStream, type TicketEvent } from '#contracts';
import { AuditEventType, CLOCK, CurrentPrincipal, DateTimeScalar, PlatformRuntime, toAuditEvent, type Clock, type Principal } from '#platform-kit';
import { foldTicketView, TicketType, toTicketType } from '#triage';
import { redactedForCustomer } from '../application/evidence-bundle.js';
import { policyOf, slaStatus, SlaStatusType, toSlaStatusType } from '#sla';
import { slaStream, type SlaPolicyPinned } from '#contracts';

@ObjectType('TicketHistory')
export class TicketHistoryType {
  @Field(() => ID) ticketId!: string;
  @Field(() => DateTimeScalar) asOf!: Date;
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
    @Args('ticketId', { type: () => ID }) ticketId: string,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: Date | null,
  ): Promise<TicketHistoryType> {
    const now = this.clock.now();
    const at = asOf ?? now;
    if (at > now) throw badUserInput('asOf must not be in the future', 'asOf');
    const all = await this.runtime.store.readStream(ticketStream(ticketId));
    const accountId = (all[0]?.data as { accountId?: string } | undefined)?.accountId;
    if (!accountId || (principal.role === 'CUSTOMER' && principal.accountId !== accountId)) throw notFound('Ticket');
    const recorded = all.filter((event) => Date.parse(event.recordedAt) <= at.getTime());
    const view = foldTicketView(recorded);
    if (!view) throw notFound('Ticket at that time');
    const { replies, ...row } = view;
    const customer = principal.role === 'CUSTOMER';
    const pinned = (await this.runtime.store.readStream(slaStream(ticketId))).find((e) => e.type === 'SlaPolicyPinned') as unknown as SlaPolicyPinned | undefined;
    if (!pinned) throw notFound('The ticket’s SLA policy');
    const sla = toSlaStatusType(slaStatus(recorded as unknown as TicketEvent[], policyOf(pinned), at));
    return {
      sla,
      ticketId,
      asOf: at,
      events: recorded.map((event) => toAuditEvent(customer ? redactedForCustomer(event) : event)),
      ticket: {
        ...toTicketType(row),
        repliesAsOf: replies.map((reply) => ({ id: reply.id, author: { id: reply.authorId, role: reply.authorRole }, body: reply.body, visibility: reply.visibility, at: reply.at })),
        asOf: at,
      },
    };
  }
}
