import { channelTicketId, findingExternalId, type HealthCheckCompleted } from '#contracts';
import type { RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { noDiagnostics } from '../channels/channel-messages.js';
import type { OpenTicketHandler } from './open-ticket.handler.js';

export const FINDING_TICKETS_REACTOR = 'intake.finding-tickets';

/**
 * A completed health check's findings marked for a ticket (HealthCheckCompleted, each such finding naming its
 * ticket) are opened as HEALTH_CHECK tickets, by whoever completed the check, received at the completion. The
 * ticket's id derives from the check and the finding (`channelTicketId`), as health checks named it, so a
 * redelivery answers with the ticket it opened and records nothing.
 */
export function findingTicketsReactor(openTicket: OpenTicketHandler): Reactor {
  return {
    name: FINDING_TICKETS_REACTOR,
    eventTypes: ['HealthCheckCompleted'],
    async react(event: RecordedEvent) {
      const completed = event.data as HealthCheckCompleted['data'];
      const principal = { id: event.metadata.actor.id, role: event.metadata.actor.role, accountId: null };
      for (const [index, finding] of completed.findings.entries()) {
        if (!finding.ticketId) continue;
        const externalId = findingExternalId(completed.checkId, index);
        if (channelTicketId(completed.accountId, 'HEALTH_CHECK', externalId) !== finding.ticketId) {
          throw new Error(`Finding ${index} of check ${completed.checkId} names ticket ${finding.ticketId}, not the one derived from it`);
        }
        await openTicket.execute(principal, {
          accountId: completed.accountId,
          channel: 'HEALTH_CHECK',
          subject: finding.summary.trim(),
          description: `${finding.recommendation.trim()}\n\nFound in health check ${completed.checkId}.`,
          claimedSeverity: finding.severity,
          diagnostics: noDiagnostics(),
          externalId,
          receivedAt: new Date(event.metadata.occurredAt),
          receivedAtFrom: 'CHANNEL',
        });
      }
    },
  };
}
