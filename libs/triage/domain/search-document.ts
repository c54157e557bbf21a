import type { Diagnostics, TicketEvent, Visibility } from '#contracts';
import { searchVector, type SearchWeight } from './search-text.js';

/** What search reads of a ticket: its texts, folded from the events that carry them. */
export interface SearchDocument {
  ticketId: string;
  accountId: string;
  /** When it was received (newest first among equal scores). */
  openedAt: string;
  subject: string;
  description: string;
  diagnostics: Partial<Diagnostics>;
  resolution: string | null;
  rootCause: string | null;
  replies: { id: string; body: string; visibility: Visibility }[];
}

/** The ticket events whose data search indexes; the rest change no text. */
export const SEARCH_EVENT_TYPES = ['TicketOpened', 'DiagnosticsAdded', 'ReplyAdded', 'TicketResolved', 'TicketReopened'] as const;

/** Diagnostics fields searched as text (log URLs are not). */
export const SEARCHED_DIAGNOSTICS = ['errorCode', 'sdkName', 'sdkVersion', 'platform', 'osVersion', 'deviceModel', 'networkType', 'reproSteps'] as const;

export function applySearchEvent(doc: SearchDocument | null, event: TicketEvent): SearchDocument | null {
  if (event.type === 'TicketOpened') {
    const d = event.data;
    // A repeated TicketOpened (a retry recorded twice) does not rename the ticket, as in triage.tickets.
    if (doc) return doc;
    return { ticketId: d.ticketId, accountId: d.accountId, openedAt: d.receivedAt, subject: d.subject, description: d.description, diagnostics: { ...d.diagnostics }, resolution: null, rootCause: null, replies: [] };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'DiagnosticsAdded': {
      const given = Object.fromEntries(Object.entries(event.data.diagnostics).filter(([, value]) => value !== null && value !== undefined));
      return { ...doc, diagnostics: { ...doc.diagnostics, ...given } };
    }
    case 'ReplyAdded':
      if (doc.replies.some((reply) => reply.id === event.data.replyId)) return doc;
      return { ...doc, replies: [...doc.replies, { id: event.data.replyId, body: event.data.body, visibility: event.data.visibility }] };
    case 'TicketResolved':
      return { ...doc, resolution: event.data.resolution, rootCause: event.data.rootCause };
    case 'TicketReopened':
      // As the ticket reads: a reopened ticket has no resolution until it is resolved again.
      return { ...doc, resolution: null, rootCause: null };
    default:
      return doc;
  }
}

/**
 * The two indexed vectors: `public` (what the customer may search: everything but internal notes) and `staff`
 * (everything). Weights: subject A; description and diagnostics B; resolution and root cause C; replies D.
 */
export function searchVectors(doc: SearchDocument): { publicVector: string; staffVector: string; headVector: string; subjectVector: string } {
  const opening: { text: string | null | undefined; weight: SearchWeight }[] = [
    { text: doc.subject, weight: 'A' },
    { text: doc.description, weight: 'B' },
    // Any JSON the log holds is indexed as text: a projection must not stall on an event no client could send.
    ...SEARCHED_DIAGNOSTICS.map((field) => ({ text: asText(doc.diagnostics[field]), weight: 'B' as const })),
  ];
  const head: { text: string | null | undefined; weight: SearchWeight }[] = [
    ...opening,
    { text: doc.resolution, weight: 'C' },
    { text: doc.rootCause, weight: 'C' },
  ];
  const replies = (visible: (v: Visibility) => boolean) => doc.replies.filter((reply) => visible(reply.visibility)).map((reply) => ({ text: reply.body, weight: 'D' as const }));
  return {
    publicVector: searchVector([...head, ...replies((v) => v === 'PUBLIC')]),
    staffVector: searchVector([...head, ...replies(() => true)]),
    // The opening's fields alone (same positions as at the start of the other two): the second tier of a capped
    // search's candidates (ticket-search.queries.ts).
    headVector: searchVector(opening),
    // The subject alone: the first tier of a capped search's candidates (subject, then opening, then anywhere).
    subjectVector: searchVector([{ text: doc.subject, weight: 'A' }]),
  };
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
