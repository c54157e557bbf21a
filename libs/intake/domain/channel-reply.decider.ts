import { attachmentsAdded, badUserInput, notFound, type Actor, type AttachmentRef, type ChannelReplyReceived } from '#contracts';

/** A reply's body, as the ticket takes it (the same bound as an opening's description). */
export const MAX_REPLY_BODY_CHARS = 64 * 1024;

/** What intake's copy (intake.channel-messages) knows of the ticket a channel reply answers. */
export interface ChannelTicket {
  accountId: string;
  closed: boolean;
  attachmentIds: readonly string[];
  attachmentBytes: number;
}

export interface ReceiveChannelReply {
  ticketId: string;
  accountId: string;
  externalId: string;
  body: string;
  author: Actor;
  attachments: readonly AttachmentRef[];
  maxTicketAttachmentBytes: number;
  now: Date;
}

/**
 * Intake's decision on a customer's channel message that answers a ticket: the ChannelReplyReceived it records,
 * or the refusal the ticket would give — decided on intake's own copy of the ticket, with the ticket decider's
 * words, so the channel answers as before and records nothing: a closed ticket, a blank body without files, a
 * body too long, files past the ticket's limit or on it already. A ticket the copy does not show yet (its
 * opening not projected) is left to triage's decision (`triage.channel-replies` records a refusal then).
 */
export function decideChannelReply(command: ReceiveChannelReply, ticket: ChannelTicket | null): ChannelReplyReceived {
  if (ticket) {
    if (ticket.accountId !== command.accountId) throw notFound('Ticket');
    if (ticket.closed) throw badUserInput('The ticket is closed; open a new one', 'ticketId');
  }
  if (command.attachments.length === 0 && !command.body.trim()) throw badUserInput('body must not be blank', 'body');
  if (command.body.length > MAX_REPLY_BODY_CHARS) throw badUserInput(`body must be at most ${MAX_REPLY_BODY_CHARS} characters`, 'body');
  const at = command.now.toISOString();
  if (ticket) {
    // The ticket's limit and "already attached", as the ticket decider checks them (its events are not kept).
    attachmentsAdded(command.attachments, { ids: ticket.attachmentIds, bytes: ticket.attachmentBytes }, command.maxTicketAttachmentBytes, {
      ticketId: command.ticketId,
      visibility: 'PUBLIC',
      replyId: null,
      by: command.author,
      at,
    });
  }
  return {
    type: 'ChannelReplyReceived',
    data: {
      ticketId: command.ticketId,
      accountId: command.accountId,
      externalId: command.externalId,
      body: command.body,
      author: command.author,
      attachments: [...command.attachments],
      receivedAt: at,
    },
  };
}
