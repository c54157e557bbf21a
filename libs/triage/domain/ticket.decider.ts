import {
  attachmentsAdded,
  badUserInput,
  conflict,
  forbidden,
  notFound,
  type Actor,
  type AttachmentRef,
  type Diagnostics,
  type Severity,
  type TicketEvent,
  type Visibility,
} from '#contracts';
import type { Decider } from '#platform-kit';
import { evolveTicket, initialTicketState, severityInEffect, type TicketState } from './ticket.state.js';

export const MAX_BODY_CHARS = 64 * 1024;
export const REOPEN_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

interface Base {
  ticketId: string;
  actor: Actor;
  /** The caller's account when the caller is a CUSTOMER: another account's ticket reads as absent. */
  customerAccountId: string | null;
  now: Date;
}
/** Uploads a command attaches (looked up by the handler) and the per-ticket byte limit in force. */
interface WithAttachments {
  attachments: readonly AttachmentRef[];
  maxTicketAttachmentBytes: number;
}
export type TicketCommand =
  | (Base & { type: 'AssessSeverity'; severity: Severity; reason: string })
  | (Base & { type: 'DisputeSeverity'; reason: string; actorIsAccountTam: boolean })
  | (Base & { type: 'ResolveSeverityDispute'; outcome: 'UPHELD' | 'REJECTED'; reason: string })
  | (Base & { type: 'AssignTicket'; assigneeId: string; assigneeIsStaff: boolean; reason: string; automatic: boolean })
  | (Base & WithAttachments & { type: 'AddReply'; replyId: string; followUpTicketId: string; body: string; visibility: Visibility; requestsInformation: boolean; externalId: string | null; incidentUpdateId?: string | null; skipIfResolved?: boolean })
  | (Base & { type: 'EscalateTicket'; reason: string })
  | (Base & { type: 'ResolveTicket'; resolution: string; rootCause: string | null; quietPeriodMs: number })
  | (Base & { type: 'ReopenTicket'; reason: string })
  | (Base & { type: 'CloseTicket' })
  /** The quiet-period timer set at the resolution of `resolvedAt` fired. */
  | (Base & { type: 'AutoCloseTicket'; resolvedAt: string })
  | (Base & WithAttachments & { type: 'AddDiagnostics'; diagnostics: Partial<Diagnostics> });

