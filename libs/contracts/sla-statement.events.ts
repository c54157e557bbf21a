import type { Actor } from '#event-store';
import type { MoneyAmount } from './claims.events.js';
import type { Severity, SlaMetric } from './support-terms.js';

// Events of a monthly SLA statement's stream (`sla-statement-<accountId>-<YYYY-MM>`). schemaVersion 1.

/** One aggregated row of a statement (the shape slaReport answers), JSON-safe. */
export interface StatementRow {
  severity: Severity | null;
  met: number;
  missed: number;
  attainmentPercent: number | null;
  promisedMinutes: { mean: number | null; p50: number | null; p90: number | null };
  actualMinutes: { mean: number | null; p50: number | null; p90: number | null };
  resolvedTickets: number;
  meanMinutesToResolve: number | null;
  medianMinutesToResolve: number | null;
  reopenRatePercent: number | null;
  firstContactResolutionPercent: number | null;
}

export interface StatementBreachRecord {
  ticketId: string;
  metric: SlaMetric;
  cycle: number;
  severity: Severity;
  state: string;
  dueAt: string;
  minutesLate: number;
  claimId: string | null;
  claimStatus: 'PENDING' | 'APPROVED' | 'REJECTED' | null;
  proposedCredit: MoneyAmount | null;
  credit: MoneyAmount | null;
}

/** Everything a statement states about its month. */
export interface StatementFigures {
  totals: StatementRow;
  bySeverity: StatementRow[];
  breaches: StatementBreachRecord[];
  proposedCredits: MoneyAmount;
  approvedCredits: MoneyAmount;
  creditCap: MoneyAmount;
  contractVersions: number[];
}

/** One figure that changed: its path in the figures (arrays keyed by severity or by ticket/metric/cycle), before and after. */
export interface StatementChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface SlaStatementIssued {
  type: 'SlaStatementIssued';
  data: { accountId: string; month: string; figures: StatementFigures; issuedBy: Actor; issuedAt: string };
}
/** A fact recorded after issue changed the figures (a dispute decided, a claim approved, a late reply...). */
export interface SlaStatementRevised {
  type: 'SlaStatementRevised';
  data: {
    accountId: string;
    month: string;
    revision: number;
    changes: StatementChange[];
    figures: StatementFigures;
    /** The id of the recorded event after which the figures were recomputed. */
    causeEventId: string;
    causeEventType: string;
    revisedAt: string;
  };
}
export type SlaStatementEvent = SlaStatementIssued | SlaStatementRevised;

export const statementStream = (accountId: string, month: string) => `sla-statement-${accountId}-${month}`;
