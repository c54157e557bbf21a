import { Controller, Get, Header, Headers, Inject, Param, Res, UseFilters } from '@nestjs/common';
import { notFound, ticketStream } from '#contracts';
import type { SqlClient } from '#event-store';
import { CLOCK, PlatformRuntime, Public, READ_DB, RestExceptionFilter, Credentials, type Clock } from '#platform-kit';
import { exportEvidenceBundle } from '../application/evidence-bundle.js';

/** The little of express's response this needs. */
interface Response {
  setHeader(name: string, value: string): Response;
  json(body: unknown): void;
}

/** `GET /audit/tickets/:id/export`: the evidence bundle, same access as the ticket (customers: own, redacted). */
@Controller('audit/tickets')
@UseFilters(RestExceptionFilter)
export class EvidenceBundleController {
  constructor(
    @Inject(Credentials) private readonly credentials: Credentials,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(READ_DB) private readonly db: SqlClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // Authenticated here (a bearer token like GraphQL's): the GraphQL guard's context does not exist for REST.
  @Public()
  @Get(':id/export')
  @Header('cache-control', 'private, no-store')
  async export(@Param('id') ticketId: string, @Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    const principal = await this.credentials.fromAuthorization(authorization);
    const [opened] = await this.runtime.store.readStream(ticketStream(ticketId), { maxCount: 1 });
    const accountId = (opened?.data as { accountId?: string } | undefined)?.accountId;
    if (!opened || (principal.role === 'CUSTOMER' && principal.accountId !== accountId)) throw notFound('Ticket');
    const claims = await this.db.query<{ id: string }>('SELECT id FROM sla.claims WHERE ticket_id = $1 ORDER BY filed_at', [ticketId]).catch(() => []);
    const incidents = await this.db.query<{ incident_id: string }>('SELECT incident_id FROM incidents.ever_linked WHERE ticket_id = $1 ORDER BY incident_id', [ticketId]).catch(() => []);
    const bundle = await exportEvidenceBundle(this.runtime.store, ticketId, claims.map((c) => c.id), this.clock.now(), principal.role === 'CUSTOMER', incidents.map((row) => row.incident_id));
    if (!bundle) throw notFound('Ticket');
    response.setHeader('content-disposition', `attachment; filename="ticket-${ticketId}.evidence.json"`).json(bundle);
  }
}
