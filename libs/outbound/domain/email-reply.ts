import type { EmailMessage, ReplyAdded, TicketEvent, TicketOpened } from '#contracts';

/** At most this many message ids go into References (the opening message and the latest ones are kept). */
const MAX_REFERENCES = 20;

/**
 * The e-mail a public staff reply becomes, or null when none is sent: not a public staff reply (internal notes
 * never go out), or a ticket whose requester has no e-mail address. `before` is the ticket's stream before the
 * reply. It goes to the requester, Cc the followers (the opening message's Cc), threaded on the customer's
 * messages: In-Reply-To the latest of them, References all of them (the opening one first), so the customer's
 * answer names a message the e-mail channel knows and lands on the same ticket.
 */
export function emailForReply(before: readonly TicketEvent[], reply: ReplyAdded['data'], options: { from: string; messageId: string }): EmailMessage | null {
  if (reply.visibility !== 'PUBLIC' || reply.side !== 'STAFF') return null;
  const opened = before.find((event): event is TicketOpened => event.type === 'TicketOpened')?.data;
  const to = opened?.requester?.email ?? null;
  if (!opened || !to) return null;
  const thread: string[] = [];
  if (opened.channel === 'EMAIL' && opened.externalId) thread.push(opened.externalId);
  for (const event of before) {
    // A customer's e-mail reply: its externalId is its Message-ID (other channels' ids are not message ids).
    if (event.type === 'ReplyAdded' && event.data.side === 'CUSTOMER' && event.data.externalId && event.data.author.id.startsWith('email:')) {
      if (!thread.includes(event.data.externalId)) thread.push(event.data.externalId);
    }
  }
  const references = thread.length > MAX_REFERENCES ? [thread[0]!, ...thread.slice(-(MAX_REFERENCES - 1))] : thread;
  const cc = (opened.followers ?? []).filter((address) => address !== to.toLowerCase());
  return {
    messageId: options.messageId,
    from: options.from,
    to: [to],
    cc,
    subject: replySubject(opened.subject),
    text: reply.body,
    inReplyTo: thread.at(-1) ?? null,
    references,
    replyId: reply.replyId,
  };
}

export function replySubject(subject: string): string {
  return /^re:/i.test(subject.trim()) ? subject.trim() : `Re: ${subject.trim()}`;
}

/** `<id@domain>` with the From address's domain: the platform chooses it, from the delivery id. */
export function platformMessageId(deliveryId: string, from: string): string {
  return `<${deliveryId}@${from.split('@')[1] ?? 'ledgerdesk.localhost'}>`;
}
