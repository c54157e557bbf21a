import type { Actor } from '#event-store';
import type { Severity, SlaMetric } from './support-terms.js';

// Events of a breach claim's stream (`claim-<id>`). schemaVersion 1.

export interface MoneyAmount {
  amount: number;
  currency: string;
}

export interface BreachVerdictRecord {
  breached: boolean;
  severityApplied: Severity;
  contractVersion: number;
  calendarVersion: number;
  dueAt: string | null;
  stoppedAt: string | null;
  breachedAt: string | null;
  minutesLate: number;
  /** Ids of the recorded events the verdict rests on (ticket and SLA streams). */
  evidence: string[];
}

export interface BreachClaimFiled {
  type: 'BreachClaimFiled';
  data: {
    claimId: string;
    ticketId: string;
    accountId: string;
    metric: SlaMetric;
    cycle: number;
    statement: string;
    verdict: BreachVerdictRecord;
    proposedCredit: MoneyAmount;
    /** The breach's calendar month in the account's zone ("YYYY-MM"), which the monthly credit cap counts in. */
    creditMonth: string | null;
    filedBy: Actor;
    filedAt: string;
  };
}
export interface BreachClaimDecided {
  type: 'BreachClaimDecided';
  data: {
    claimId: string;
    accountId: string;
    decision: 'APPROVE' | 'REJECT';
    reason: string;
    credit: MoneyAmount | null;
    creditMonth: string | null;
    decidedBy: Actor;
    decidedAt: string;
  };
}
export type ClaimEvent = BreachClaimFiled | BreachClaimDecided;

export const claimStream = (claimId: string) => `claim-${claimId}`;
