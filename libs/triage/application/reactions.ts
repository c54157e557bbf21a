import { v5 as uuidv5 } from 'uuid';
import {
  AppError,
  channelReplyKey,
  channelReplyStreams,
  type ChannelReplyReceived,
  type ChannelReplyRefused,
  incidentStream,
  linkedTicketsOf,
  ticketStream,
  type IncidentUpdatePosted,
  type PlatformIncidentResolved,
  type SlaClockBreached,
  type TicketEvent,
  type TicketOpened,
} from '#contracts';
import { comparePositions, type EventStore, type RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { foldStream, recordDecisions } from '#platform-kit';
import { ticketDecider } from '../domain/ticket.decider.js';
import { severityInEffect } from '../domain/ticket.state.js';
import type { TicketsCommands } from './tickets.commands.js';

// What triage does about other contexts' events: reactors on the log (docs/reactors.md).

export const CHANNEL_REPLIES_REACTOR = 'triage.channel-replies';

const REFUSAL_NAMESPACE = '2b9e4d7c-1a6f-4c3e-8d5b-7f0a9e1c2d43';
const CHANNEL_REPLIES = { id: 'triage-channel-replies', role: 'ADMIN' as const };

/**
 * A customer's message through a channel answered a ticket (intake's ChannelReplyReceived): triage decides the
 * reply on the ticket — ReplyAdded, its attachments, a reopening within the window, a follow-up after it — dated
 * at its receipt. The reply's id derives from the channel's message id, so a redelivery records nothing. What
 * the ticket decider refuses on the ticket as it stands (closed since intake's copy saw it, its attachment limit
 * reached) is recorded as ChannelReplyRefused on `reply-refusal-<key>` (id from the received event), which the
 * channel answers with; any other failure is retried and, after the retries, parked.
 */
export function channelRepliesReactor(tickets: TicketsCommands, store: EventStore): Reactor {
  return {
    name: CHANNEL_REPLIES_REACTOR,
    eventTypes: ['ChannelReplyReceived'],
    async react(event: RecordedEvent) {
      const received = event.data as ChannelReplyReceived['data'];
      const cause = { correlationId: event.metadata.correlationId, causationId: event.id };
      try {
        await tickets.channelReply(received, cause);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // A refusal only when the decider gives it again on the ticket as it stands (not a write race).
        const refusal = await tickets.channelReplyRefusal(received);
        if (!refusal) throw error;
        const field = typeof refusal.details['field'] === 'string' ? refusal.details['field'] : null;
        const refused: ChannelReplyRefused = {
          type: 'ChannelReplyRefused',
          data: { ticketId: received.ticketId, accountId: received.accountId, externalId: received.externalId, code: refusal.code, message: refusal.message, field, refusedAt: received.receivedAt },
        };
        await recordDecisions(store, channelReplyStreams.refused(channelReplyKey(received.accountId, received.externalId)), [{ actor: CHANNEL_REPLIES, events: [refused] }], {
          now: new Date(received.receivedAt),
          expectedRevision: 'any',
          eventIds: () => uuidv5(`refused\n${event.id}`, REFUSAL_NAMESPACE),
        });
      }
    },
  };
}

export const ESCALATE_ON_BREACH_REACTOR = 'triage.escalate-on-breach';

const ESCALATION_NAMESPACE = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const SLA_ENGINE = { id: 'sla-engine', role: 'ADMIN' as const, accountId: null };

/**
 * A P0/P1 ticket's first-response or resolution clock breached (SLA's SlaClockBreached): the ticket's escalation
 * level goes up once per breach — the event id derives from the breach (as SLA keys it), so a redelivery, or a
 * breach recorded twice, escalates once. The severity is the one in effect when SLA recorded the breach: the
 * ticket's events before it. A closed ticket is not escalated.
 */
export function escalateOnBreachReactor(tickets: TicketsCommands, store: EventStore): Reactor {
  return {
    name: ESCALATE_ON_BREACH_REACTOR,
    eventTypes: ['SlaClockBreached'],
    async react(event: RecordedEvent) {
      const breach = event.data as SlaClockBreached['data'];
      if (breach.metric !== 'FIRST_RESPONSE' && breach.metric !== 'RESOLUTION') return;
      const before = (await store.readStream(ticketStream(breach.ticketId))).filter((recorded) => comparePositions(recorded.position, event.position) < 0);
      const state = foldStream(ticketDecider, before as unknown as TicketEvent[]);
      if (!state.opened) return;
      const severity = severityInEffect(state);
      if (severity !== 'P0' && severity !== 'P1') return;
      const breachKey = `breach:${breach.ticketId}:${breach.metric}:${breach.cycle}`;
      try {
        await tickets.execute(SLA_ENGINE, breach.ticketId, { type: 'EscalateTicket', reason: 'SLA breach' }, null, uuidv5(`escalation:${breachKey}`, ESCALATION_NAMESPACE), new Date(event.metadata.occurredAt), {
          correlationId: event.metadata.correlationId,
          causationId: event.id,
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error; // a closed ticket is not escalated
      }
    },
  };
}

export const ROUTE_NEW_TICKETS_REACTOR = 'triage.route-new-tickets';

const ROUTING_NAMESPACE = 'e8b7c6d5-4a3f-4e2d-9c1b-0a9f8e7d6c5b';

/**
 * Every opened ticket is routed (TicketAssigned, automatic) by triage from the log, wherever intake opened it.
 * The assignment's id derives from the ticket, and a ticket that has an assignee is left alone, so a redelivery
 * records nothing. Intake's openTicket waits for it (bounded) to answer with the assignee.
 */
export function routeNewTicketsReactor(tickets: TicketsCommands): Reactor {
  return {
    name: ROUTE_NEW_TICKETS_REACTOR,
    eventTypes: ['TicketOpened'],
    async react(event: RecordedEvent) {
      const opened = event.data as TicketOpened['data'];
      await tickets.routeNewTicket(opened, uuidv5(`route:${opened.ticketId}`, ROUTING_NAMESPACE), { correlationId: event.metadata.correlationId, causationId: event.id });
    },
  };
}

export const INCIDENT_BROADCAST_REACTOR = 'triage.incident-broadcast';

const INCIDENT_NAMESPACE = '4f6e2a9c-8b1d-4e3a-9c7f-2d5b8a1e6c30';
/** Linked tickets whose streams are read with one statement (where the store can: readStreams) and appended with one `appendMany`. */
const INCIDENT_CHUNK = 500;

/** The broadcast reply on a ticket: its id (reply and event) derives from (update, ticket), so a retry records once. */
export const incidentReplyIdFor = (updateId: string, ticketId: string) => uuidv5(`incident-update\n${updateId}\n${ticketId}`, INCIDENT_NAMESPACE);

/**
 * A platform incident's effects on its linked tickets (incidents' events, from the log):
 * - a PUBLIC `IncidentUpdatePosted` becomes a public staff reply by the poster, at the update's instant, on every
 *   ticket linked before the update and neither resolved nor closed, carrying `incidentUpdateId` — for the SLA
 *   engine a public staff reply like any other (FIRST_RESPONSE stops, NEXT_UPDATE starts over);
 * - `PlatformIncidentResolved` with `resolveLinkedTickets` resolves each linked unresolved ticket with the
 *   incident's resolution and root cause.
 * Event ids derive from (update or incident, ticket): a redelivery records nothing new. INTERNAL updates reach none.
 */
export function incidentBroadcastReactor(tickets: TicketsCommands, store: EventStore): Reactor {
  return {
    name: INCIDENT_BROADCAST_REACTOR,
    eventTypes: ['IncidentUpdatePosted', 'PlatformIncidentResolved'],
    async react(event: RecordedEvent) {
      const data = event.data as IncidentUpdatePosted['data'] | PlatformIncidentResolved['data'];
      if (event.type === 'IncidentUpdatePosted' && (data as IncidentUpdatePosted['data']).visibility !== 'PUBLIC') return;
      if (event.type === 'PlatformIncidentResolved' && !(data as PlatformIncidentResolved['data']).resolveLinkedTickets) return;
      const before = (await store.readStream(incidentStream(data.incidentId))).filter((recorded) => comparePositions(recorded.position, event.position) < 0);
      const linked = [...linkedTicketsOf(before).keys()];
      const cause = { correlationId: event.metadata.correlationId, causationId: event.id };
      const at = new Date(event.metadata.occurredAt);
      const actor = event.metadata.actor;
      const principal = { id: actor.id, role: actor.role, accountId: null };
      const chunks: string[][] = [];
      for (let start = 0; start < linked.length; start += INCIDENT_CHUNK) chunks.push(linked.slice(start, start + INCIDENT_CHUNK));
      // One read for a chunk's streams; each ticket is decided on its own stream (read again only on a conflict).
      // The next chunk's tickets (others) are read while this chunk's replies are appended.
      const readChunk = (chunk: readonly string[]) => {
        const read = store.readStreams ? store.readStreams(chunk.map((ticketId) => ticketStream(ticketId))) : Promise.resolve(null);
        read.catch(() => undefined); // awaited below; a failure there fails this reaction, not the process
        return read;
      };
      let nextRead = chunks.length > 0 ? readChunk(chunks[0]!) : null;
      for (const [index, chunk] of chunks.entries()) {
        const streams = await nextRead!;
        nextRead = index + 1 < chunks.length ? readChunk(chunks[index + 1]!) : null;
        const reactions = chunk.map((ticketId) => {
          const recorded = streams?.get(ticketStream(ticketId));
          if (event.type === 'IncidentUpdatePosted') {
            const update = data as IncidentUpdatePosted['data'];
            const replyId = incidentReplyIdFor(update.updateId, ticketId);
            const body = `[${update.status}] ${update.body}`;
            return {
              ticketId,
              body: { type: 'AddReply' as const, replyId, followUpTicketId: replyId, body, visibility: 'PUBLIC' as const, requestsInformation: false, externalId: null, incidentUpdateId: update.updateId, skipIfResolved: true, attachments: [], maxTicketAttachmentBytes: 0 },
              eventId: replyId,
              recorded,
            };
          }
          const resolved = data as PlatformIncidentResolved['data'];
          return {
            ticketId,
            body: { type: 'ResolveTicket' as const, resolution: resolved.resolution, rootCause: resolved.rootCause, quietPeriodMs: tickets.quietPeriodMs },
            eventId: uuidv5(`incident-resolved\n${resolved.incidentId}\n${ticketId}`, INCIDENT_NAMESPACE),
            recorded,
          };
        });
        // A redelivery: the tickets that already have this event are left out (the append would answer alreadyRecorded).
        const due = reactions.filter(({ eventId, recorded }) => !recorded?.some((recordedEvent) => recordedEvent.id === eventId));
        // One append for the chunk's tickets; a ticket that moved since the read is decided again on its own.
        for (const outcome of await tickets.reactMany(principal, due, at, cause)) {
          // Closed, resolved or unknown tickets are refused or skipped by the decider: nothing to say there.
          if (outcome.status === 'rejected' && !(outcome.reason instanceof AppError)) throw outcome.reason;
        }
      }
    },
  };
}
