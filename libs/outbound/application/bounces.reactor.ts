import { v5 as uuidv5 } from 'uuid';
import { outboundStreams, PLATFORM_MESSAGE_ID, type BounceReported, type DeliveryEvent, type DeliveryRequested } from '#contracts';
import type { RecordedEvent } from '#event-store';
import type { Reactor } from '#projections';
import { recordDecisions, type Clock, type PlatformRuntime } from '#platform-kit';

export const BOUNCES_REACTOR = 'outbound.bounces';
/** Kept from when the e-mail channel recorded bounces itself: the same report gives the same event ids. */
const BOUNCE_NAMESPACE = '9c1f4e2a-5b7d-4c3e-8a6f-2d0b1e9f7a53';
const BOUNCE_ACTOR = { id: 'email-channel', role: 'ADMIN' as const };

/**
 * A bounce the e-mail channel recorded (`BounceReported`) becomes `DeliveryBounced` on the e-mail delivery it
 * names: the first of its Message-IDs that is one of ours (`<delivery-id@…>`) with an EMAIL delivery, one event
 * per reported recipient. Event ids derive from the delivery, the report's Message-ID and the recipient, so a
 * redelivered event (a replayed checkpoint) records nothing. A report naming no delivery of ours records nothing.
 */
export function bouncesReactor(runtime: PlatformRuntime, clock: Clock): Reactor {
  return {
    name: BOUNCES_REACTOR,
    eventTypes: ['BounceReported'],
    async react(event: RecordedEvent) {
      const report = (event as unknown as BounceReported).data;
      for (const messageId of report.messageIds) {
        const deliveryId = PLATFORM_MESSAGE_ID.exec(messageId)?.[1]?.toLowerCase();
        if (!deliveryId) continue;
        const stream = outboundStreams.delivery(deliveryId);
        const [first] = await runtime.store.readStream(stream, { maxCount: 1 });
        const requested = first?.type === 'DeliveryRequested' ? (first as unknown as DeliveryRequested) : null;
        if (!requested || requested.data.kind !== 'EMAIL') continue;
        const events: DeliveryEvent[] = report.recipients.map((entry) => ({
          type: 'DeliveryBounced',
          data: { deliveryId, ...entry, reportMessageId: report.reportMessageId, bouncedAt: report.reportedAt },
        }));
        await recordDecisions(runtime.store, stream, [{ actor: BOUNCE_ACTOR, events }], {
          now: clock.now(),
          expectedRevision: 'any',
          eventIds: (bounced, index) => uuidv5(`${deliveryId}\n${report.reportMessageId}\n${(bounced.data as { recipient: string | null }).recipient ?? index}`, BOUNCE_NAMESPACE),
        });
        return;
      }
    },
  };
}
