import type { CalendarDefinition } from '#calendar';
import type { Actor } from '#event-store';
import type { ContractTerms } from './accounts.events.js';
import type { SlaMetric } from './support-terms.js';

// Events of a ticket's SLA stream (`sla-<ticketId>`). schemaVersion 1.

/** The contract and calendar versions in force at the ticket's receivedAt, pinned for its whole life. */
export interface SlaPolicyPinned {
  type: 'SlaPolicyPinned';
  data: {
    ticketId: string;
    accountId: string;
    contractVersion: number;
    contract: ContractTerms;
    calendarId: string;
    calendarVersion: number;
    calendar: CalendarDefinition;
    pinnedAt: string;
    pinnedBy: Actor;
  };
}
/** A running clock reached warningAtPercent of its target (recorded once per ticket, metric and cycle). */
export interface SlaWarningReached {
  type: 'SlaWarningReached';
  data: { ticketId: string; accountId: string; metric: SlaMetric; cycle: number; dueAt: string; warnedAt: string };
}
/** A running clock reached its due time (recorded once per ticket, metric and cycle). */
export interface SlaClockBreached {
  type: 'SlaClockBreached';
  data: { ticketId: string; accountId: string; metric: SlaMetric; cycle: number; dueAt: string; breachedAt: string };
}
export type SlaEvent = SlaPolicyPinned | SlaWarningReached | SlaClockBreached;

export const slaStream = (ticketId: string) => `sla-${ticketId}`;
