import { v5 as uuidv5 } from 'uuid';
import { outboundStreams, ticketStream, type DeliveryRequested, type ReplyAdded, type TicketEvent } from '#contracts';
import { comparePositions, WrongExpectedVersion, type Position, type RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { recordDecisions, type Clock, type PlatformRuntime } from '#platform-kit';
import { emailForReply, platformMessageId } from '../domain/email-reply.js';
import { DELIVERY_NAMESPACE, OUTBOUND_ACTOR } from './delivery-sender.js';

export const EMAIL_REPLIES_REACTOR = 'outbound.email-replies';
/** The queue e-mail deliveries wait in (in place of a webhook id): one ticket's e-mails go in order. */
export const EMAIL_QUEUE = 'email';

/**
 * E-mail out: a public staff reply on a ticket whose requester has an e-mail address becomes an EMAIL delivery
 * (`delivery-<id>`, id derived from the reply's event, so a redelivered event records nothing); the
 * dispatcher sends it through SMTP with the same retries as a webhook. Registered only when
 * LEDGERDESK_SMTP_URL is set.
 */
export function emailRepliesReactor(runtime: PlatformRuntime, clock: Clock, from: string, kick: (position: Position) => void): Reactor {
  const goesOut = (event: RecordedEvent) => {
    const reply = event.data as ReplyAdded['data'];
    return reply.visibility === 'PUBLIC' && reply.side === 'STAFF';
  };
  /** The e-mail of one reply, given its ticket's stream; the position of its request (null: nothing recorded). */
  const request = async (event: RecordedEvent, ticket: readonly RecordedEvent[]): Promise<Position | null> => {
    const reply = event.data as ReplyAdded['data'];
    const before = ticket.filter((recorded) => comparePositions(recorded.position, event.position) < 0);
    const deliveryId = uuidv5(`${event.id}:${EMAIL_QUEUE}`, DELIVERY_NAMESPACE);
    const message = emailForReply(before as unknown as TicketEvent[], reply, { from, messageId: platformMessageId(deliveryId, from) });
    if (!message) return null;
    const opened = (before[0]?.data ?? {}) as { accountId?: string };
    const requested: DeliveryRequested = {
      type: 'DeliveryRequested',
      data: {
        deliveryId,
        kind: 'EMAIL',
        webhookId: EMAIL_QUEUE,
        idempotencyKey: message.messageId,
        url: `mailto:${[...message.to, ...message.cc].join(',')}`,
        ticketId: reply.ticketId,
        accountId: opened.accountId ?? '',
        sourceEventId: event.id,
        sourceEventType: event.type,
        payload: message,
        requestedAt: clock.now().toISOString(),
      },
    };
    return requestDelivery(runtime, clock, requested);
  };
  return {
    name: EMAIL_REPLIES_REACTOR,
    eventTypes: ['ReplyAdded'],
    async react(event: RecordedEvent) {
      if (!goesOut(event)) return;
      const position = await request(event, await runtime.store.readStream(ticketStream((event.data as ReplyAdded['data']).ticketId)));
      if (position) kick(position);
    },
    /** A batch (many replies at once): the tickets' streams read in one statement where the store can. */
    async reactBatch(events: readonly RecordedEvent[]) {
      const out = events.filter(goesOut);
      if (out.length === 0) return;
      const streams = out.map((event) => ticketStream((event.data as ReplyAdded['data']).ticketId));
      const tickets = runtime.store.readStreams ? await runtime.store.readStreams(streams) : null;
      let last: Position | null = null;
      for (const event of out) {
        const stream = ticketStream((event.data as ReplyAdded['data']).ticketId);
        const position = await request(event, tickets?.get(stream) ?? (await runtime.store.readStream(stream)));
        if (position) last = position;
      }
      if (last) kick(last);
    },
  };
}

/** Records a delivery's request once (`no_stream`; a replica or a redelivery that got there first wins). */
export async function requestDelivery(runtime: PlatformRuntime, clock: Clock, requested: DeliveryRequested): Promise<Position | null> {
  const deliveryId = requested.data.deliveryId;
  try {
    const result = await recordDecisions(runtime.store, outboundStreams.delivery(deliveryId), [{ actor: OUTBOUND_ACTOR, events: [requested] }], {
      now: clock.now(),
      expectedRevision: 'no_stream',
      eventIds: () => uuidv5(`${deliveryId}:requested`, DELIVERY_NAMESPACE),
    });
    return result.appended?.position ?? null;
  } catch (error) {
    if (error instanceof WrongExpectedVersion) return null;
    throw error;
  }
}
