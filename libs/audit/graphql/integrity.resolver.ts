import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { notFound, ticketStream } from '#contracts';
import type { SqlClient } from '#event-store';
import { CurrentPrincipal, PlatformRuntime, READ_DB, type Principal } from '#platform-kit';
import { deliveryIdsOfTicket, incidentIdsOfTicket, verifyTicketHistory } from '../application/verify-ticket-history.js';
import { IntegrityReportType } from './integrity.types.js';

@Resolver(() => IntegrityReportType)
export class IntegrityResolver {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(READ_DB) private readonly db: SqlClient,
  ) {}

  @Query(() => IntegrityReportType, { description: 'Recomputes the ticket’s hash chains (ticket, SLA, claim, delivery and linked platform incident streams) and names the first break' })
  async verifyTicketHistory(@CurrentPrincipal() principal: Principal, @Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string): Promise<IntegrityReportType> {
    const [opened] = await this.runtime.store.readStream(ticketStream(ticketId), { maxCount: 1 });
    const accountId = (opened?.data as { accountId?: string } | undefined)?.accountId;
    if (!opened || (principal.role === 'CUSTOMER' && accountId !== principal.accountId)) throw notFound('Ticket');
    const claims = await this.db.query<{ id: string }>('SELECT claim_id AS id FROM audit.ticket_claims WHERE ticket_id = $1 ORDER BY filed_at, claim_id', [ticketId]).catch(() => []);
    const deliveries = await deliveryIdsOfTicket(this.db, ticketId, principal.role === 'CUSTOMER' ? (principal.accountId ?? '') : null);
    const incidents = await incidentIdsOfTicket(this.db, ticketId);
    const report = await verifyTicketHistory(this.runtime.store, ticketId, claims.map((row) => row.id), deliveries, incidents);
    if (!report) throw notFound('Ticket');
    return report;
  }
}
