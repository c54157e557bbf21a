import type { RecordedEvent, Subscription } from '#event-store';

/**
 * Pulls a subscription into a bounded buffer so that the consumer can take whatever has arrived as one
 * batch (one transaction) instead of one transaction per event.
 */
export class EventBuffer {
  private readonly events: RecordedEvent[] = [];
  private waiter: (() => void) | null = null;
  private roomWaiter: (() => void) | null = null;
  private ended = false;
  private failure: unknown = null;
  readonly pumping: Promise<void>;

  constructor(
    private readonly subscription: Subscription,
    private readonly capacity: number,
  ) {
    this.pumping = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for await (const event of this.subscription) {
        this.events.push(event);
        this.signal();
        if (this.events.length >= this.capacity) await new Promise<void>((resolve) => (this.roomWaiter = resolve));
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.ended = true;
      this.signal();
    }
  }

  /** Resolves to up to `max` events, or to null once the subscription has ended. */
  async take(max: number): Promise<RecordedEvent[] | null> {
    while (this.events.length === 0) {
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    const batch = this.events.splice(0, max);
    const room = this.roomWaiter;
    this.roomWaiter = null;
    room?.();
    return batch;
  }

  async close(): Promise<void> {
    await this.subscription.close();
    this.roomWaiter?.();
    await this.pumping;
  }

  private signal(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
