import { TICKET_EVENT_TYPES } from '#contracts';
import type { RecordedEvent, SqlClient } from '#event-store';
import type { Reactor } from '#projections';
import type { PlatformRuntime } from '#platform-kit';
import type { SlaStatements } from './sla-statements.js';

export const STATEMENT_REVISIONS_REACTOR = 'sla.statement-revisions';
const WAIT_MS = 30_000;

/**
 * After issue, every fact that can change a statement's figures (a ticket event, an SLA fact, a claim filed or
 * decided) makes SLA recompute the account's issued statements of the months that fact can change once the
 * report and claims read models include it, and record `SlaStatementRevised` where the figures differ. Event ids derive from the statement and the
 * cause, so a redelivery records nothing. Accounts without an issued statement cost one indexed lookup.
 */
export function statementRevisionsReactor(runtime: PlatformRuntime, db: SqlClient, statements: SlaStatements): Reactor {
  const anyIssued = async () => (await db.query<{ one: number }>('SELECT 1 AS one FROM sla.statements LIMIT 1')).length > 0;
  const revise = async (event: RecordedEvent) => {
    const signal = AbortSignal.timeout(WAIT_MS);
    for (const name of ['sla.reports', 'sla.claims', 'sla.statements']) {
      if (!(await runtime.reached(name, event.position, signal))) throw new Error(`${name} did not reach ${event.id} within ${WAIT_MS} ms`);
    }
    const data = event.data as { accountId?: string; ticketId?: string; claimId?: string };
    let accountId = data.accountId ?? null;
    // Every issued month of the account is recomputed: the read model holds the months a ticket counts in now,
    // and this event may have moved it out of one (which months it ever counted in depends on the log's history,
    // not on a row a rebuild must reproduce).
    let ticketId = data.ticketId ?? null;
    if (!ticketId && data.claimId) {
      [{ ticket_id: ticketId } = { ticket_id: null }] = await db.query<{ ticket_id: string | null }>('SELECT ticket_id FROM sla.claims WHERE id = $1', [data.claimId]);
    }
    if (ticketId && !accountId) {
      const [source] = await db.query<{ account_id: string | null }>('SELECT account_id FROM sla.report_sources WHERE ticket_id = $1', [ticketId]);
      accountId = source?.account_id ?? null;
    }
    if (!accountId) return;
    const issued = await db.query<{ month: string; time_zone: string }>(
      `SELECT s.month, a.time_zone FROM sla.statements s JOIN sla.accounts a ON a.id = s.account_id WHERE s.account_id = $1 ORDER BY s.month`,
      [accountId],
    );
    for (const { month, time_zone } of issued) await statements.revise(accountId, month, time_zone, { id: event.id, type: event.type });
  };
  return {
    name: STATEMENT_REVISIONS_REACTOR,
    eventTypes: [...TICKET_EVENT_TYPES, 'SlaPolicyPinned', 'SlaWarningReached', 'SlaClockBreached', 'BreachClaimFiled', 'BreachClaimDecided'],
    async react(event: RecordedEvent) {
      if (await anyIssued()) await revise(event);
    },
    /** Before any statement is issued (the common case during a burst) a batch costs one lookup, not one per event. */
    async reactBatch(events: readonly RecordedEvent[]) {
      if (!(await anyIssued())) return;
      for (const event of events) await revise(event);
    },
  };
}
