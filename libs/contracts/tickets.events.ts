import type { Actor } from '#event-store';
import type { Channel, Severity } from './support-terms.js';

// Events of a ticket's stream (`ticket-<id>`), shared by intake (opening), triage (the rest of its life)
// and the SLA context (which reads them to run the clocks). schemaVersion 1.

export interface Diagnostics {
  sdkName: string | null;
  sdkVersion: string | null;
  platform: string | null;
  osVersion: string | null;
  deviceModel: string | null;
  networkType: string | null;
  errorCode: string | null;
  reproSteps: string | null;
  logUrls: string[];
}

export type Visibility = 'PUBLIC' | 'INTERNAL';

/** Who asked for a ticket: the portal user (token claims), the e-mail sender, the Slack user, staff on a call. */
export interface Requester {
  kind: 'PORTAL' | 'INTEGRATION' | 'EMAIL' | 'SLACK' | 'STAFF' | 'SYSTEM';
  /** The actor id they act as: a token's subject, `apikey:<id>`, `email:<address>`, `slack:<user>`. */
  id: string;
  name: string | null;
  email: string | null;
}

export interface TicketOpened {
  type: 'TicketOpened';
  data: {
    ticketId: string;
    accountId: string;
    channel: Channel;
    subject: string;
    description: string;
    claimedSeverity: Severity;
    diagnostics: Diagnostics;
    externalId: string | null;
    /** The instant the SLA clocks start from (openedAt, or what a trusted source set). */
    receivedAt: string;
    /** What the source claimed (staff's input, an e-mail's Date), even when not adopted; absent on older events. */
    claimedReceivedAt?: string | null;
    openedBy: Actor;
    openedAt: string;
    /** The resolved ticket whose customer's late reply opened this one (a follow-up); absent on older events. */
    followUpOf?: string | null;
    /** Who asked for it; absent on older events. */
    requester?: Requester;
    /** Who else follows it: the opening e-mail's Cc addresses (lowercase, without the sender); absent on older events. */
    followers?: string[];
  };
}
export interface DiagnosticsAdded {
  type: 'DiagnosticsAdded';
  data: { ticketId: string; diagnostics: Partial<Diagnostics>; addedBy: Actor; addedAt: string };
}
export interface TicketAssigned {
  type: 'TicketAssigned';
  data: { ticketId: string; assigneeId: string; previousAssigneeId: string | null; reason: string; automatic: boolean; assignedBy: Actor; assignedAt: string };
}
export interface SeverityAssessed {
  type: 'SeverityAssessed';
  data: { ticketId: string; severity: Severity; previousSeverity: Severity; reason: string; assessedBy: Actor; assessedAt: string };
}
export interface SeverityDisputed {
  type: 'SeverityDisputed';
  data: { ticketId: string; claimedSeverity: Severity; assessedSeverity: Severity; reason: string; disputedBy: Actor; disputedAt: string };
}
export interface SeverityDisputeResolved {
  type: 'SeverityDisputeResolved';
  data: { ticketId: string; outcome: 'UPHELD' | 'REJECTED'; reason: string; decidedBy: Actor; decidedAt: string };
}
export interface ReplyAdded {
  type: 'ReplyAdded';
  data: {
    ticketId: string;
    replyId: string;
    body: string;
    visibility: Visibility;
    side: 'CUSTOMER' | 'STAFF';
    /** A public staff reply asking for something: the ticket waits on the customer. */
    requestsInformation: boolean;
    /** The channel's own id for the message (e-mail Message-ID, IM event id), when it came through one. */
    externalId: string | null;
    author: Actor;
    addedAt: string;
    /**
     * A customer's reply on a ticket resolved longer ago than the reopen window: the id of the follow-up
     * ticket it opens (derived from the reply; intake's `intake.follow-ups` reactor opens it). Absent otherwise.
     */
    followUpTicketId?: string | null;
    /**
     * A broadcast: the platform incident update (IncidentUpdatePosted.updateId) this reply carries to the ticket,
     * so an auditor tells it from a personal answer. Absent on a reply written for this ticket.
     */
    incidentUpdateId?: string | null;
  };
}
/**
 * A file (an SDK log, a screenshot) supplied with the ticket. It is in the ticket's hash chain, so the evidence
 * bundle proves when it was supplied; the file itself is kept by the attachment storage under its SHA-256.
 */
