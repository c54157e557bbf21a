import { Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { badUserInput } from '#contracts';
import type { SqlClient } from '#event-store';
import { AuthenticatedDownload, CLOCK, Credentials, DownloadController, PlatformRuntime, READ_DB, type Clock, type DownloadResponse } from '#platform-kit';
import { SlaStatements } from '../application/sla-statements.js';
import { exportStatementBundle } from '../application/statement-bundle.js';
import { statementCsv, statementHtml, statementPdf, type RenderedStatement } from '../application/statement-render.js';

const FORMATS = ['html', 'csv', 'pdf', 'json'] as const;

/**
 * `GET /reports/statements/:accountId/:month[?format=html|csv|pdf|json]`: the monthly statement to read, print or
 * check — same access as `slaStatement` (bearer token; a customer only their own account, else 404). JSON is the
 * statement's evidence bundle, which `ledgerdesk verify` checks offline.
 */
@DownloadController('reports/statements')
export class StatementDownloadController {
  constructor(
    @Inject(Credentials) private readonly credentials: Credentials,
    @Inject(SlaStatements) private readonly statements: SlaStatements,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(READ_DB) private readonly db: SqlClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @AuthenticatedDownload(':accountId/:month')
  async download(
    @Param('accountId') accountId: string,
    @Param('month') month: string,
    @Query('format') format: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res() response: DownloadResponse,
  ): Promise<void> {
    const principal = await this.credentials.fromAuthorization(authorization);
    const kind = (format ?? 'html').toLowerCase() as (typeof FORMATS)[number];
    if (!FORMATS.includes(kind)) throw badUserInput(`format must be one of ${FORMATS.join(', ')}`, 'format');
    const { account } = await this.statements.access(principal, accountId, month);
    const issued = await this.statements.issued(accountId, month);
    const figures = issued?.figures ?? (await this.statements.figures(accountId, month, account.timeZone));
    const statement: RenderedStatement = {
      accountId, accountName: null, month, timeZone: account.timeZone, status: issued ? 'ISSUED' : 'DRAFT', issuedAt: issued?.issuedAt ?? null,
      revisions: issued?.revisions.length ?? 0, figures,
    };
    const name = `sla-statement-${accountId}-${month}`;
    response.setHeader('cache-control', 'private, no-store');
    if (kind === 'html') {
      response.setHeader('content-type', 'text/html; charset=utf-8').setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      response.send(statementHtml(statement));
    } else if (kind === 'csv') {
      response.setHeader('content-type', 'text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      response.send(statementCsv(statement));
    } else if (kind === 'pdf') {
      response.setHeader('content-type', 'application/pdf').setHeader('content-disposition', `inline; filename="${name}.pdf"`);
      response.send(await statementPdf(statement));
    } else {
      const tickets = await this.db.query<{ ticket_id: string }>(
        `SELECT ticket_id FROM sla.report_clocks WHERE account_id = $1 AND due_month = $2
         UNION SELECT ticket_id FROM sla.report_tickets WHERE account_id = $1 AND resolved_month = $2 ORDER BY ticket_id`,
        [accountId, month],
      );
      const ticketIds = tickets.map((t) => t.ticket_id);
      const claims = await this.db.query<{ id: string }>('SELECT id FROM sla.claims WHERE ticket_id = ANY($1) ORDER BY id', [ticketIds]);
      const bundle = await exportStatementBundle(this.runtime.store, {
        accountId, month, status: statement.status, figures, ticketIds, claimIds: claims.map((c) => c.id), asOf: this.clock.now(), forCustomer: principal.role === 'CUSTOMER',
      });
      response.setHeader('content-disposition', `attachment; filename="${name}.evidence.json"`).json(bundle);
    }
  }
}
