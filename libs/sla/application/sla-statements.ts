import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { DateTime } from 'luxon';
import {
  AppError,
  badUserInput,
  conflict,
  forbidden,
  notFound,
  statementStream,
  type Principal,
  type StatementFigures,
  type StatementRow,
} from '#contracts';
import type { SqlClient } from '#event-store';
import { ProjectionWaitTimeout } from '#projections';
import { CLOCK, executeCommand, PlatformRuntime, READ_DB, type Clock } from '#platform-kit';
import { slaStatementDecider } from '../domain/sla-statement.decider.js';
import { SlaReportQueries, type SlaReportRow } from './sla-report.queries.js';
import { BreachClaimCommands } from './sla.commands.js';
import { SlaQueries } from './sla.queries.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const STATEMENT_NAMESPACE = '8b1c4e2a-7d3f-4a6b-9c5e-0f1a2b3c4d5e';
const cents = (amount: number) => Math.round(amount * 100) / 100;

export interface IssuedStatement {
  issuedAt: Date;
  issuedBy: { id: string; role: string };
  figures: StatementFigures;
  revisions: { revision: number; revisedAt: string; causeEventId: string; causeEventType: string; changes: { path: string; before: unknown; after: unknown }[] }[];
}

/** The calendar month `month` (YYYY-MM) in `zone`: its first instant and the first instant after it. */
export function monthBounds(month: string, zone: string): { start: DateTime; end: DateTime } {
  if (!MONTH.test(month)) throw badUserInput('month must be YYYY-MM', 'month');
  const start = DateTime.fromISO(`${month}-01`, { zone });
  return { start, end: start.plus({ months: 1 }) };
}

const rowOf = (row: SlaReportRow): StatementRow => ({
  severity: row.severity,
  met: row.met,
  missed: row.missed,
  attainmentPercent: row.attainmentPercent,
  promisedMinutes: { ...row.promisedMinutes },
  actualMinutes: { ...row.actualMinutes },
  resolvedTickets: row.resolvedTickets,
  meanMinutesToResolve: row.meanMinutesToResolve,
  medianMinutesToResolve: row.medianMinutesToResolve,
  reopenRatePercent: row.reopenRatePercent,
  firstContactResolutionPercent: row.firstContactResolutionPercent,
});

