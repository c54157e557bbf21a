import { ticketStream, type ReplyAdded, type Requester, type Severity, type TicketEvent, type TicketOpened } from '#contracts';
import type { EventStore, RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { MAX_DESCRIPTION_CHARS, MAX_SUBJECT_CHARS } from '../domain/open-ticket.decider.js';
import type { OpenTicketHandler } from './open-ticket.handler.js';

export const FOLLOW_UPS_REACTOR = 'intake.follow-ups';

/**
 * A customer's reply on a ticket resolved longer ago than the reopen window carries the id of a follow-up
 * ticket (triage decided it); intake opens that ticket, linked to the old one, for the same account and channel,
 * at the severity in effect on the old one, requested by whoever replied. The id comes from the reply, so a
 * redelivery finds the follow-up open and records nothing.
 */
export function followUpsReactor(runtime: { readonly store: EventStore }, openTicket: OpenTicketHandler): Reactor {
  return {
    name: FOLLOW_UPS_REACTOR,
    eventTypes: ['ReplyAdded'],
    async react(event: RecordedEvent) {
      const reply = event.data as ReplyAdded['data'];
      if (!reply.followUpTicketId) return;
      const history = (await runtime.store.readStream(ticketStream(reply.ticketId))) as unknown as (TicketEvent & RecordedEvent)[];
      const opened = history.find((e): e is TicketOpened & RecordedEvent => e.type === 'TicketOpened');
      if (!opened) return;
      const old = opened.data;
      const subject = `Follow-up: ${old.subject}`.slice(0, MAX_SUBJECT_CHARS);
      const description = (reply.body.trim() ? reply.body : '(the reply carried only files)').slice(0, MAX_DESCRIPTION_CHARS);
      await openTicket.execute(
        { id: reply.author.id, role: reply.author.role, accountId: old.accountId },
        {
          accountId: old.accountId,
          channel: old.channel === 'HEALTH_CHECK' ? 'PORTAL' : old.channel,
          subject,
          description,
          claimedSeverity: severityInEffect(history),
          diagnostics: old.diagnostics,
          externalId: null,
          receivedAt: new Date(reply.addedAt),
          receivedAtFrom: 'CHANNEL',
          followUp: { of: reply.ticketId, ticketId: reply.followUpTicketId },
          // The same person as the old ticket's requester keeps their name; someone else is known by their id.
          ...(old.requester?.id === reply.author.id ? { requester: old.requester } : channelRequester(reply.author.id)),
          followers: old.followers ?? [],
        },
      );
    },
  };
}

/** A channel's customer, known by the id its adapter gives them (`email:<address>`, `slack:<user>`). */
function channelRequester(id: string): { requester?: Requester } {
  if (id.startsWith('email:')) return { requester: { kind: 'EMAIL', id, name: null, email: id.slice('email:'.length) } };
  if (id.startsWith('slack:')) return { requester: { kind: 'SLACK', id, name: null, email: null } };
  return {};
}

/** The old ticket's severity as the SLA used it: the assessment, unless a dispute upheld the claim. */
function severityInEffect(history: readonly TicketEvent[]): Severity {
  let claimed: Severity = 'P3';
  let assessed: Severity | null = null;
  let upheld = false;
  for (const event of history) {
    if (event.type === 'TicketOpened') claimed = event.data.claimedSeverity;
    else if (event.type === 'SeverityAssessed') assessed = event.data.severity;
    else if (event.type === 'SeverityDisputeResolved') upheld = event.data.outcome === 'UPHELD';
  }
  return upheld ? claimed : (assessed ?? claimed);
}
