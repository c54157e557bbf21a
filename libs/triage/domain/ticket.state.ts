import type { Diagnostics, HeldAttachments, Severity, TicketEvent } from '#contracts';

export type TicketStatus = 'OPEN' | 'IN_PROGRESS' | 'WAITING_ON_CUSTOMER' | 'RESOLVED' | 'CLOSED';

export interface DisputeState {
  status: 'OPEN' | 'UPHELD' | 'REJECTED';
}

/** What decisions about a ticket need; the read model holds the rest. */
export interface TicketState {
  opened: boolean;
  accountId: string;
  status: TicketStatus;
  claimedSeverity: Severity;
  assessedSeverity: Severity | null;
  dispute: DisputeState | null;
  assigneeId: string | null;
  escalationLevel: number;
  resolvedAt: string | null;
  diagnostics: Diagnostics | null;
  attachments: HeldAttachments;
}

export const initialTicketState: TicketState = {
  opened: false,
  accountId: '',
  status: 'OPEN',
  claimedSeverity: 'P3',
  assessedSeverity: null,
  dispute: null,
  assigneeId: null,
  escalationLevel: 0,
  resolvedAt: null,
  diagnostics: null,
  attachments: { ids: [], bytes: 0 },
};

/** The severity the SLA uses: the assessment if any, else the claim; the claim again once a dispute is upheld. */
export function severityInEffect(state: Pick<TicketState, 'claimedSeverity' | 'assessedSeverity' | 'dispute'>): Severity {
  if (state.dispute?.status === 'UPHELD') return state.claimedSeverity;
  return state.assessedSeverity ?? state.claimedSeverity;
}

export function evolveTicket(state: TicketState, event: TicketEvent): TicketState {
  switch (event.type) {
    case 'TicketOpened':
      return {
        ...initialTicketState,
        opened: true,
        accountId: event.data.accountId,
        claimedSeverity: event.data.claimedSeverity,
        diagnostics: event.data.diagnostics,
      };
    case 'DiagnosticsAdded':
      return { ...state, diagnostics: mergeDiagnostics(state.diagnostics, event.data.diagnostics) };
    case 'TicketAssigned':
      return { ...state, assigneeId: event.data.assigneeId };
    case 'SeverityAssessed':
      return { ...state, assessedSeverity: event.data.severity };
    case 'SeverityDisputed':
      return { ...state, dispute: { status: 'OPEN' } };
    case 'SeverityDisputeResolved':
      return { ...state, dispute: { status: event.data.outcome } };
    case 'ReplyAdded':
      return { ...state, status: statusAfterReply(state.status, event.data) };
    case 'AttachmentAdded':
      return { ...state, attachments: { ids: [...state.attachments.ids, event.data.id], bytes: state.attachments.bytes + event.data.size } };
    case 'TicketEscalated':
      return { ...state, escalationLevel: event.data.level };
    case 'TicketResolved':
      return { ...state, status: 'RESOLVED', resolvedAt: event.data.resolvedAt };
    case 'TicketReopened':
      return { ...state, status: 'IN_PROGRESS', resolvedAt: null };
    case 'TicketClosed':
      return { ...state, status: 'CLOSED' };
    case 'TicketUnassignable':
      return state;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled ticket event ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * OPEN → IN_PROGRESS at the first public staff reply; a request for information waits on the customer
 * until the customer replies. A reply never changes a resolved ticket's status by itself: a customer's reply
 * within the reopen window comes with a TicketReopened (decided by the ticket decider).
 */
export function statusAfterReply(
  status: TicketStatus,
  reply: { side: 'CUSTOMER' | 'STAFF'; visibility: 'PUBLIC' | 'INTERNAL'; requestsInformation: boolean },
): TicketStatus {
  if (status === 'RESOLVED' || status === 'CLOSED') return status;
  if (reply.side === 'CUSTOMER') return status === 'WAITING_ON_CUSTOMER' ? 'IN_PROGRESS' : status;
  if (reply.visibility !== 'PUBLIC') return status;
  if (reply.requestsInformation) return 'WAITING_ON_CUSTOMER';
  return status === 'OPEN' ? 'IN_PROGRESS' : status;
}

export function mergeDiagnostics(current: Diagnostics | null, added: Partial<Diagnostics>): Diagnostics {
  const base: Diagnostics = current ?? emptyDiagnostics();
  const merged = { ...base };
  for (const [key, value] of Object.entries(added) as [keyof Diagnostics, unknown][]) {
    if (key === 'logUrls') merged.logUrls = [...new Set([...base.logUrls, ...((value as string[] | undefined) ?? [])])];
    else if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

export function emptyDiagnostics(): Diagnostics {
  return { sdkName: null, sdkVersion: null, platform: null, osVersion: null, deviceModel: null, networkType: null, errorCode: null, reproSteps: null, logUrls: [] };
}
