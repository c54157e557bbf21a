import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { outboundStreams } from '#contracts';
import { comparePositions } from '#event-store';
import { TicketHistoryType } from '#audit';
import { AuditEventType, CurrentPrincipal, PlatformRuntime, toAuditEvent, type Principal } from '#platform-kit';
import { OutboundQueries } from '../application/outbound.queries.js';

/**
 * What was sent out about the ticket, as part of its history: the delivery streams' events recorded up to
 * `asOf`, with their hashes. A customer sees only deliveries to hooks scoped to their own account (those never
 * carry internal notes); staff see all.
 */
@Resolver(() => TicketHistoryType)
export class TicketHistoryDeliveriesResolver {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(OutboundQueries) private readonly queries: OutboundQueries,
  ) {}

  @ResolveField(() => [AuditEventType], { description: "the ticket's webhook deliveries as recorded up to asOf (streams delivery-<id>), oldest first" })
  async deliveryEvents(@Parent() history: TicketHistoryType, @CurrentPrincipal() principal: Principal): Promise<AuditEventType[]> {
    let deliveries = await this.queries.deliveriesOfTicket(history.ticketId);
    if (principal.role === 'CUSTOMER') {
      const scoped = new Set((await this.queries.webhooks()).filter((hook) => hook.accountId !== null && hook.accountId === principal.accountId).map((hook) => hook.id));
      deliveries = deliveries.filter((delivery) => scoped.has(delivery.webhookId));
    }
    const asOf = history.asOf.getTime();
    const streams = await Promise.all(deliveries.map((delivery) => this.runtime.store.readStream(outboundStreams.delivery(delivery.id))));
    return streams
      .flat()
      .filter((event) => Date.parse(event.recordedAt) <= asOf)
      .sort((a, b) => comparePositions(a.position, b.position))
      .map(toAuditEvent);
  }
}
