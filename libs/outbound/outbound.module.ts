import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { CLOCK, CONFIG, PlatformRuntime, type Clock } from '#platform-kit';
import { DeliveryDispatcher } from './application/delivery-dispatcher.js';
import { DeliverySender } from './application/delivery-sender.js';
import { OutboundQueries } from './application/outbound.queries.js';
import { autoDisableReactor } from './application/auto-disable.reactor.js';
import { bouncesReactor } from './application/bounces.reactor.js';
import { emailRepliesReactor } from './application/email-replies.reactor.js';
import { pagingReactor } from './application/paging.reactor.js';
import { OUTBOUND_SETTINGS, outboundSettings, type OutboundSettings } from './application/outbound.settings.js';
import { outboxReactor } from './application/outbox.reactor.js';
import { WebhooksCommands } from './application/webhooks.commands.js';
import { OutboundResolver } from './graphql/outbound.resolver.js';
import { DELIVERY_RETRY_TIMER, deliveriesProjection } from './projections/deliveries.projection.js';
import { onCallProjection } from './projections/on-call.projection.js';
import { outboundDirectoryProjection } from './projections/outbound-directory.projection.js';

/**
 * Outbound: what leaves the platform, delivered from the log — webhooks today. The outbox reactor turns ticket
 * events into deliveries (each its own stream), the dispatcher makes their first attempts, the platform's
 * timers their retries. Its part of audit's `TicketHistory` (`deliveryEvents`) is `OutboundHistoryModule`,
 * loaded only where audit is.
 */
@Module({
  providers: [{ provide: OUTBOUND_SETTINGS, useFactory: outboundSettings, inject: [CONFIG] }, OutboundQueries, WebhooksCommands, DeliverySender, DeliveryDispatcher, OutboundResolver],
  exports: [OutboundQueries],
})
export class OutboundModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OutboundQueries) private readonly queries: OutboundQueries,
    @Inject(DeliverySender) private readonly sender: DeliverySender,
    @Inject(DeliveryDispatcher) private readonly dispatcher: DeliveryDispatcher,
    @Inject(OUTBOUND_SETTINGS) private readonly settings: OutboundSettings,
  ) {}

  onModuleInit(): void {
    this.runtime.registerProjection(outboundDirectoryProjection);
    this.runtime.registerProjection(deliveriesProjection);
    this.runtime.registerProjection(onCallProjection);
    this.runtime.registerReadinessDetail('outbound', () => this.readiness());
    this.runtime.registerReactor(outboxReactor(this.runtime, this.clock, this.queries, (position) => this.dispatcher.kick(position)));
    // E-mail out only when an SMTP server is configured (LEDGERDESK_SMTP_URL): otherwise no e-mail delivery is requested.
    if (this.settings.mail) this.runtime.registerReactor(emailRepliesReactor(this.runtime, this.clock, this.settings.mail.from, (position) => this.dispatcher.kick(position)));
    // A hook failing for the 24 h of a delivery's retries is disabled (WebhookAutoDisabled).
    this.runtime.registerReactor(autoDisableReactor(this.runtime, this.clock, this.queries));
    // Bounces the e-mail channel recorded: always registered (a report of a delivery sent before e-mail out was switched off still counts).
    this.runtime.registerReactor(bouncesReactor(this.runtime, this.clock));
    // Paging is always registered: configureOnCall can turn it on; without it and without LEDGERDESK_PAGING_URL it requests nothing.
    this.runtime.registerReactor(pagingReactor(this.runtime, this.clock, this.settings.paging?.url ?? null, (position) => this.dispatcher.kick(position)));
    this.runtime.registerTimer(DELIVERY_RETRY_TIMER, async (timer) => {
      const appended = await this.sender.attempt(String(timer.payload.deliveryId));
      // A finished delivery lets the next one of its ticket go.
      if (appended) this.dispatcher.kick(appended.position);
      return appended;
    });
  }

  /** GET /health/ready's `outbound`: e-mail from LEDGERDESK_SMTP_URL; paging from the configuration in force (configureOnCall's read model, else the env pair). */
  private async readiness(): Promise<{ email: string; paging: string }> {
    const email = this.settings.mail ? 'on' : 'off: LEDGERDESK_SMTP_URL is not set';
    const config = await this.queries.onCall();
    if (config) {
      const target = `${config.provider} ${new URL(config.url).origin}`;
      return { email, paging: `on: configureOnCall ${config.configuredAt.toISOString()} (${target}; triggers ${config.triggers.join(', ')}; severities ${config.severities.join(', ')})` };
    }
    return { email, paging: this.settings.paging ? 'on: LEDGERDESK_PAGING_URL' : 'off: no configureOnCall and LEDGERDESK_PAGING_URL is not set' };
  }

  onApplicationBootstrap(): void {
    this.dispatcher.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.dispatcher.stop();
    this.settings.mail?.transport.close();
  }
}
