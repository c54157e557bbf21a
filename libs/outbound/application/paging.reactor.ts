import { v5 as uuidv5 } from 'uuid';
import { ticketStream, type PagingEvent, type SlaClockBreached, type TicketEvent, type TicketOpened, type TicketUnassignable } from '#contracts';
import { comparePositions, type Position, type RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import type { Clock, PlatformRuntime } from '#platform-kit';
import { pageForBreach, pageForOpened, pageForUnassignable, severityInEffect } from '../domain/paging.js';
import { DELIVERY_NAMESPACE } from './delivery-sender.js';
import { requestDelivery } from './email-replies.reactor.js';

export const PAGING_REACTOR = 'outbound.paging';
export const PAGING_QUEUE = 'paging';

/**
 * On-call paging: a P0 opened, a P0/P1 nobody can take (TicketUnassignable), and a P0/P1 clock breached (severity in effect before the breach), become PAGING
 * deliveries (PagerDuty Events v2 body, id derived from the event) to LEDGERDESK_PAGING_URL, sent and retried
 * like every delivery. Registered only when paging is configured.
 */
export function pagingReactor(runtime: PlatformRuntime, clock: Clock, url: string, kick: (position: Position) => void): Reactor {
  return {
    name: PAGING_REACTOR,
    eventTypes: ['TicketOpened', 'SlaClockBreached', 'TicketUnassignable'],
    async react(event: RecordedEvent) {
      let page: PagingEvent | null;
      let ticketId: string;
      let accountId: string;
      if (event.type === 'TicketOpened') {
        const opened = event.data as TicketOpened['data'];
        ({ ticketId, accountId } = opened);
        page = pageForOpened(opened);
      } else if (event.type === 'TicketUnassignable') {
        const found = event.data as TicketUnassignable['data'];
        ({ ticketId, accountId } = found);
        const opening = (await runtime.store.readStream(ticketStream(ticketId), { maxCount: 1 }))[0] as unknown as TicketOpened | undefined;
        page = pageForUnassignable(found, opening?.data.subject ?? '');
      } else {
        const breach = event.data as SlaClockBreached['data'];
        ({ ticketId, accountId } = breach);
        const before = (await runtime.store.readStream(ticketStream(ticketId))).filter((recorded) => comparePositions(recorded.position, event.position) < 0) as unknown as TicketEvent[];
        const subject = before.find((e): e is TicketOpened => e.type === 'TicketOpened')?.data.subject ?? '';
        page = pageForBreach(breach, severityInEffect(before), subject);
      }
      if (!page) return;
      const deliveryId = uuidv5(`${event.id}:${PAGING_QUEUE}`, DELIVERY_NAMESPACE);
      const position = await requestDelivery(runtime, clock, {
        type: 'DeliveryRequested',
        data: {
          deliveryId,
          kind: 'PAGING',
          webhookId: PAGING_QUEUE,
          idempotencyKey: page.dedup_key,
          url,
          ticketId,
          accountId,
          sourceEventId: event.id,
          sourceEventType: event.type,
          payload: page,
          requestedAt: clock.now().toISOString(),
        },
      });
      if (position) kick(position);
    },
  };
}
