import { validRange } from 'semver';
import {
  badUserInput,
  conflict,
  notFound,
  type Actor,
  type IncidentEvent,
  type IncidentSeverity,
  type IncidentUpdateStatus,
  type IncidentVisibility,
} from '#contracts';
import type { Decider } from '#platform-kit';

export const MAX_LINKS_PER_CALL = 500;
const MAX_TEXT = 64 * 1024;

/** What the handler found about a ticket named in a link (from the incidents directory). */
export interface LinkCandidate {
  ticketId: string;
  /** null: no such ticket. */
  accountId: string | null;
  closed: boolean;
  /** Another open incident it is linked to, if any. */
  openIncidentId: string | null;
}

interface Base {
  incidentId: string;
  actor: Actor;
  now: Date;
}
export type IncidentCommand =
  | (Base & {
      type: 'DeclarePlatformIncident';
      title: string;
      severity: IncidentSeverity;
      regions: string[];
      components: string[];
      sdk: { name: string; versionRange: string } | null;
      startedAt: Date;
      publicSummary: string;
    })
  | (Base & { type: 'LinkTickets'; tickets: LinkCandidate[] })
  | (Base & { type: 'UnlinkTicket'; ticketId: string })
  | (Base & { type: 'PostIncidentUpdate'; updateId: string; status: IncidentUpdateStatus; body: string; visibility: IncidentVisibility })
  | (Base & { type: 'ResolvePlatformIncident'; resolution: string; rootCause: string; resolveLinkedTickets: boolean });

export interface IncidentState {
  declared: boolean;
  resolved: boolean;
  linked: Set<string>;
}

function text(value: string, field: string, max = MAX_TEXT): string {
  const trimmed = value.trim();
  if (!trimmed) throw badUserInput(`${field} must not be blank`, field);
  if (value.length > max) throw badUserInput(`${field} must be at most ${max} characters`, field);
  return trimmed;
}

function names(values: string[], field: string): string[] {
  const cleaned = [...new Set(values.map((value) => value.trim()).filter(Boolean))];
  if (cleaned.length > 100 || cleaned.some((value) => value.length > 200)) throw badUserInput(`${field}: at most 100 names of at most 200 characters`, field);
  return cleaned;
}

