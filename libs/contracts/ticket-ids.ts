import { v5 as uuidv5 } from 'uuid';
import type { Channel } from './support-terms.js';

/** Namespace for ticket ids derived from a channel's own message id (UUID v5). */
const EXTERNAL_TICKET_NAMESPACE = '0b8f4a52-8a3e-4c1e-9a57-3b2f9d6c1e44';

/**
 * The id of the ticket a channel message opens: derived from the account, the channel and the message's own
 * id, so a redelivery (in any process) opens the same ticket. Shared because the context that causes an
 * opening (a health check's finding) names the ticket before intake's reactor opens it.
 */
export function channelTicketId(accountId: string, channel: Channel, externalId: string): string {
  return uuidv5(`${accountId}\n${channel}\n${externalId}`, EXTERNAL_TICKET_NAMESPACE);
}

/** A health check's finding's message id, from which its HEALTH_CHECK ticket's id derives. */
export function findingExternalId(checkId: string, findingIndex: number): string {
  return `${checkId}:finding:${findingIndex}`;
}
