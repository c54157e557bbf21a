import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { badUserInput, incidentStream, type IncidentSeverity, type IncidentUpdateStatus, type IncidentVisibility, type Principal } from '#contracts';
import { CLOCK, executeCommand, PlatformRuntime, type Clock } from '#platform-kit';
import { incidentDecider, MAX_LINKS_PER_CALL, type IncidentCommand } from '../domain/incident.decider.js';
import { INCIDENTS_PROJECTION } from '../projections/incidents.projection.js';
import { IncidentsQueries } from './incidents.queries.js';

/** Who auto-links a ticket at intake (the envelope's actor and the link's `linkedBy`). */
export const AUTO_LINKER = { id: 'incident-auto-link', role: 'ADMIN' as const };

type Body = IncidentCommand extends infer C ? (C extends IncidentCommand ? Omit<C, 'incidentId' | 'actor' | 'now'> : never) : never;

export interface DeclareIncidentInput {
  title: string;
  severity: IncidentSeverity;
  regions: string[];
  components: string[];
  sdk: { name: string; versionRange: string } | null;
  startedAt: Date;
  publicSummary: string;
}

/** Declaring, linking, updating and resolving platform incidents (ENGINEER, ADMIN). */
@Injectable()
export class IncidentsCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IncidentsQueries) private readonly queries: IncidentsQueries,
  ) {}

  private async execute(principal: Principal, incidentId: string, body: Body) {
    const actor = { id: principal.id, role: principal.role };
    const now = this.clock.now();
    const result = await executeCommand(this.runtime.store, incidentStream(incidentId), incidentDecider, { ...body, incidentId, actor, now } as IncidentCommand, { actor, now });
    await this.runtime.settled(result);
    return result;
  }

  async declare(principal: Principal, input: DeclareIncidentInput): Promise<string> {
    const incidentId = randomUUID();
    await this.execute(principal, incidentId, { type: 'DeclarePlatformIncident', ...input });
    return incidentId;
  }

  async link(principal: Principal, incidentId: string, ticketIds: readonly string[]) {
    const ids = [...new Set(ticketIds)];
    if (ids.length > MAX_LINKS_PER_CALL) throw badUserInput(`at most ${MAX_LINKS_PER_CALL} tickets per call (got ${ids.length})`, 'ticketIds');
    // The directory must include every ticket opened (and every link made) before this call.
    const head = await this.runtime.store.headPosition();
    if (head) await this.runtime.reached(INCIDENTS_PROJECTION, head, AbortSignal.timeout(10_000));
    const tickets = await this.queries.linkCandidates(ids);
    return this.execute(principal, incidentId, { type: 'LinkTickets', tickets });
  }

  unlink = (principal: Principal, incidentId: string, ticketId: string) => this.execute(principal, incidentId, { type: 'UnlinkTicket', ticketId });

  async postUpdate(principal: Principal, incidentId: string, status: IncidentUpdateStatus, body: string, visibility: IncidentVisibility): Promise<string> {
    const updateId = randomUUID();
    await this.execute(principal, incidentId, { type: 'PostIncidentUpdate', updateId, status, body, visibility });
    return updateId;
  }

  /**
   * Auto-linking at intake (the `incidents.auto-link` reactor): one ticket linked to one incident as the reactor's
   * principal, dated `at`, the event id given by the reactor (derived from the ticket), caused by its TicketOpened.
   */
  async autoLink(incidentId: string, ticketId: string, eventId: string, at: Date, cause: { correlationId: string; causationId: string }) {
    const actor = AUTO_LINKER;
    const tickets = await this.queries.linkCandidates([ticketId]);
    return executeCommand(this.runtime.store, incidentStream(incidentId), incidentDecider, { type: 'LinkTickets', tickets, incidentId, actor, now: at }, { actor, now: at, eventIds: () => eventId, ...cause });
  }

  resolve = (principal: Principal, incidentId: string, resolution: string, rootCause: string, resolveLinkedTickets: boolean) =>
    this.execute(principal, incidentId, { type: 'ResolvePlatformIncident', resolution, rootCause, resolveLinkedTickets });
}