/** A platform incident (`incident-<id>`): declared, tickets linked and unlinked, updates posted, resolved once. */
export const incidentDecider: Decider<IncidentCommand, IncidentState, IncidentEvent> = {
  initialState: { declared: false, resolved: false, linked: new Set() },

  decide(command, state) {
    const by = command.actor;
    const at = command.now.toISOString();
    const incidentId = command.incidentId;
    if (command.type === 'DeclarePlatformIncident') {
      if (state.declared) throw conflict(`Incident ${incidentId} already exists`);
      const title = text(command.title, 'input.title', 500);
      const publicSummary = text(command.publicSummary, 'input.publicSummary');
      if (command.startedAt.getTime() > command.now.getTime()) throw badUserInput(`input.startedAt ${command.startedAt.toISOString()} is in the future (now: ${at})`, 'input.startedAt');
      let sdk: { name: string; versionRange: string } | null = null;
      if (command.sdk) {
        const name = text(command.sdk.name, 'input.sdk.name', 200);
        const range = validRange(command.sdk.versionRange.trim(), { loose: true });
        if (!range) throw badUserInput(`input.sdk.versionRange "${command.sdk.versionRange.slice(0, 100)}" is not a semver range`, 'input.sdk.versionRange');
        sdk = { name, versionRange: command.sdk.versionRange.trim() };
      }
      return [
        {
          type: 'PlatformIncidentDeclared',
          data: {
            incidentId,
            title,
            severity: command.severity,
            regions: names(command.regions, 'input.regions'),
            components: names(command.components, 'input.components'),
            sdk,
            startedAt: command.startedAt.toISOString(),
            publicSummary,
            declaredBy: by,
            declaredAt: at,
          },
        },
      ];
    }
    if (!state.declared) throw notFound('PlatformIncident');
    if (state.resolved) throw badUserInput(`Incident ${incidentId} is resolved; declare a new one`, 'incidentId');
    switch (command.type) {
      case 'LinkTickets': {
        const ids = [...new Set(command.tickets.map((t) => t.ticketId))];
        if (ids.length === 0) throw badUserInput('ticketIds must name at least one ticket', 'ticketIds');
        if (ids.length > MAX_LINKS_PER_CALL) throw badUserInput(`at most ${MAX_LINKS_PER_CALL} tickets per call (got ${ids.length})`, 'ticketIds');
        const unknown = command.tickets.filter((t) => t.accountId === null).map((t) => t.ticketId);
        if (unknown.length > 0) throw badUserInput(`Unknown tickets, nothing linked: ${unknown.join(', ')}`, 'ticketIds');
        const closed = command.tickets.filter((t) => t.closed).map((t) => t.ticketId);
        if (closed.length > 0) throw badUserInput(`Closed tickets cannot be linked, nothing linked: ${closed.join(', ')}`, 'ticketIds');
        const elsewhere = command.tickets.filter((t) => t.openIncidentId !== null && t.openIncidentId !== incidentId);
        if (elsewhere.length > 0) {
          throw conflict(`Tickets linked to another open incident, nothing linked: ${elsewhere.map((t) => `${t.ticketId} (incident ${t.openIncidentId})`).join(', ')}`);
        }
        const seen = new Set<string>();
        const tickets = command.tickets
          .filter((t) => !state.linked.has(t.ticketId) && !seen.has(t.ticketId) && seen.add(t.ticketId))
          .map((t) => ({ ticketId: t.ticketId, accountId: t.accountId! }));
        if (tickets.length === 0) return [];
        return [{ type: 'TicketsLinkedToIncident', data: { incidentId, tickets, linkedBy: by, linkedAt: at } }];
      }
      case 'UnlinkTicket':
        if (!state.linked.has(command.ticketId)) throw badUserInput(`Ticket ${command.ticketId} is not linked to incident ${incidentId}`, 'ticketId');
        return [{ type: 'TicketUnlinkedFromIncident', data: { incidentId, ticketId: command.ticketId, unlinkedBy: by, unlinkedAt: at } }];
      case 'PostIncidentUpdate': {
        const body = text(command.body, 'body');
        if (command.status === 'RESOLVED') throw badUserInput('status RESOLVED: resolve the incident with resolvePlatformIncident', 'status');
        return [{ type: 'IncidentUpdatePosted', data: { incidentId, updateId: command.updateId, status: command.status, body, visibility: command.visibility, postedBy: by, postedAt: at } }];
      }
      case 'ResolvePlatformIncident': {
        const resolution = text(command.resolution, 'resolution');
        const rootCause = text(command.rootCause, 'rootCause');
        return [{ type: 'PlatformIncidentResolved', data: { incidentId, resolution, rootCause, resolveLinkedTickets: command.resolveLinkedTickets, resolvedBy: by, resolvedAt: at } }];
      }
      default: {
        const unknown: never = command;
        throw new Error(`Unhandled incident command ${JSON.stringify(unknown)}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PlatformIncidentDeclared':
        return { ...state, declared: true };
      case 'TicketsLinkedToIncident': {
        const linked = new Set(state.linked);
        for (const t of event.data.tickets) linked.add(t.ticketId);
        return { ...state, linked };
      }
      case 'TicketUnlinkedFromIncident': {
        const linked = new Set(state.linked);
        linked.delete(event.data.ticketId);
        return { ...state, linked };
      }
      case 'IncidentUpdatePosted':
        return state;
      case 'PlatformIncidentResolved':
        return { ...state, resolved: true };
      default: {
        const unknown: never = event;
        throw new Error(`Unhandled incident event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
