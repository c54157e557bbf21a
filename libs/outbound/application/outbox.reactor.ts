import { v5 as uuidv5 } from 'uuid';
import { outboundStreams, type DeliveryRequested, type TicketEvent, type WebhookPayload } from '#contracts';
import { comparePositions, formatPosition, parsePosition, WrongExpectedVersion, type Position, type RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { recordDecisions, type Clock, type PlatformRuntime } from '#platform-kit';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook.decider.js';
import { OUTBOUND_DIRECTORY } from '../projections/outbound-directory.projection.js';
import { DELIVERY_NAMESPACE, OUTBOUND_ACTOR } from './delivery-sender.js';
import type { OutboundQueries, WebhookRow } from './outbound.queries.js';

export const OUTBOX_REACTOR = 'outbound.outbox';

/** Internal content (notes, their attachments) never goes to a hook scoped to an account. */
function isInternal(event: RecordedEvent): boolean {
  const data = event.data as { visibility?: string };
  return (event.type === 'ReplyAdded' || event.type === 'AttachmentAdded') && data.visibility === 'INTERNAL';
}

/**
 * A hook gets the events recorded while it was registered and not disabled (by place in the log, not by clock):
 * not before its registration, not after its current disabling, not inside an earlier disabled span.
 */
function activeAt(hook: WebhookRow, position: Position): boolean {
  if (comparePositions(parsePosition(hook.registeredPosition), position) >= 0) return false;
  if (hook.inactiveSpans.some((span) => comparePositions(parsePosition(span.from), position) < 0 && comparePositions(parsePosition(span.to), position) > 0)) return false;
  return !hook.disabledPosition || comparePositions(parsePosition(hook.disabledPosition), position) > 0;
}

/**
 * The outbox: each ticket event a webhook subscribes to becomes a delivery on its own stream
 * (`DeliveryRequested`, id derived from the event and the webhook, so a redelivery of the event records
 * nothing), then the dispatcher sends it. Who subscribes is read from the outbound directory once it has
 * passed the event, so a hook registered just before an event gets it and one registered after does not.
 */
export function outboxReactor(runtime: PlatformRuntime, clock: Clock, queries: OutboundQueries, kick: (position: Position) => void): Reactor {
  const directoryAt = async (position: Position) => {
    if (!(await runtime.reached(OUTBOUND_DIRECTORY, position, AbortSignal.timeout(30_000)))) throw new Error(`${OUTBOUND_DIRECTORY} has not reached ${formatPosition(position)} yet`);
  };
  /** The deliveries of one event to the hooks that subscribe to it; the position of the last one requested. */
  const request = async (event: RecordedEvent, accountId: string | null, candidates: readonly WebhookRow[]): Promise<Position | null> => {
    const ticket = event as unknown as TicketEvent;
    const ticketId = ticket.data.ticketId;
    if (!accountId) throw new Error(`No account known for ticket ${ticketId}`);
    const hooks = candidates.filter((hook) => subscribes(hook, event.type, accountId) && activeAt(hook, event.position) && !(hook.accountId && isInternal(event)));
    let last: Position | null = null;
    for (const hook of hooks) {
      const deliveryId = uuidv5(`${event.id}:${hook.id}`, DELIVERY_NAMESPACE);
      const payload: WebhookPayload = { id: event.id, type: event.type, occurredAt: event.metadata.occurredAt, ticketId, accountId, data: event.data };
      const requested: DeliveryRequested = {
        type: 'DeliveryRequested',
        data: {
          deliveryId,
          webhookId: hook.id,
          idempotencyKey: deliveryId,
          url: hook.url,
          ticketId,
          accountId,
          sourceEventId: event.id,
          sourceEventType: event.type,
          payload,
          requestedAt: clock.now().toISOString(),
        },
      };
      try {
        const result = await recordDecisions(runtime.store, outboundStreams.delivery(deliveryId), [{ actor: OUTBOUND_ACTOR, events: [requested] }], {
          now: clock.now(),
          expectedRevision: 'no_stream',
          eventIds: () => uuidv5(`${deliveryId}:requested`, DELIVERY_NAMESPACE),
        });
        if (result.appended) last = result.appended.position;
      } catch (error) {
        // Recorded already under another id cannot happen (the id derives from the delivery); a stream that
        // exists means a replica requested it first.
        if (!(error instanceof WrongExpectedVersion)) throw error;
      }
    }
    return last;
  };
  const accountOf = (event: RecordedEvent) => (event.type === 'TicketOpened' ? (event.data as { accountId: string }).accountId : null);
  return {
    name: OUTBOX_REACTOR,
    eventTypes: WEBHOOK_EVENT_TYPES,
    async react(event: RecordedEvent) {
      await directoryAt(event.position);
      const ticketId = (event.data as { ticketId: string }).ticketId;
      const accountId = accountOf(event) ?? (await queries.ticketAccount(ticketId));
      const last = await request(event, accountId, accountId ? await queries.subscribers(event.type, accountId) : []);
      if (last) kick(last);
    },
    /** A batch (a broadcast's thousands of replies): the directory waited for once, accounts and hooks read once. */
    async reactBatch(events: readonly RecordedEvent[]) {
      await directoryAt(events[events.length - 1]!.position);
      const unknown = [...new Set(events.filter((event) => !accountOf(event)).map((event) => (event.data as { ticketId: string }).ticketId))];
      const accounts = await queries.ticketAccounts(unknown);
      const hooks = await queries.subscribersOfAny([...new Set(events.map((event) => event.type))]);
      let last: Position | null = null;
      for (const event of events) {
        const accountId = accountOf(event) ?? accounts.get((event.data as { ticketId: string }).ticketId) ?? null;
        last = (await request(event, accountId, hooks)) ?? last;
      }
      if (last) kick(last);
    },
  };
}

/** What `subscribers(eventType, accountId)` selects: hooks for that type, of every account or of that one. */
function subscribes(hook: WebhookRow, eventType: string, accountId: string): boolean {
  return hook.eventTypes.includes(eventType) && (hook.accountId === null || hook.accountId === accountId);
}
