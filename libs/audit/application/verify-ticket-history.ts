import { claimStream, incidentStream, slaStream, ticketStream } from '#contracts';
import type { EventStore, StreamIntegrity } from '#event-store';

export interface TicketIntegrity {
  ticketId: string;
  valid: boolean;
  eventsChecked: number;
  headHash: string | null;
  brokenAtRevision: number | null;
  problem: string | null;
}

/**
 * Recomputes the hash chains of a ticket's stream and of the SLA and claim streams it references, and names
 * the first break. `claimIds` come from the claims read model; a claim stream that is missing altogether is
 * reported too (the record referenced it). `incidentIds`: the platform incidents the ticket was ever linked to
 * (their `incident-<id>` streams are checked too).
 */
export async function verifyTicketHistory(store: EventStore, ticketId: string, claimIds: readonly string[], incidentIds: readonly string[] = []): Promise<TicketIntegrity | null> {
  const ticket = await store.verifyStream(ticketStream(ticketId));
  if (ticket.eventsChecked === 0 && ticket.valid) return null;
  const others: StreamIntegrity[] = [await store.verifyStream(slaStream(ticketId))];
  for (const claimId of claimIds) others.push(await store.verifyStream(claimStream(claimId)));
  for (const incidentId of incidentIds) others.push(await store.verifyStream(incidentStream(incidentId)));
  const reports = [ticket, ...others];
  const broken = reports.find((report) => !report.valid);
  return {
    ticketId,
    valid: !broken,
    eventsChecked: reports.reduce((sum, report) => sum + report.eventsChecked, 0),
    headHash: ticket.headHash,
    brokenAtRevision: broken?.brokenAtRevision ?? null,
    problem: broken ? `${broken.stream}: ${broken.problem}` : null,
  };
}