export interface AttachmentAdded {
  type: 'AttachmentAdded';
  data: {
    ticketId: string;
    /** The upload's id (what `POST /attachments` answered); `GET /attachments/{id}` serves the file. */
    id: string;
    sha256: string;
    size: number;
    fileName: string;
    contentType: string;
    /** PUBLIC unless it came with an internal note. */
    visibility: Visibility;
    /** The reply it came with, if any. */
    replyId: string | null;
    addedBy: Actor;
    addedAt: string;
  };
}
export interface TicketEscalated {
  type: 'TicketEscalated';
  data: { ticketId: string; level: number; reason: string; escalatedBy: Actor; escalatedAt: string };
}
export interface TicketResolved {
  type: 'TicketResolved';
  data: {
    ticketId: string;
    resolution: string;
    rootCause: string | null;
    resolvedBy: Actor;
    resolvedAt: string;
    /** When it closes by itself unless reopened (the quiet period in force at resolution); absent on older events. */
    autoCloseAt?: string | null;
  };
}
export interface TicketReopened {
  type: 'TicketReopened';
  data: { ticketId: string; reason: string; reopenedBy: Actor; reopenedAt: string };
}
export interface TicketClosed {
  type: 'TicketClosed';
  /** `automatic`: closed by the quiet-period timer, not by a person (absent on older events). */
  data: { ticketId: string; closedBy: Actor; closedAt: string; automatic?: boolean };
}

/** Routing found nobody for a P0/P1 being opened (no engineer on shift in the region, no TAM): it stays unassigned. */
export interface TicketUnassignable {
  type: 'TicketUnassignable';
  data: { ticketId: string; accountId: string; severity: Severity; region: string; reason: string; foundBy: Actor; foundAt: string };
}

export type TicketEvent =
  | TicketOpened
  | DiagnosticsAdded
  | TicketAssigned
  | SeverityAssessed
  | SeverityDisputed
  | SeverityDisputeResolved
  | ReplyAdded
  | AttachmentAdded
  | TicketEscalated
  | TicketResolved
  | TicketReopened
  | TicketClosed
  | TicketUnassignable;

export const TICKET_EVENT_TYPES: readonly TicketEvent['type'][] = [
  'TicketOpened',
  'DiagnosticsAdded',
  'TicketAssigned',
  'SeverityAssessed',
  'SeverityDisputed',
  'SeverityDisputeResolved',
  'ReplyAdded',
  'AttachmentAdded',
  'TicketEscalated',
  'TicketResolved',
  'TicketReopened',
  'TicketClosed',
  'TicketUnassignable',
];

export const ticketStream = (ticketId: string) => `ticket-${ticketId}`;

/** An upload named by `attachmentIds`, as the handler found it: what AttachmentAdded records about it. */
export interface AttachmentRef {
  id: string;
  sha256: string;
  size: number;
  fileName: string;
  contentType: string;
}

/** The instant an event took effect (its own `…At`), which is what the clocks count from. */
export function ticketEventInstant(event: TicketEvent): string {
  switch (event.type) {
    case 'TicketOpened':
      return event.data.receivedAt;
    case 'DiagnosticsAdded':
      return event.data.addedAt;
    case 'TicketAssigned':
      return event.data.assignedAt;
    case 'SeverityAssessed':
      return event.data.assessedAt;
    case 'SeverityDisputed':
      return event.data.disputedAt;
    case 'SeverityDisputeResolved':
      return event.data.decidedAt;
    case 'ReplyAdded':
      return event.data.addedAt;
    case 'AttachmentAdded':
      return event.data.addedAt;
    case 'TicketEscalated':
      return event.data.escalatedAt;
    case 'TicketResolved':
      return event.data.resolvedAt;
    case 'TicketReopened':
      return event.data.reopenedAt;
    case 'TicketClosed':
      return event.data.closedAt;
    case 'TicketUnassignable':
      return event.data.foundAt;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled ticket event ${JSON.stringify(unknown)}`);
    }
  }
}
