import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import type { SlaClockBreached, SlaWarningReached, TicketUnassignable } from '#contracts';
import type { Subscription } from '#event-store';
import { LOGGER, PlatformRuntime, type Logger } from '#platform-kit';

export const SLA_ALERT_TOPIC = 'sla-alert';

/** The triage read model an UNASSIGNABLE alert waits for, so that its `ticket` resolves (a name only). */
const TRIAGE_TICKETS = 'triage.tickets';

export interface SlaAlertMessage {
  kind: 'WARNING' | 'BREACH' | 'UNASSIGNABLE';
  /** Why (UNASSIGNABLE: why routing found nobody). */
  reason?: string | null;
  ticketId: string;
  accountId: string;
  metric: string;
  cycle: number;
  dueAt: string;
  at: string;
}

/**
 * Live SLA alerts: follows the log from its head at start-up and publishes each recorded warning or breach
 * once to this process's WebSocket subscribers. Each is recorded once (deterministic event ids), so each is
 * sent once; history is not replayed to new subscribers.
 */
@Injectable()
export class SlaAlertsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly pubsub = new PubSub();
  private subscription: Subscription | null = null;
  private following: Promise<void> | null = null;

  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const head = await this.runtime.store.headPosition();
    this.subscription = this.runtime.store.subscribe({ after: head, filter: { eventTypes: ['SlaWarningReached', 'SlaClockBreached', 'TicketUnassignable'] } });
    this.following = this.follow(this.subscription);
  }

  private async follow(subscription: Subscription): Promise<void> {
    try {
      for await (const recorded of subscription) {
        if (recorded.type === 'TicketUnassignable') {
          const found = (recorded as unknown as TicketUnassignable).data;
          await this.runtime.reached(TRIAGE_TICKETS, recorded.position, AbortSignal.timeout(5_000));
          // The clock nobody is there to answer: FIRST_RESPONSE, due from the moment it was found.
          const alert: SlaAlertMessage = { kind: 'UNASSIGNABLE', reason: found.reason, ticketId: found.ticketId, accountId: found.accountId, metric: 'FIRST_RESPONSE', cycle: 1, dueAt: found.foundAt, at: found.foundAt };
          await this.pubsub.publish(SLA_ALERT_TOPIC, alert);
          continue;
        }
        const event = recorded as unknown as SlaWarningReached | SlaClockBreached;
        const warning = event.type === 'SlaWarningReached';
        const message: SlaAlertMessage = {
          kind: warning ? 'WARNING' : 'BREACH',
          ticketId: event.data.ticketId,
          accountId: event.data.accountId,
          metric: event.data.metric,
          cycle: event.data.cycle,
          dueAt: event.data.dueAt,
          at: event.type === 'SlaWarningReached' ? event.data.warnedAt : event.data.breachedAt,
        };
        await this.pubsub.publish(SLA_ALERT_TOPIC, message);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'SLA alerts stopped following the log');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    await this.following;
  }
}
