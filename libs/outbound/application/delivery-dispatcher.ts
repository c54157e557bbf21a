import { Inject, Injectable } from '@nestjs/common';
import { outboundStreams, type DeliveryRequested } from '#contracts';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '#event-store';
import { CLOCK, LOGGER, PlatformRuntime, type Clock, type Logger } from '#platform-kit';
import { OUTBOUND_DELIVERIES } from '../projections/deliveries.projection.js';
import { DeliverySender } from './delivery-sender.js';
import { OutboundQueries } from './outbound.queries.js';

/** Deliveries attempted at the same moment (different webhooks or tickets; one ticket's go in order). */
const CONCURRENCY = 32;
/** Deliveries one pass takes (at most one per webhook and ticket: the first not finished of each). */
const BATCH = 512;
/** On the system clock, a sweep this often picks up what a lost wake-up or another process left. */
const SWEEP_EVERY_MS = 5_000;

/**
 * Makes the first attempt at each requested delivery, as soon as it is its turn: woken by the outbox reactor
 * (in this process), by a finished delivery (the next of its ticket may go), and by a periodic sweep. At
 * start-up it also re-sends deliveries whose attempt was cut off by a crash (at least once: the receiver gets
 * the same idempotency key). Retries are the platform's timers (see deliveries.projection.ts), so a manual
 * clock moves them.
 */
@Injectable()
export class DeliveryDispatcher {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private recoverInFlight = true;
  private latest: Position | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly log: Logger;

  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OutboundQueries) private readonly queries: OutboundQueries,
    @Inject(DeliverySender) private readonly sender: DeliverySender,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'outbound' });
  }

  start(): void {
    this.stopped = false;
    this.recoverInFlight = true;
    this.kick();
    if (this.clock.kind === 'system') this.sweeper = setInterval(() => this.kick(), SWEEP_EVERY_MS).unref();
  }

  /** Something may be ready: requested up to `position` (waited for in the deliveries read model first). */
  kick(position?: Position | null): void {
    if (this.stopped) return;
    if (position && (!this.latest || comparePositions(position, this.latest) > 0)) this.latest = position;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) this.kick();
    });
  }

  /** Resolves when the dispatcher has nothing more to do for now (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Passes until nothing is ready: one `ready()` query, the pass's delivery and webhook streams in one read each,
   * CONCURRENCY attempts at a time, then one wait for `outbound.deliveries` to show the outcomes (so the next
   * `ready()` sees each queue's next delivery) — not a read-your-writes wait per attempt.
   */
  private async loop(): Promise<void> {
    this.again = false;
    try {
      await this.whenStarted();
      const position = this.latest;
      if (position) await this.runtime.projectionRunner.reached(OUTBOUND_DELIVERIES, position, AbortSignal.timeout(30_000));
      for (;;) {
        if (this.stopped) return;
        const ids = await this.queries.ready(BATCH, this.recoverInFlight);
        this.recoverInFlight = false;
        if (ids.length === 0) return;
        const deliveries = await readStreams(this.runtime.store, ids.map((id) => outboundStreams.delivery(id)));
        const webhookIds = new Set<string>();
        for (const recorded of deliveries.values()) {
          const requested = recorded[0];
          if (requested?.type !== 'DeliveryRequested') continue;
          const data = requested.data as DeliveryRequested['data'];
          if ((data.kind ?? 'WEBHOOK') === 'WEBHOOK') webhookIds.add(data.webhookId);
        }
        const hookStreams = await readStreams(this.runtime.store, [...webhookIds].map((id) => outboundStreams.webhook(id)));
        const hooks = new Map([...webhookIds].map((id) => [id, hookStreams.get(outboundStreams.webhook(id)) ?? []]));
        let last: Position | null = null;
        await pool(ids, CONCURRENCY, async (id) => {
          const appended = await this.sender.attempt(id, { recorded: deliveries.get(outboundStreams.delivery(id)) ?? [], hooks, turnChecked: true }).catch((error: unknown) => {
            this.log.error({ delivery: id, err: error }, 'delivery attempt failed to record');
            return null;
          });
          if (appended && (!last || comparePositions(appended.position, last) > 0)) last = appended.position;
        });
        // Nothing could go (each waits for another process or a read model): the next wake-up retries.
        if (!last) return;
        await this.runtime.projectionRunner.reached(OUTBOUND_DELIVERIES, last, AbortSignal.timeout(30_000));
      }
    } catch (error) {
      this.log.error({ err: error }, 'delivery dispatch failed; the next wake-up retries');
    }
  }

  /** The runtime starts its loops in its own bootstrap hook, which may run after this module's. */
  private async whenStarted(): Promise<void> {
    for (let waited = 0; ; waited += 20) {
      try {
        void this.runtime.projectionRunner;
        return;
      } catch (error) {
        if (waited > 30_000 || this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.idle();
  }
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/** Several whole streams in one statement where the store can, else one read each. */
async function readStreams(store: EventStore, streams: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
  if (streams.length === 0) return new Map();
  if (store.readStreams) return store.readStreams(streams);
  return new Map(await Promise.all(streams.map(async (stream) => [stream, await store.readStream(stream)] as const)));
}
