import type { Actor } from '#event-store';
import type { Principal } from './principal.js';
import type { TicketEvent, TicketOpened } from './tickets.events.js';
import type { Severity } from './support-terms.js';

// Commands one context dispatches to another inside a process (@nestjs/cqrs CommandBus). Events remain the
// only way state crosses contexts; these only ask the owner of the ticket stream to decide something now.

/**
 * Intake → triage: how to route a ticket being opened, decided before anything is recorded. Resolves to a
 * `NewTicketRouting`: the events triage decides (a TicketAssigned to an engineer or the account's TAM, or
 * none) and their actor, which intake records in the same append as TicketOpened.
 */
export class RouteNewTicket {
  constructor(
    readonly opened: TicketOpened['data'],
    /** The instant the ticket is opened (routing checks shifts then; the assignment is dated then). */
    readonly now: Date,
  ) {}
}

export interface NewTicketRouting {
  actor: Actor;
  events: TicketEvent[];
}

/**
 * Intake (e-mail and IM replies) → triage: add a reply to an existing ticket. Resolves to whether this call
 * recorded it (false: the same channel message was already recorded, e.g. by another process).
 */
export class AddChannelReply {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly body: string,
    readonly externalId: string,
    /** Uploads the message carried (e-mail parts), stored by the channel as this principal's. */
    readonly attachmentIds: readonly string[] = [],
  ) {}
}

/** SLA → triage: a P0/P1 breach raises the ticket's escalation level once (deterministic event id). */
export class EscalateForSlaBreach {
  constructor(
    readonly ticketId: string,
    readonly breachKey: string,
  ) {}
}

/** Health checks → intake: open a HEALTH_CHECK ticket for a finding. Resolves to the ticket id. */
export class OpenHealthCheckTicket {
  constructor(
    readonly principal: Principal,
    readonly accountId: string,
    readonly subject: string,
    readonly description: string,
    readonly claimedSeverity: Severity,
    /** Derived from the check and the finding, so a retried completion opens the same ticket. */
    readonly externalId: string,
  ) {}
}

/** Intake → health checks: a new ticket may report an SDK version an advisory names. */
export class ReportSdkExposure {
  constructor(
    readonly ticketId: string,
    readonly accountId: string,
    readonly sdkName: string | null,
    readonly sdkVersion: string | null,
  ) {}
}

/** Accounts → health checks: the account changed TAM; its SCHEDULED checks follow. */
export class MoveScheduledChecks {
  constructor(readonly accountId: string) {}
}
