import { v5 as uuidv5 } from 'uuid';
import { AppError, ticketStream, type SlaClockBreached, type TicketEvent, type TicketOpened } from '#contracts';
import { comparePositions, type EventStore, type RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { foldStream } from '#platform-kit';
import { ticketDecider } from '../domain/ticket.decider.js';
import { severityInEffect } from '../domain/ticket.state.js';
import type { TicketsCommands } from './tickets.commands.js';

// What triage does about other contexts' events: reactors on the log (docs/reactors.md).

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
