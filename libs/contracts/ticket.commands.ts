import type { Actor } from '#event-store';
import type { Principal } from './principal.js';
import type { TicketEvent, TicketOpened } from './tickets.events.js';
import type { Severity } from './support-terms.js';

// Commands one context dispatches to another inside a process (@nestjs/cqrs CommandBus). Events remain the
// only way state crosses contexts; these only ask the owner of the ticket stream to decide something now.

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
