import { Module } from '@nestjs/common';
import { TriageCoreModule } from './triage-core.module.js';
import { TicketSearchResolver } from './graphql/ticket-search.resolver.js';
import { AccountTicketsResolver, TicketsResolver } from './graphql/tickets.resolver.js';
import { StaffTicketsResolver } from './graphql/staff-tickets.resolver.js';

/**
 * Triage: severity, disputes, routing, replies, escalation, resolution; the tickets read model. The core
 * (TriageCoreModule) and its GraphQL, which only apps/triage and apps/platform load.
 */
@Module({
  imports: [TriageCoreModule],
  providers: [TicketsResolver, TicketSearchResolver, AccountTicketsResolver, StaffTicketsResolver],
  exports: [TriageCoreModule],
})
export class TriageModule {}
