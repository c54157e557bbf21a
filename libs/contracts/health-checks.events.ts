import type { Actor } from '#event-store';
import type { Severity } from './support-terms.js';

// Events of the health-checks context. schemaVersion 1.
//   healthcheck-<id>   one proactive check-in's life: scheduled, reassigned, completed or missed
//   trafficpeak-<id>   a declared traffic peak
//   advisory-<id>      an SDK advisory
//   agendafeed-<tamId> the TAM's calendar-feed tokens (only their SHA-256 is recorded, never the token)

export type HealthCheckKind = 'PERIODIC' | 'PRE_HOLIDAY' | 'PRE_PEAK' | 'SDK_UPGRADE';

/** What caused an automatic check: at most one of these is set. */
export interface HealthCheckOrigin {
  previousCheckId?: string;
  peakId?: string;
  advisoryId?: string;
  /** The holiday period's first and last local dates. */
  holidayPeriod?: { from: string; to: string };
  /** The ticket whose diagnostics reported an affected SDK version. */
  ticketId?: string;
}

export interface HealthCheckScheduled {
  type: 'HealthCheckScheduled';
  data: {
    checkId: string;
    accountId: string;
    tamId: string | null;
    kind: HealthCheckKind;
    dueAt: string;
    recurrence: string | null;
    /** The first check of a recurring series: the RRULE's DTSTART (COUNT and INTERVAL count from it). */
    seriesStartAt: string | null;
    agenda: string;
    reason: string | null;
    origin: HealthCheckOrigin;
    scheduledBy: Actor;
    scheduledAt: string;
  };
}
export interface HealthCheckReassigned {
  type: 'HealthCheckReassigned';
  data: { checkId: string; accountId: string; fromTamId: string | null; toTamId: string; reason: string; reassignedBy: Actor; reassignedAt: string };
}
export interface FindingRecord {
  severity: Severity;
  summary: string;
  recommendation: string;
  /** The HEALTH_CHECK ticket opened for it, if asked. */
  ticketId: string | null;
}
export interface HealthCheckCompleted {
  type: 'HealthCheckCompleted';
  data: { checkId: string; accountId: string; summary: string; findings: FindingRecord[]; completedBy: Actor; completedAt: string };
}
export interface HealthCheckMissed {
  type: 'HealthCheckMissed';
  data: { checkId: string; accountId: string; tamId: string | null; dueAt: string; missedAt: string };
}
export interface HealthCheckCancelled {
  type: 'HealthCheckCancelled';
  /** `endsSeries`: a recurring check's series stops here; otherwise its next occurrence is scheduled. */
  data: { checkId: string; accountId: string; reason: string; endsSeries: boolean; cancelledBy: Actor; cancelledAt: string };
}
export type HealthCheckEvent = HealthCheckScheduled | HealthCheckReassigned | HealthCheckCompleted | HealthCheckMissed | HealthCheckCancelled;

export interface TrafficPeakDeclared {
  type: 'TrafficPeakDeclared';
  data: {
    peakId: string;
    accountId: string;
    name: string;
    startsAt: string;
    endsAt: string;
    expectedPeakUsers: number | null;
    /** The PRE_PEAK check scheduled for it (null: the contract has no proactive checks). */
    healthCheckId: string | null;
    declaredBy: Actor;
    declaredAt: string;
  };
}

export interface SdkAdvisoryPublished {
  type: 'SdkAdvisoryPublished';
  data: {
    advisoryId: string;
    sdkName: string;
    affectedVersions: string;
    fixedIn: string | null;
    severity: Severity;
    summary: string;
    /** Accounts whose tickets reported an affected version when it was published. */
    affectedAccountIds: string[];
    publishedBy: Actor;
    publishedAt: string;
  };
}

export interface AgendaFeedTokenIssued {
  type: 'AgendaFeedTokenIssued';
  data: { tamId: string; tokenId: string; tokenSha256: string; issuedBy: Actor; issuedAt: string };
}
export interface AgendaFeedTokenRevoked {
  type: 'AgendaFeedTokenRevoked';
  data: { tamId: string; tokenId: string; revokedBy: Actor; revokedAt: string };
}
export type AgendaFeedEvent = AgendaFeedTokenIssued | AgendaFeedTokenRevoked;

export const healthCheckStream = (checkId: string) => `healthcheck-${checkId}`;
export const trafficPeakStream = (peakId: string) => `trafficpeak-${peakId}`;
export const advisoryStream = (advisoryId: string) => `advisory-${advisoryId}`;
export const agendaFeedStream = (tamId: string) => `agendafeed-${tamId}`;
