import type { TicketOpened } from '#contracts';
import type { RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import type { SlaCommands } from './sla.commands.js';

export const PIN_POLICIES_REACTOR = 'sla.pin-policies';

/**
 * SLA reacts to every opened ticket by pinning the policy in force at its receivedAt. The pin's event id
 * derives from the ticket, so a redelivery records nothing; a pin missed by a crash is made when the reactor
 * catches up from its checkpoint.
 */
export function pinPoliciesReactor(commands: SlaCommands): Reactor {
  return {
    name: PIN_POLICIES_REACTOR,
    eventTypes: ['TicketOpened'],
    async react(event: RecordedEvent) {
      const opened = event.data as TicketOpened['data'];
      await commands.pin(opened.ticketId, opened.accountId, new Date(opened.receivedAt));
    },
  };
}