/** Monthly statements: their figures from the report read model, issuing, revisions, claims for every breach. */
@Injectable()
export class SlaStatements {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_DB) private readonly db: SqlClient,
    @Inject(SlaReportQueries) private readonly reports: SlaReportQueries,
    @Inject(SlaQueries) private readonly sla: SlaQueries,
    @Inject(BreachClaimCommands) private readonly claims: BreachClaimCommands,
  ) {}

  /** The account (NOT_FOUND for a customer of another account) and the month's bounds in its zone. */
  async access(principal: Principal, accountId: string, month: string) {
    if (!MONTH.test(month)) throw badUserInput('month must be YYYY-MM', 'month');
    const account = await this.sla.account(accountId);
    if (!account || (principal.role === 'CUSTOMER' && principal.accountId !== accountId)) throw notFound('Account');
    return { account, ...monthBounds(month, account.timeZone) };
  }

  /** The month's figures as the log stands (read model), in the currency of the contract in force at month end. */
  async figures(accountId: string, month: string, zone: string): Promise<StatementFigures> {
    const { start, end } = monthBounds(month, zone);
    const range = { from: start.toISODate()!, to: end.minus({ days: 1 }).toISODate()! };
    const filter = { accountIds: [accountId], ...range, severities: null, channels: null, metrics: null };
    const [[totals], bySeverity, breaches, contracts] = await Promise.all([
      this.reports.report(filter, []),
      this.reports.report(filter, ['SEVERITY']),
      this.reports.breaches(accountId, month),
      this.reports.contractsInForce(accountId, start.toJSDate(), end.toJSDate()),
    ]);
    const terms = contracts.at(-1);
    const currency = terms?.currency ?? 'USD';
    const sum = (pick: (b: (typeof breaches)[number]) => { amount: number; currency: string } | null) =>
      cents(breaches.reduce((total, b) => total + (pick(b)?.currency === currency ? pick(b)!.amount : 0), 0));
    return {
      totals: rowOf(totals!),
      bySeverity: bySeverity.map(rowOf),
      breaches: breaches.map((b) => ({ ...b, dueAt: b.dueAt.toISOString(), proposedCredit: b.proposedCredit ?? null, credit: b.credit ?? null })),
      proposedCredits: { amount: sum((b) => b.proposedCredit), currency },
      approvedCredits: { amount: sum((b) => (b.claimStatus === 'APPROVED' ? b.credit : null)), currency },
      creditCap: { amount: terms ? cents((terms.monthlyFee * terms.creditCapPercent) / 100) : 0, currency },
      contractVersions: contracts.map((c) => c.version),
    };
  }

  async issued(accountId: string, month: string): Promise<IssuedStatement | null> {
    const [row] = await this.db.query<{ issued_at: string; issued_by: IssuedStatement['issuedBy']; figures: StatementFigures; revisions: IssuedStatement['revisions'] }>(
      'SELECT issued_at, issued_by, figures, revisions FROM sla.statements WHERE account_id = $1 AND month = $2',
      [accountId, month],
    );
    return row ? { issuedAt: new Date(row.issued_at), issuedBy: row.issued_by, figures: row.figures, revisions: row.revisions } : null;
  }

  /** ADMIN or the account's TAM, once the month has ended in the account's zone; a second time is CONFLICT. */
  /**
   * A statement's figures and its claims are the log's as of now, read from the read models: they must include
   * everything recorded so far. Past the read-your-writes bound nothing is recorded and the caller may retry.
   */
  private async readModelsUpToNow(): Promise<void> {
    try {
      await this.runtime.settleAll();
    } catch (error) {
      if (error instanceof ProjectionWaitTimeout) throw conflict('The SLA read models are still catching up with the log; nothing was recorded, try again in a moment');
      throw error;
    }
  }

  async issue(principal: Principal, accountId: string, month: string): Promise<void> {
    const { account, end } = await this.access(principal, accountId, month);
    if (!(principal.role === 'ADMIN' || (principal.role === 'TAM' && account.tamId === principal.id))) {
      throw forbidden('Only an ADMIN or the account’s TAM can issue its statement');
    }
    const now = this.clock.now();
    // The read models include everything recorded so far, so the figures are the log's as of now.
    await this.readModelsUpToNow();
    const figures = await this.figures(accountId, month, account.timeZone);
    const actor = { id: principal.id, role: principal.role };
    const result = await executeCommand(
      this.runtime.store,
      statementStream(accountId, month),
      slaStatementDecider,
      { type: 'IssueSlaStatement', accountId, month, figures, monthEnded: now >= end.toJSDate(), actor, now },
      { actor, now, eventIds: () => uuidv5(`issue:${accountId}:${month}`, STATEMENT_NAMESPACE) },
    );
    if (result.appended?.alreadyRecorded) throw new AppError('CONFLICT', `The statement for ${month} was already issued`);
    await this.runtime.settled(result);
  }

  /**
   * Recomputes an issued statement after `cause` and records a revision when the figures differ (the decider
   * compares with the last recorded figures). The event id derives from the statement and the cause, so a
   * redelivered cause records nothing.
   */
  async revise(accountId: string, month: string, zone: string, cause: { id: string; type: string }): Promise<void> {
    const figures = await this.figures(accountId, month, zone);
    const now = this.clock.now();
    const actor = { id: 'sla-statements', role: 'ADMIN' as const };
    await executeCommand(
      this.runtime.store,
      statementStream(accountId, month),
      slaStatementDecider,
      { type: 'ReviseSlaStatement', figures, causeEventId: cause.id, causeEventType: cause.type, now },
      { actor, now, eventIds: () => uuidv5(`revise:${accountId}:${month}:${cause.id}`, STATEMENT_NAMESPACE) },
    );
  }

  /**
   * Files a breach claim for every missed clock of the month that has none, each judged as fileBreachClaim
   * judges one. The account's CUSTOMER or its TAM. Returns the ids of the claims filed now.
   */
  async fileClaims(principal: Principal, accountId: string, month: string, statement: string | null): Promise<string[]> {
    const { account } = await this.access(principal, accountId, month);
    if (!(principal.role === 'CUSTOMER' || (principal.role === 'TAM' && account.tamId === principal.id))) {
      throw forbidden('Only the account’s customer or its TAM can file the claims of a statement');
    }
    const text = statement?.trim() || `Filed with the SLA statement for ${month}`;
    await this.readModelsUpToNow();
    const unclaimed = (await this.reports.breaches(accountId, month)).filter((b) => b.claimId === null);
    const filed: string[] = [];
    for (const breach of unclaimed) {
      try {
        filed.push(await this.claims.file(principal, { ticketId: breach.ticketId, metric: breach.metric, cycle: breach.cycle, statement: text }));
      } catch (error) {
        // Filed meanwhile by someone else: the repeat files none more.
        if (error instanceof AppError && error.code === 'CONFLICT') continue;
        throw error;
      }
    }
    return filed;
  }
}
