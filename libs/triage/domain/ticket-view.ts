import { ticketEventInstant, type Actor, type AttachmentAdded, type Requester, type Channel, type Diagnostics, type Severity, type TicketEvent, type Visibility } from '#contracts';
import { emptyDiagnostics, mergeDiagnostics, statusAfterReply, type TicketStatus } from './ticket.state.js';

export interface ReplyView {
  id: string;
  authorId: string;
  authorRole: string;
  body: string;
  visibility: Visibility;
  at: Date;
  externalId: string | null;
  /** The platform incident update this reply broadcasts (triage.incident-broadcast); null for a personal answer. */
  incidentUpdateId?: string | null;
}

/** An attachment as its `AttachmentAdded` event recorded it, with the instant as a Date. */
export type AttachmentView = Omit<AttachmentAdded['data'], 'ticketId' | 'addedAt'> & { addedAt: Date };

/** A ticket as people read it, folded from its events: the read model stores it, history recomputes it. */
export interface TicketView {
  id: string;
  accountId: string;
  version: number;
  channel: Channel;
  subject: string;
  description: string;
  status: TicketStatus;
  claimedSeverity: Severity;
  assessedSeverity: Severity | null;
  severity: Severity;
  dispute: Record<string, any> | null;
  assigneeId: string | null;
  diagnostics: Diagnostics;
  escalationLevel: number;
  externalId: string | null;
  openedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** The latest resolution and root cause; cleared when the ticket is reopened. */
  resolution: string | null;
  rootCause: string | null;
  /** When its last event took effect. */
  updatedAt: Date;
  attachments: AttachmentView[];
  /** The resolved ticket this one follows up (a late customer reply opened it), or null. */
  followUpOf: string | null;
  /** Who asked for it (null on tickets opened before it was recorded). */
  requester: Requester | null;
  /** E-mail addresses following it (the opening message's Cc). */
  followers: string[];
  replies: ReplyView[];
}

/** One event onto the view (`revision` is the event's place in the ticket's stream). */
export function applyTicketEvent(view: TicketView | null, event: TicketEvent, revision: number): TicketView | null {
  if (event.type === 'TicketOpened') {
    const d = event.data;
    return {
      id: d.ticketId,
      accountId: d.accountId,
      version: revision,
      channel: d.channel,
      subject: d.subject,
      description: d.description,
      status: 'OPEN',
      claimedSeverity: d.claimedSeverity,
      assessedSeverity: null,
      severity: d.claimedSeverity,
      dispute: null,
      assigneeId: null,
      diagnostics: { ...emptyDiagnostics(), ...d.diagnostics },
      escalationLevel: 0,
      externalId: d.externalId,
      openedAt: new Date(d.receivedAt),
      resolvedAt: null,
      closedAt: null,
      resolution: null,
      rootCause: null,
      updatedAt: new Date(d.receivedAt),
      attachments: [],
      followUpOf: d.followUpOf ?? null,
      requester: d.requester ?? null,
      followers: d.followers ?? [],
      replies: [],
    };
  }
  if (!view) return null;
  const next: TicketView = { ...view, version: revision, updatedAt: new Date(ticketEventInstant(event)) };
  switch (event.type) {
    case 'DiagnosticsAdded':
      next.diagnostics = mergeDiagnostics(view.diagnostics, event.data.diagnostics);
      break;
    case 'TicketAssigned':
      next.assigneeId = event.data.assigneeId;
      break;
    case 'SeverityAssessed':
      next.assessedSeverity = event.data.severity;
      // The assessment applies unless an upheld dispute has put the claim back in effect.
      next.severity = view.dispute?.['status'] === 'UPHELD' ? view.claimedSeverity : event.data.severity;
      break;
    case 'SeverityDisputed':
      next.dispute = { status: 'OPEN', raisedBy: event.data.disputedBy, raisedAt: event.data.disputedAt, reason: event.data.reason };
      break;
    case 'SeverityDisputeResolved': {
      const d = event.data;
      next.dispute = { ...view.dispute, status: d.outcome, decidedBy: d.decidedBy, decidedAt: d.decidedAt, decisionReason: d.reason };
      next.severity = d.outcome === 'UPHELD' ? view.claimedSeverity : (view.assessedSeverity ?? view.claimedSeverity);
      break;
    }
    case 'ReplyAdded': {
      const d = event.data;
      next.status = statusAfterReply(view.status, d);
      next.replies = [
        ...view.replies,
        { id: d.replyId, authorId: d.author.id, authorRole: d.author.role, body: d.body, visibility: d.visibility, at: new Date(d.addedAt), externalId: d.externalId, incidentUpdateId: d.incidentUpdateId ?? null },
      ];
      break;
    }
    case 'AttachmentAdded': {
      const { ticketId: _ticketId, addedAt, ...attachment } = event.data;
      next.attachments = [...view.attachments, { ...attachment, addedAt: new Date(addedAt) }];
      break;
    }
    case 'TicketEscalated':
      next.escalationLevel = event.data.level;
      break;
    case 'TicketResolved':
      next.status = 'RESOLVED';
      next.resolvedAt = new Date(event.data.resolvedAt);
      next.resolution = event.data.resolution;
      next.rootCause = event.data.rootCause;
      break;
    case 'TicketReopened':
      next.status = 'IN_PROGRESS';
      next.resolvedAt = null;
      next.resolution = null;
      next.rootCause = null;
      break;
    case 'TicketClosed':
      next.status = 'CLOSED';
      next.closedAt = new Date(event.data.closedAt);
      break;
    case 'TicketUnassignable':
      break;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled ticket event ${JSON.stringify(unknown)}`);
    }
  }
  return next;
}

export function foldTicketView(events: readonly { type: string; data: unknown; revision: number }[]): TicketView | null {
  return events.reduce<TicketView | null>((view, event) => applyTicketEvent(view, event as unknown as TicketEvent, event.revision), null);
}
