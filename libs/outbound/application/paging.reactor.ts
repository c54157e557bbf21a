import { v5 as uuidv5 } from 'uuid';
import {
  outboundStreams,
  slaStream,
  ticketStream,
  type OnCallConfigured,
  type PagingEvent,
  type SlaClockBreached,
  type SlaWarningReached,
  type TicketEvent,
  type TicketOpened,
  type TicketUnassignable,
} from '#contracts';
import { comparePositions, type Position, type RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import type { Clock, PlatformRuntime } from '#platform-kit';
import { clockStoppedBy, pageForBreach, pageForOpened, pageForUnassignable, pageForWarning, resolvePage, resolvesFor, severityInEffect, type SlaPage } from '../domain/paging.js';
import { DELIVERY_NAMESPACE } from './delivery-sender.js';
import { requestDelivery } from './email-replies.reactor.js';
import { onCallConfigAt, onCallConfigIn } from './on-call.js';

export const PAGING_REACTOR = 'outbound.paging';
export const PAGING_QUEUE = 'paging';

/** The env default (LEDGERDESK_PAGING_URL without configureOnCall): every trigger but SLA_WARNING, as before it existed. */
const ALL = { severities: ['P0', 'P1'], triggers: ['TICKET_OPENED', 'UNASSIGNED', 'SLA_BREACH'] };

/** The PAGING delivery a trigger (a page, not a resolve) of this event becomes. */
const triggerDeliveryId = (eventId: string) => uuidv5(`${eventId}:${PAGING_QUEUE}`, DELIVERY_NAMESPACE);

/**
 * On-call paging: a P0 opened, a P0/P1 nobody can take (TicketUnassignable), a P0/P1 clock warned (SLA_WARNING, not
 * in the env default) or breached (severity in effect before the warning or breach), become PAGING deliveries (PagerDuty Events v2 body, id derived from the event) to the
 * endpoint `configureOnCall` recorded before the event (else LEDGERDESK_PAGING_URL; neither: nothing), filtered by
 * its triggers and severities. Taking, answering or resolving the ticket sends `resolve` for the pages it closes
 * (see resolvesFor), to the same endpoint, through the same outbox.
 */
export function pagingReactor(runtime: PlatformRuntime, clock: Clock, envUrl: string | null, kick: (position: Position) => void): Reactor {
  const page = async (event: RecordedEvent, config: OnCallConfigured['data'] | null) => {
    const url = config?.url ?? envUrl;
    if (!url) return;
    const filter = config ?? ALL;
    const pages: PagingEvent[] = [];
    const { ticketId, accountId: eventAccount } = event.data as { ticketId: string; accountId?: string };
    let accountId = eventAccount ?? '';
    const ticketBefore = async () =>
      (await runtime.store.readStream(ticketStream(ticketId))).filter((recorded) => comparePositions(recorded.position, event.position) < 0) as unknown as TicketEvent[];
    if (event.type === 'TicketOpened') {
      const page = pageForOpened(event.data as TicketOpened['data']);
      if (page && filter.triggers.includes('TICKET_OPENED') && filter.severities.includes('P0')) pages.push(page);
    } else if (event.type === 'TicketUnassignable') {
      const found = event.data as TicketUnassignable['data'];
      const opening = (await runtime.store.readStream(ticketStream(ticketId), { maxCount: 1 }))[0] as unknown as TicketOpened | undefined;
      if (filter.triggers.includes('UNASSIGNED') && filter.severities.includes(found.severity)) pages.push(pageForUnassignable(found, opening?.data.subject ?? ''));
    } else if (event.type === 'SlaClockBreached' || event.type === 'SlaWarningReached') {
      const before = await ticketBefore();
      const severity = severityInEffect(before);
      const subject = before.find((e): e is TicketOpened => e.type === 'TicketOpened')?.data.subject ?? '';
      const [page, trigger] =
        event.type === 'SlaClockBreached'
          ? [pageForBreach(event.data as SlaClockBreached['data'], severity, subject), 'SLA_BREACH' as const]
          : [pageForWarning(event.data as SlaWarningReached['data'], severity, subject), 'SLA_WARNING' as const];
      if (page && severity && filter.triggers.includes(trigger) && filter.severities.includes(severity)) pages.push(page);
    } else {
      const before = await ticketBefore();
      accountId = before.find((e): e is TicketOpened => e.type === 'TicketOpened')?.data.accountId ?? '';
      const ticketEvents = (await runtime.store.readStream(ticketStream(ticketId))) as unknown as (TicketEvent & RecordedEvent)[];
      const slaEvents = ((await runtime.store.readStream(slaStream(ticketId))) as unknown as ((SlaClockBreached | SlaWarningReached) & RecordedEvent)[]).filter(
        (e) => (e.type === 'SlaClockBreached' || e.type === 'SlaWarningReached') && comparePositions(e.position, event.position) < 0,
      );
      // The SLA pages that were sent (their trigger delivery exists), and whether their clock stopped since.
      const slaPages: SlaPage[] = [];
      for (const e of slaEvents) {
        if (!(await runtime.store.streamHead(outboundStreams.delivery(triggerDeliveryId(e.id))))) continue;
        const between = ticketEvents.filter((t) => comparePositions(t.position, e.position) > 0 && comparePositions(t.position, event.position) < 0);
        slaPages.push({
          metric: e.data.metric,
          cycle: e.data.cycle,
          severity: severityInEffect(ticketEvents.filter((t) => comparePositions(t.position, e.position) < 0)),
          closed: between.some((t) => clockStoppedBy(t, e.data.metric)),
        });
      }
      // A resolve is sent whatever the filter is now: the page was sent under the one in force then.
      for (const key of resolvesFor(event as unknown as TicketEvent, before, slaPages)) pages.push(resolvePage(key));
    }
    for (const page of pages) {
      const deliveryId = page.event_action === 'trigger' ? triggerDeliveryId(event.id) : uuidv5(`${event.id}:${PAGING_QUEUE}:${page.dedup_key}`, DELIVERY_NAMESPACE);
      // A warning shares its dedup_key with the breach page of the same clock: its idempotency key says which it is.
      const trigger = page.payload?.class === 'SLA_WARNING' ? `${page.dedup_key}:warning` : page.dedup_key;
      const position = await requestDelivery(runtime, clock, {
        type: 'DeliveryRequested',
        data: {
          deliveryId,
          kind: 'PAGING',
          webhookId: PAGING_QUEUE,
          idempotencyKey: page.event_action === 'trigger' ? trigger : `${page.dedup_key}:resolve:${event.id}`,
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
    }
  };
  return {
    name: PAGING_REACTOR,
    eventTypes: ['TicketOpened', 'SlaWarningReached', 'SlaClockBreached', 'TicketUnassignable', 'TicketAssigned', 'ReplyAdded', 'TicketResolved', 'TicketClosed'],
    async react(event: RecordedEvent) {
      await page(event, await onCallConfigAt(runtime.store, event.position));
    },
    /** The on-call stream read once for a batch (a broadcast's replies), each event paged with the configuration before it. */
    async reactBatch(events: readonly RecordedEvent[]) {
      const configurations = await runtime.store.readStream(outboundStreams.onCall());
      for (const event of events) await page(event, onCallConfigIn(configurations, event.position));
    },
  };
}
