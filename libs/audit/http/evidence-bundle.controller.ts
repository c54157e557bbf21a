import { Header, Headers, Inject, Param, Res } from '@nestjs/common';
import { notFound, ticketStream } from '#contracts';
import type { SqlClient } from '#event-store';
import { AuthenticatedDownload, CLOCK, PlatformRuntime, DownloadController, READ_DB, Credentials, type Clock, type DownloadResponse } from '#platform-kit';
import { exportEvidenceBundle } from '../application/evidence-bundle.js';
import { deliveryIdsOfTicket, incidentIdsOfTicket } from '../application/verify-ticket-history.js';

/** `GET /audit/tickets/:id/export`: the evidence bundle, same access as the ticket (customers: own, redacted). */
@DownloadController('audit/tickets')
export class EvidenceBundleController {
  constructor(
    @Inject(Credentials) private readonly credentials: Credentials,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(READ_DB) private readonly db: SqlClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @AuthenticatedDownload(':id/export')
  @Header('cache-control', 'private, no-store')
  async export(@Param('id') ticketId: string, @Headers('authorization') authorization: string | undefined, @Res() response: DownloadResponse): Promise<void> {
    const principal = await this.credentials.fromAuthorization(authorization);
    const [opened] = await this.runtime.store.readStream(ticketStream(ticketId), { maxCount: 1 });
    const accountId = (opened?.data as { accountId?: string } | undefined)?.accountId;
    if (!opened || (principal.role === 'CUSTOMER' && principal.accountId !== accountId)) throw notFound('Ticket');
    const claims = await this.db.query<{ id: string }>('SELECT claim_id AS id FROM audit.ticket_claims WHERE ticket_id = $1 ORDER BY filed_at, claim_id', [ticketId]).catch(() => []);
    const deliveries = await deliveryIdsOfTicket(this.db, ticketId, principal.role === 'CUSTOMER' ? (principal.accountId ?? '') : null);
    const bundle = await exportEvidenceBundle(this.runtime.store, ticketId, claims.map((c) => c.id), this.clock.now(), principal.role === 'CUSTOMER', deliveries, await incidentIdsOfTicket(this.db, ticketId));
    if (!bundle) throw notFound('Ticket');
    response.setHeader('content-disposition', `attachment; filename="ticket-${ticketId}.evidence.json"`).json(bundle);
  }
}
