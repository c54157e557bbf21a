import { claimStream, incidentStream, outboundStreams, slaStream, ticketStream } from '#contracts';
import type { EventStore, SqlExecutor, StreamIntegrity } from '#event-store';

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
 * the first break. `claimIds` come from the claims read model, `deliveryIds` (what was sent about the ticket)
 * and `incidentIds` (the platform incidents it was ever linked to) from audit's own copies of the log; a claim
 * or delivery stream that is missing altogether is reported too (the record referenced it).
 */
export async function verifyTicketHistory(
  store: EventStore,
  ticketId: string,
  claimIds: readonly string[],
  deliveryIds: readonly string[] = [],
  incidentIds: readonly string[] = [],
): Promise<TicketIntegrity | null> {
  const ticket = await store.verifyStream(ticketStream(ticketId));
  if (ticket.eventsChecked === 0 && ticket.valid) return null;
  const others: StreamIntegrity[] = [await store.verifyStream(slaStream(ticketId))];
  for (const claimId of claimIds) others.push(await store.verifyStream(claimStream(claimId)));
  for (const deliveryId of deliveryIds) others.push(await store.verifyStream(outboundStreams.delivery(deliveryId)));
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

/**
 * The ids of the deliveries made about a ticket, in request order, from audit's own copy of the log
 * (audit.ticket-deliveries). A customer gets only those to hooks scoped to their own account, as in
 * `ticketHistory.deliveryEvents` (those never carry internal notes); staff get every kind.
 */
export async function deliveryIdsOfTicket(db: SqlExecutor, ticketId: string, customerAccountId: string | null): Promise<string[]> {
  const rows = await db
    .query<{ id: string }>(
      customerAccountId === null
        ? 'SELECT delivery_id AS id FROM audit.ticket_deliveries WHERE ticket_id = $1 ORDER BY requested_at, delivery_id'
        : 'SELECT d.delivery_id AS id FROM audit.ticket_deliveries d JOIN audit.webhook_accounts w ON w.webhook_id = d.webhook_id WHERE d.ticket_id = $1 AND w.account_id = $2 ORDER BY d.requested_at, d.delivery_id',
      customerAccountId === null ? [ticketId] : [ticketId, customerAccountId],
    )
    .catch(() => []);
  return rows.map((row) => row.id);
}

/** The platform incidents a ticket was ever linked to (unlinking kept), from audit's own copy of the log. */
export async function incidentIdsOfTicket(db: SqlExecutor, ticketId: string): Promise<string[]> {
  const rows = await db
    .query<{ id: string }>('SELECT incident_id AS id FROM audit.ticket_incidents WHERE ticket_id = $1 ORDER BY incident_id', [ticketId])
    .catch(() => []);
  return rows.map((row) => row.id);
}