/** A ticket's life after it is opened: triage, replies, escalation, resolution. */
export const ticketDecider: Decider<TicketCommand, TicketState, TicketEvent> = {
  initialState: initialTicketState,
  evolve: evolveTicket,

  decide(command, state) {
    if (!state.opened) throw notFound('Ticket');
    if (command.customerAccountId !== null && command.customerAccountId !== state.accountId) throw notFound('Ticket');
    // A timer that fires after someone closed or reopened the ticket, or after a later resolution, does nothing.
    if (command.type === 'AutoCloseTicket' && (state.status !== 'RESOLVED' || state.resolvedAt !== command.resolvedAt)) return [];
    if (state.status === 'CLOSED') throw badUserInput('The ticket is closed; open a new one', 'ticketId');
    const by = command.actor;
    const at = command.now.toISOString();
    const ticketId = command.ticketId;
    const isCustomer = by.role === 'CUSTOMER';

    switch (command.type) {
      case 'AssessSeverity': {
        const reason = text(command.reason, 'reason', 2000);
        if (state.assessedSeverity === command.severity) return [];
        return [{ type: 'SeverityAssessed', data: { ticketId, severity: command.severity, previousSeverity: severityInEffect(state), reason, assessedBy: by, assessedAt: at } }];
      }
      case 'DisputeSeverity': {
        if (!isCustomer && !command.actorIsAccountTam) throw forbidden('Only the account’s customer or its TAM can dispute a severity');
        const reason = text(command.reason, 'reason', 2000);
        if (state.assessedSeverity === null || state.assessedSeverity === state.claimedSeverity) {
          throw badUserInput('There is nothing to dispute: the assessed severity is the claimed one', 'ticketId');
        }
        if (state.dispute?.status === 'OPEN') throw conflict('A dispute is already open on this ticket');
        return [
          {
            type: 'SeverityDisputed',
            data: { ticketId, claimedSeverity: state.claimedSeverity, assessedSeverity: state.assessedSeverity, reason, disputedBy: by, disputedAt: at },
          },
        ];
      }
      case 'ResolveSeverityDispute': {
        if (state.dispute?.status !== 'OPEN') throw badUserInput('There is no open dispute on this ticket', 'ticketId');
        const reason = text(command.reason, 'reason', 2000);
        return [{ type: 'SeverityDisputeResolved', data: { ticketId, outcome: command.outcome, reason, decidedBy: by, decidedAt: at } }];
      }
      case 'AssignTicket': {
        if (!command.assigneeIsStaff) throw badUserInput(`${command.assigneeId} is not a registered engineer or TAM`, 'assigneeId');
        if (state.assigneeId === command.assigneeId) return [];
        return [
          {
            type: 'TicketAssigned',
            data: { ticketId, assigneeId: command.assigneeId, previousAssigneeId: state.assigneeId, reason: command.reason, automatic: command.automatic, assignedBy: by, assignedAt: at },
          },
        ];
      }
      case 'AddReply': {
        // A broadcast (an incident's update) says nothing on a ticket resolved meanwhile.
        if (command.skipIfResolved && state.status === 'RESOLVED') return [];
        // A reply may be only its files (an e-mail with nothing but a log attached).
        const body = command.attachments.length > 0 && !command.body.trim() ? '' : text(command.body, 'body', MAX_BODY_CHARS);
        if (body.length > MAX_BODY_CHARS) throw badUserInput(`body must be at most ${MAX_BODY_CHARS} characters`, 'body');
        if (isCustomer && command.visibility !== 'PUBLIC') throw forbidden('Customers can only add public replies');
        if (command.requestsInformation && (state.status === 'RESOLVED' || isCustomer)) {
          throw badUserInput('Information can only be requested by staff on an unresolved ticket', 'ticketId');
        }
        const reply: TicketEvent = {
          type: 'ReplyAdded',
          data: {
            ticketId,
            replyId: command.replyId,
            body,
            visibility: command.visibility,
            side: isCustomer ? 'CUSTOMER' : 'STAFF',
            requestsInformation: command.requestsInformation,
            externalId: command.externalId,
            author: by,
            addedAt: at,
            ...(command.incidentUpdateId ? { incidentUpdateId: command.incidentUpdateId } : {}),
          },
        };
        const files = attachmentsAdded(command.attachments, state.attachments, command.maxTicketAttachmentBytes, {
          ticketId,
          visibility: command.visibility,
          replyId: command.replyId,
          by,
          at,
        });
        // "It happens again" on a resolved ticket: within the reopen window it reopens, exactly as
        // reopenTicket does (the RESOLUTION clock resumes); after it the reply is kept on the resolved ticket.
        if (isCustomer && state.status === 'RESOLVED' && withinReopenWindow(state, command.now)) {
          return [{ type: 'TicketReopened', data: { ticketId, reason: 'The customer replied', reopenedBy: by, reopenedAt: at } }, reply, ...files];
        }
        // After the window the reply stays on the resolved ticket and opens a follow-up linked to it.
        if (isCustomer && state.status === 'RESOLVED') {
          return [{ ...reply, data: { ...reply.data, followUpTicketId: command.followUpTicketId } } as TicketEvent, ...files];
        }
        return [reply, ...files];
      }
      case 'EscalateTicket': {
        const reason = text(command.reason, 'reason', 2000);
        return [{ type: 'TicketEscalated', data: { ticketId, level: state.escalationLevel + 1, reason, escalatedBy: by, escalatedAt: at } }];
      }
      case 'ResolveTicket': {
        if (state.status === 'RESOLVED') throw badUserInput('The ticket is already resolved', 'ticketId');
        const resolution = text(command.resolution, 'resolution', MAX_BODY_CHARS);
        const rootCause = command.rootCause === null ? null : text(command.rootCause, 'rootCause', MAX_BODY_CHARS);
        const autoCloseAt = new Date(command.now.getTime() + command.quietPeriodMs).toISOString();
        return [{ type: 'TicketResolved', data: { ticketId, resolution, rootCause, resolvedBy: by, resolvedAt: at, autoCloseAt } }];
      }
      case 'ReopenTicket': {
        if (state.status !== 'RESOLVED' || !state.resolvedAt) throw badUserInput('Only a resolved ticket can be reopened', 'ticketId');
        if (!withinReopenWindow(state, command.now)) {
          throw badUserInput('A ticket can be reopened within 14 days of its resolution; open a new one', 'ticketId');
        }
        const reason = text(command.reason, 'reason', 2000);
        return [{ type: 'TicketReopened', data: { ticketId, reason, reopenedBy: by, reopenedAt: at } }];
      }
      case 'CloseTicket':
        return [{ type: 'TicketClosed', data: { ticketId, closedBy: by, closedAt: at } }];
      case 'AutoCloseTicket':
        return [{ type: 'TicketClosed', data: { ticketId, closedBy: by, closedAt: at, automatic: true } }];
      case 'AddDiagnostics': {
        const attached = attachmentsAdded(command.attachments, state.attachments, command.maxTicketAttachmentBytes, { ticketId, visibility: 'PUBLIC', replyId: null, by, at });
        // Files alone (an SDK log) record no empty DiagnosticsAdded.
        const diagnostics: TicketEvent[] =
          attached.length > 0 && Object.keys(command.diagnostics).length === 0
            ? []
            : [{ type: 'DiagnosticsAdded', data: { ticketId, diagnostics: command.diagnostics, addedBy: by, addedAt: at } }];
        return [...diagnostics, ...attached];
      }
      default: {
        const unknown: never = command;
        throw new Error(`Unhandled ticket command ${JSON.stringify(unknown)}`);
      }
    }
  },
};

function withinReopenWindow(state: TicketState, now: Date): boolean {
  return state.resolvedAt !== null && now.getTime() - Date.parse(state.resolvedAt) <= REOPEN_WINDOW_MS;
}

function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badUserInput(`${field} must not be blank`, field);
  if (value.length > max) throw badUserInput(`${field} must be at most ${max} characters`, field);
  return value;
}
