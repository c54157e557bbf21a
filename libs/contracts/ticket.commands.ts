import type { Principal } from './principal.js';

// Commands one context dispatches to another inside a process (@nestjs/cqrs CommandBus). Events remain the
// only way state crosses contexts; these only ask the owner of the ticket stream to decide something now.

/** Intake → triage: route a ticket just opened to an engineer (or the account's TAM). */
export class RouteNewTicket {
  constructor(readonly ticketId: string) {}
}

/** Intake (e-mail and IM replies) → triage: add a reply to an existing ticket. Resolves to the append position. */
export class AddChannelReply {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly body: string,
    readonly externalId: string,
  ) {}
}

/** Intake → SLA: pin the contract and calendar versions in force at the ticket's receivedAt. */
export class PinSlaPolicy {
  constructor(readonly ticketId: string) {}
}

/** SLA → triage: a P0/P1 breach raises the ticket's escalation level once (deterministic event id). */
export class EscalateForSlaBreach {
  constructor(
    readonly ticketId: string,
    readonly breachKey: string,
  ) {}
}
