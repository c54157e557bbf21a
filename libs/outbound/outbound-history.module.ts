import { Module } from '@nestjs/common';
import { TicketHistoryDeliveriesResolver } from './graphql/ticket-history-deliveries.resolver.js';
import { OutboundModule } from './outbound.module.js';

/**
 * Outbound's part of audit's `TicketHistory` (`deliveryEvents`): a module of its own, imported by path, because
 * it loads audit's GraphQL (`#audit`). Only an app that runs audit loads it (apps/platform); the intake app,
 * which hosts outbound in the split deployment, does not, so its subgraph serves no audit type.
 */
@Module({ imports: [OutboundModule], providers: [TicketHistoryDeliveriesResolver] })
export class OutboundHistoryModule {}
