import type { CalendarDefinition, WeeklyPeriod } from '#calendar';
import type { Actor } from '#event-store';
import type { Channel, Coverage, Severity, SlaMetric } from './support-terms.js';

// Events of the accounts context (schemaVersion 1). Other contexts read them from the log: triage routes by
// staff and TAM, the SLA engine pins contract and calendar versions.

export interface CalendarDefined {
  type: 'CalendarDefined';
  data: { calendarId: string; name: string; definition: CalendarDefinition; definedBy: Actor; definedAt: string };
}
export interface CalendarAmended {
  type: 'CalendarAmended';
  data: {
    calendarId: string;
    version: number;
    addHolidays: string[];
    removeHolidays: string[];
    addWorkingDays: string[];
    removeWorkingDays: string[];
    /** The definition as it stands from this version on (so a pinned version is read without replaying). */
    definition: CalendarDefinition;
    amendedBy: Actor;
    amendedAt: string;
  };
}
export type CalendarEvent = CalendarDefined | CalendarAmended;

export interface ImChannelRef {
  workspaceId: string;
  channelId: string;
}
export interface AccountRegistered {
  type: 'AccountRegistered';
  data: {
    accountId: string;
    name: string;
    region: string;
    timeZone: string;
    emailDomains: string[];
    imChannels: ImChannelRef[];
    registeredBy: Actor;
    registeredAt: string;
  };
}
export interface TamAssigned {
  type: 'TamAssigned';
  data: { accountId: string; tamId: string; previousTamId: string | null; assignedBy: Actor; assignedAt: string };
}
export interface AccountHandedOver {
  type: 'AccountHandedOver';
  data: { accountId: string; fromTamId: string; toTamId: string; notes: string; handedOverBy: Actor; handedOverAt: string };
}
/** The account's e-mail domains and IM channels from now on (whole sets), with what they were: the history is these events. */
export interface AccountChannelsChanged {
  type: 'AccountChannelsChanged';
  data: {
    accountId: string;
    emailDomains: string[];
    imChannels: ImChannelRef[];
    previousEmailDomains: string[];
    previousImChannels: ImChannelRef[];
    changedBy: Actor;
    changedAt: string;
  };
}
export type AccountEvent = AccountRegistered | TamAssigned | AccountHandedOver | AccountChannelsChanged;

export interface StaffRegistered {
  type: 'StaffRegistered';
  data: {
    staffId: string;
    name: string;
    role: 'ENGINEER' | 'TAM';
    regions: string[];
    skills: string[];
    calendarId: string | null;
    registeredBy: Actor;
    registeredAt: string;
  };
}
/** Their regions, skills and shift calendar as they are from now on (the whole set, not a difference). */
export interface StaffUpdated {
  type: 'StaffUpdated';
  data: { staffId: string; regions: string[]; skills: string[]; calendarId: string | null; updatedBy: Actor; updatedAt: string };
}
/** They leave: routing stops at once, manual assignment is refused, their tokens issued until now are revoked. */
export interface StaffDeactivated {
  type: 'StaffDeactivated';
  data: { staffId: string; reason: string; deactivatedBy: Actor; deactivatedAt: string };
}
/** They are back: routing and assignment take them again; tokens revoked by the deactivation stay revoked, new ones work. */
export interface StaffReactivated {
  type: 'StaffReactivated';
  data: { staffId: string; reason: string; reactivatedBy: Actor; reactivatedAt: string };
}
export type StaffEvent = StaffRegistered | StaffUpdated | StaffDeactivated | StaffReactivated;

export interface SlaTargetTerms {
  severity: Severity;
  channel: Channel | null;
  coverage: Coverage;
  firstResponseMinutes: number;
  nextUpdateMinutes: number | null;
  resolutionMinutes: number | null;
}
export interface CreditRuleTerms {
  severity: Severity;
  metric: SlaMetric;
  percentOfMonthlyFee: number;
}
export interface ContractTerms {
  plan: string;
  calendarId: string;
  targets: SlaTargetTerms[];
  channels: Channel[];
  pauseWhenWaitingOnCustomer: boolean;
  warningAtPercent: number;
  monthlyFee: number;
  currency: string;
  credits: CreditRuleTerms[];
  creditCapPercent: number;
  proactiveChecks: boolean;
  /** Whether a ticket opened under this version is linked at once to the open platform incident it matches best (absent in contracts signed before: false). */
  autoLinkIncidents?: boolean;
  effectiveFrom: string;
}
export interface ContractSigned {
  type: 'ContractSigned';
  data: ContractTerms & { accountId: string; version: number; signedBy: Actor; signedAt: string };
}
export type ContractEvent = ContractSigned;

export const streams = {
  calendar: (id: string) => `calendar-${id}`,
  account: (id: string) => `account-${id}`,
  contract: (accountId: string) => `contract-${accountId}`,
  staff: (id: string) => `staff-${id}`,
} as const;

export type { WeeklyPeriod };
