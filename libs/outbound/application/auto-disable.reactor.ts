import { v5 as uuidv5 } from 'uuid';
import { outboundStreams, type DeliveryAbandoned, type DeliveryEvent } from '#contracts';
import type { RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { executeCommand, type Clock, type PlatformRuntime } from '#platform-kit';
import { webhookDecider } from '../domain/webhook.decider.js';
import { OUTBOUND_DELIVERIES } from '../projections/deliveries.projection.js';
import { DELIVERY_NAMESPACE, OUTBOUND_ACTOR } from './delivery-sender.js';
import type { OutboundQueries } from './outbound.queries.js';

export const AUTO_DISABLE_REACTOR = 'outbound.auto-disable';

/**
 * A hook failing for 24 h is disabled: when a WEBHOOK delivery is abandoned because its retries ran out (its last
 * DeliveryFailed has no next attempt; not an abandonment because the hook was disabled or is gone) and no delivery
 * to the same hook succeeded between that run's first attempt and the abandonment, the hook gets
 * `WebhookAutoDisabled` with the last error (event id from the abandonment: a replay records nothing). Judged by
 * recorded instants (the platform clock), so a replay decides the same.
 */
export function autoDisableReactor(runtime: PlatformRuntime, clock: Clock, queries: OutboundQueries): Reactor {
  return {
    name: AUTO_DISABLE_REACTOR,
    eventTypes: ['DeliveryAbandoned'],
    async react(event: RecordedEvent) {
      const abandoned = (event as unknown as DeliveryAbandoned).data;
      const recorded = (await runtime.store.readStream(outboundStreams.delivery(abandoned.deliveryId))) as unknown as (DeliveryEvent & RecordedEvent)[];
      const requested = recorded.find((e) => e.type === 'DeliveryRequested');
      if (!requested || requested.type !== 'DeliveryRequested' || (requested.data.kind ?? 'WEBHOOK') !== 'WEBHOOK') return;
      // This run: the events after the last redelivery request, up to the abandonment.
      const upTo = recorded.slice(0, recorded.findIndex((e) => e.id === event.id) + 1);
      const run = upTo.slice(upTo.map((e) => e.type).lastIndexOf('DeliveryRedeliveryRequested') + 1);
      const lastFailure = run.filter((e) => e.type === 'DeliveryFailed').at(-1);
      const firstAttempt = run.find((e) => e.type === 'DeliveryAttempted');
      if (!lastFailure || lastFailure.type !== 'DeliveryFailed' || lastFailure.data.nextAttemptAt !== null || !firstAttempt || firstAttempt.type !== 'DeliveryAttempted') return;
      const failingSince = new Date(firstAttempt.data.attemptedAt);
      const webhookId = requested.data.webhookId;
      if (!(await runtime.reached(OUTBOUND_DELIVERIES, event.position, AbortSignal.timeout(30_000)))) throw new Error(`${OUTBOUND_DELIVERIES} has not reached ${event.id} yet`);
      if (await queries.succeededBetween(webhookId, failingSince, new Date(abandoned.abandonedAt))) return;
      const now = clock.now();
      await executeCommand(
        runtime.store,
        outboundStreams.webhook(webhookId),
        webhookDecider,
        { type: 'AutoDisableWebhook', webhookId, deliveryId: abandoned.deliveryId, lastError: abandoned.lastError, failingSince, now: new Date(abandoned.abandonedAt) },
        { actor: OUTBOUND_ACTOR, now, eventIds: () => uuidv5(`${event.id}:auto-disable`, DELIVERY_NAMESPACE) },
      );
    },
  };
}
