import type { Actor } from '#event-store';
import { badUserInput, conflict } from './errors.js';
import type { AttachmentAdded, AttachmentRef, Visibility } from './tickets.events.js';

/** What a ticket holds already, for the per-ticket limit and against attaching one upload twice. */
export interface HeldAttachments {
  ids: readonly string[];
  bytes: number;
}

/**
 * The AttachmentAdded events for uploads named by a ticket command (opening, reply, diagnostics), decided by
 * the ticket stream's owner: refused whole when the ticket would exceed its byte limit or holds one already.
 */
export function attachmentsAdded(
  refs: readonly AttachmentRef[],
  held: HeldAttachments,
  maxTicketBytes: number,
  context: { ticketId: string; visibility: Visibility; replyId: string | null; by: Actor; at: string },
): AttachmentAdded[] {
  const repeated = refs.find((ref) => held.ids.includes(ref.id));
  if (repeated) throw conflict(`Upload ${repeated.id} is already attached to this ticket`);
  const bytes = refs.reduce((sum, ref) => sum + ref.size, held.bytes);
  if (bytes > maxTicketBytes) throw badUserInput(`a ticket's attachments must total at most ${maxTicketBytes} bytes (these would make ${bytes})`, 'attachmentIds');
  return refs.map((ref) => ({
    type: 'AttachmentAdded',
    data: {
      ticketId: context.ticketId,
      id: ref.id,
      sha256: ref.sha256,
      size: ref.size,
      fileName: ref.fileName,
      contentType: ref.contentType,
      visibility: context.visibility,
      replyId: context.replyId,
      addedBy: context.by,
      addedAt: context.at,
    },
  }));
}
