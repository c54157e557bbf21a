import { v5 as uuidv5 } from 'uuid';
import { AppError, type TicketOpened } from '#contracts';
import type { RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import type { PlatformRuntime } from '#platform-kit';
import { INCIDENTS_PROJECTION } from '../projections/incidents.projection.js';
import type { IncidentsCommands } from './incidents.commands.js';
import type { IncidentsQueries } from './incidents.queries.js';

export const AUTO_LINK_REACTOR = 'incidents.auto-link';

const AUTO_LINK_NAMESPACE = '0d7c3b52-61e4-4f0a-9b8e-5a2c1f3e7d94';
const WAIT_MS = 30_000;

/** The link's event id: from the ticket alone, so a redelivery (whatever happened since) records nothing new. */
export const autoLinkEventId = (ticketId: string) => uuidv5(`auto-link\n${ticketId}`, AUTO_LINK_NAMESPACE);

/**
 * Auto-linking at intake (docs/incidents.md#auto-linking): a ticket opened while its account's contract in force
 * allows it (`autoLinkIncidents`) is linked at once to the open incident it matches best — the first of
 * `Ticket.suggestedIncidents`' ranking, scoring at least AUTO_LINK_MIN_SCORE — as of its TicketOpened's place in the
 * log (incidents declared after it, or resolved before it, are not candidates). A ticket linked meanwhile to
 * another open incident stays where it is (the link's CONFLICT is the answer); so does one closed meanwhile.
 * The event id derives from the ticket: a redelivery, or one after an unlink, records nothing.
 */
export function autoLinkReactor(runtime: PlatformRuntime, queries: IncidentsQueries, commands: IncidentsCommands): Reactor {
  const directoryAt = async (event: RecordedEvent) => {
    if (!(await runtime.reached(INCIDENTS_PROJECTION, event.position, AbortSignal.timeout(WAIT_MS)))) {
      throw new Error(`${INCIDENTS_PROJECTION} has not reached ${event.id} yet`);
    }
  };
  const link = async (event: RecordedEvent) => {
    const opened = event.data as TicketOpened['data'];
    const target = await queries.autoLinkTarget(opened.ticketId, event.position);
    if (!target) return;
    try {
      await commands.autoLink(target.incident.id, opened.ticketId, autoLinkEventId(opened.ticketId), new Date(event.metadata.occurredAt), {
        correlationId: event.metadata.correlationId,
        causationId: event.id,
      });
    } catch (error) {
      // Linked to another open incident, closed, or the incident resolved meanwhile: the ticket stays as it is.
      if (!(error instanceof AppError)) throw error;
    }
  };
  return {
    name: AUTO_LINK_REACTOR,
    eventTypes: ['TicketOpened'],
    async react(event: RecordedEvent) {
      await directoryAt(event);
      await link(event);
    },
    /** A burst of openings: one wait, one lookup of which tickets' contracts auto-link; only those go further. */
    async reactBatch(events: readonly RecordedEvent[]) {
      await directoryAt(events[events.length - 1]!);
      const autoLinking = await queries.autoLinkingTickets(events.map((event) => ({ ticketId: (event.data as TicketOpened['data']).ticketId, opened: event.position })));
      for (const event of events) if (autoLinking.has((event.data as TicketOpened['data']).ticketId)) await link(event);
    },
  };
}
