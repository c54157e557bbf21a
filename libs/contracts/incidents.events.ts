import type { Actor } from '#event-store';

// Platform incidents (`incident-<id>`), written by the incidents context: one outage, many customers' tickets.
// Triage's `triage.incident-broadcast` reactor turns a PUBLIC update into a public staff reply on every linked
// open ticket (ReplyAdded.incidentUpdateId) and a resolution with resolveLinkedTickets into TicketResolved.
// schemaVersion 1.

export type IncidentSeverity = 'SEV1' | 'SEV2' | 'SEV3';
export type IncidentUpdateStatus = 'INVESTIGATING' | 'IDENTIFIED' | 'MONITORING' | 'RESOLVED';
export type IncidentVisibility = 'PUBLIC' | 'INTERNAL';

export const incidentStream = (incidentId: string) => `incident-${incidentId}`;

export interface PlatformIncidentDeclared {
  type: 'PlatformIncidentDeclared';
  data: {
    incidentId: string;
    title: string;
    severity: IncidentSeverity;
    regions: string[];
    components: string[];
    sdk: { name: string; versionRange: string } | null;
    startedAt: string;
    publicSummary: string;
    declaredBy: Actor;
    declaredAt: string;
  };
}
export interface TicketsLinkedToIncident {
  type: 'TicketsLinkedToIncident';
  /** Each ticket with its account (as the incidents directory knew it at the link). */
  data: { incidentId: string; tickets: { ticketId: string; accountId: string }[]; linkedBy: Actor; linkedAt: string };
}
export interface TicketUnlinkedFromIncident {
  type: 'TicketUnlinkedFromIncident';
  data: { incidentId: string; ticketId: string; unlinkedBy: Actor; unlinkedAt: string };
}
export interface IncidentUpdatePosted {
  type: 'IncidentUpdatePosted';
  data: { incidentId: string; updateId: string; status: IncidentUpdateStatus; body: string; visibility: IncidentVisibility; postedBy: Actor; postedAt: string };
}
export interface PlatformIncidentResolved {
  type: 'PlatformIncidentResolved';
  data: { incidentId: string; resolution: string; rootCause: string; resolveLinkedTickets: boolean; resolvedBy: Actor; resolvedAt: string };
}
export type IncidentEvent = PlatformIncidentDeclared | TicketsLinkedToIncident | TicketUnlinkedFromIncident | IncidentUpdatePosted | PlatformIncidentResolved;

export const INCIDENT_EVENT_TYPES: readonly IncidentEvent['type'][] = [
  'PlatformIncidentDeclared',
  'TicketsLinkedToIncident',
  'TicketUnlinkedFromIncident',
  'IncidentUpdatePosted',
  'PlatformIncidentResolved',
];

/** Linked tickets of an incident, folded from its events (in order): ticket id → account id. */
export function linkedTicketsOf(events: readonly { type: string; data: unknown }[]): Map<string, string> {
  const linked = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'TicketsLinkedToIncident') for (const t of (event.data as TicketsLinkedToIncident['data']).tickets) linked.set(t.ticketId, t.accountId);
    else if (event.type === 'TicketUnlinkedFromIncident') linked.delete((event.data as TicketUnlinkedFromIncident['data']).ticketId);
  }
  return linked;
}
