import { Controller, Get, Headers, HttpException, Inject, Param, Res } from '@nestjs/common';
import { AppError, ticketStream } from '#contracts';
import type { SqlClient } from '#event-store';
import { CLOCK, PlatformRuntime, Public, READ_DB, TokenService, type Clock } from '#platform-kit';
import { exportEvidenceBundle } from '../application/evidence-bundle.js';

/** The little of express's response this needs. */
interface Response {
  status(code: number): Response;
  setHeader(name: string, value: string): Response;
  json(body: unknown): void;
}

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 422, CONFLICT: 409 };

/** `GET /audit/tickets/:id/export`: the evidence bundle, same access as the ticket (customers: own, redacted). */
@Controller('audit/tickets')
export class EvidenceBundleController {
  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(READ_DB) private readonly db: SqlClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // Authenticated here (a bearer token like GraphQL's): the GraphQL guard's context does not exist for REST.
  @Public()
  @Get(':id/export')
  async export(@Param('id') ticketId: string, @Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    try {
      const principal = await this.tokens.fromAuthorization(authorization);
      const [opened] = await this.runtime.store.readStream(ticketStream(ticketId), { maxCount: 1 });
      const accountId = (opened?.data as { accountId?: string } | undefined)?.accountId;
      if (!opened || (principal.role === 'CUSTOMER' && principal.accountId !== accountId)) throw new AppError('NOT_FOUND', 'Ticket not found');
      const claims = await this.db.query<{ id: string }>('SELECT id FROM sla.claims WHERE ticket_id = $1 ORDER BY filed_at', [ticketId]).catch(() => []);
      const bundle = await exportEvidenceBundle(this.runtime.store, ticketId, claims.map((c) => c.id), this.clock.now(), principal.role === 'CUSTOMER');
      if (!bundle) throw new AppError('NOT_FOUND', 'Ticket not found');
      response
        .status(200)
        .setHeader('content-disposition', `attachment; filename="ticket-${ticketId}.evidence.json"`)
        .json(bundle);
    } catch (error) {
      if (error instanceof AppError) {
        response.status(STATUS[error.code] ?? 400).json({ code: error.code, message: error.message });
        return;
      }
      throw new HttpException({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' }, 500);
    }
  }
}
