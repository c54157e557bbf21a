import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { forbidden, notFound, outboundStreams, streams, type AccountEvent } from '#contracts';
import { CLOCK, executeCommand, PlatformRuntime, recordDecisions, type Clock, type Principal } from '#platform-kit';
import { deliveryDecider } from '../domain/delivery.decider.js';
import { webhookDecider } from '../domain/webhook.decider.js';
import { DeliveryDispatcher } from './delivery-dispatcher.js';
import { decideOnCall, onCallConfigAt, type ConfigureOnCallInput } from './on-call.js';
import { newWebhookSecret, secretFingerprint } from './secret-box.js';
import { OUTBOUND_SETTINGS, type OutboundSettings } from './outbound.settings.js';

/** Registering, rotating, disabling and enabling webhooks, and redelivering (ADMIN). */
@Injectable()
export class WebhooksCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OUTBOUND_SETTINGS) private readonly settings: OutboundSettings,
    @Inject(DeliveryDispatcher) private readonly dispatcher: DeliveryDispatcher,
  ) {}

  /** Registers a hook and answers its signing secret once (the log keeps it sealed, see secret-box.ts). */
  async register(principal: Principal, input: { url: string; eventTypes: string[]; accountId: string | null }): Promise<{ webhookId: string; secret: string }> {
    const webhookId = randomUUID();
    const secret = newWebhookSecret();
    const actor = { id: principal.id, role: principal.role };
    const now = this.clock.now();
    const account = input.accountId ? await this.runtime.store.readStream(streams.account(input.accountId)) : [];
    const accountExists = account.length > 0;
    if (principal.role === 'TAM') {
      // A TAM registers hooks for their own accounts only: scoped to one, whose TAM they are now (the account's stream says).
      if (!input.accountId) throw forbidden('A TAM registers webhooks for their own accounts only: give input.accountId');
      if (accountExists && currentTam(account as unknown as AccountEvent[]) !== principal.id) {
        throw forbidden(`Account ${input.accountId} is not one of yours: a TAM registers webhooks for the accounts they are TAM of`);
      }
    } else if (principal.role !== 'ADMIN') throw forbidden('Only an ADMIN, or a TAM for their own accounts, registers webhooks');
    const result = await executeCommand(
      this.runtime.store,
      outboundStreams.webhook(webhookId),
      webhookDecider,
      {
        type: 'RegisterWebhook',
        webhookId,
        url: input.url,
        eventTypes: input.eventTypes,
        accountId: input.accountId,
        accountExists,
        allowLocalhost: this.settings.allowLocalhost,
        secretCiphertext: this.settings.box.seal(secret),
        secretFingerprint: secretFingerprint(secret),
        actor,
        now,
      },
      { actor, now },
    );
    await this.runtime.settled(result);
    return { webhookId, secret };
  }

  async disable(principal: Principal, webhookId: string, reason: string): Promise<void> {
    const actor = { id: principal.id, role: principal.role };
    const now = this.clock.now();
    const result = await executeCommand(this.runtime.store, outboundStreams.webhook(webhookId), webhookDecider, { type: 'DisableWebhook', webhookId, reason, actor, now }, { actor, now });
    await this.runtime.settled(result);
  }

  /**
   * Re-enables a disabled hook (disabled by hand or by the platform after 24 h of failures): `WebhookEnabled`.
   * An ADMIN, or the TAM of the account the hook is scoped to (its TAM now); a TAM asking for another account's
   * hook, or for a hook of every account, is refused. Unknown hook: NOT_FOUND; enabled already: CONFLICT.
   */
  async enable(principal: Principal, webhookId: string): Promise<void> {
    const actor = { id: principal.id, role: principal.role };
    const now = this.clock.now();
    if (principal.role === 'TAM') {
      const [registered] = await this.runtime.store.readStream(outboundStreams.webhook(webhookId), { maxCount: 1 });
      if (!registered || registered.type !== 'WebhookRegistered') throw notFound('Webhook');
      const accountId = (registered.data as { accountId: string | null }).accountId;
      const account = accountId ? ((await this.runtime.store.readStream(streams.account(accountId))) as unknown as AccountEvent[]) : [];
      if (!accountId || currentTam(account) !== principal.id) throw forbidden(`Webhook ${webhookId} is not one of your accounts' hooks: a TAM enables the hooks of the accounts they are TAM of`);
    } else if (principal.role !== 'ADMIN') throw forbidden('Only an ADMIN, or a TAM for their own accounts, enables webhooks');
    const result = await executeCommand(this.runtime.store, outboundStreams.webhook(webhookId), webhookDecider, { type: 'EnableWebhook', webhookId, actor, now }, { actor, now });
    await this.runtime.settled(result);
  }

  /**
   * A new signing secret, answered once (sealed in the log like the first). Attempts made after the rotation
   * sign with it; there is no grace window: a receiver still holding the old one answers non-2xx and the
   * delivery is retried on the usual backoff until it holds the new one.
   */
  async rotateSecret(principal: Principal, webhookId: string): Promise<string> {
    const secret = newWebhookSecret();
    const actor = { id: principal.id, role: principal.role };
    const now = this.clock.now();
    const command = { type: 'RotateWebhookSecret' as const, webhookId, secretCiphertext: this.settings.box.seal(secret), secretFingerprint: secretFingerprint(secret), actor, now };
    const result = await executeCommand(this.runtime.store, outboundStreams.webhook(webhookId), webhookDecider, command, { actor, now });
    await this.runtime.settled(result);
    return secret;
  }

  /** Sends a finished delivery again: `DeliveryRedeliveryRequested`, then the next attempt with the same idempotency key. */
  async redeliver(principal: Principal, deliveryId: string): Promise<void> {
    const actor = { id: principal.id, role: principal.role };
    const now = this.clock.now();
    const result = await executeCommand(this.runtime.store, outboundStreams.delivery(deliveryId), deliveryDecider, { type: 'RedeliverDelivery', actor, now }, { actor, now });
    await this.runtime.settled(result);
    if (result.appended) this.dispatcher.kick(result.appended.position);
  }

  /** Records the on-call configuration (stream `oncall`); pages and resolves after it go to its endpoint with its routing key. */
  async configureOnCall(principal: Principal, input: ConfigureOnCallInput) {
    const actor = { id: principal.id, role: principal.role };
    const now = this.clock.now();
    const event = decideOnCall(input, { allowLocalhost: this.settings.allowLocalhost, seal: (secret) => this.settings.box.seal(secret), actor, now });
    const result = await recordDecisions(this.runtime.store, outboundStreams.onCall(), [{ actor, events: [event] }], { now, expectedRevision: 'any' });
    await this.runtime.settled(result);
    return (await onCallConfigAt(this.runtime.store, null))!;
  }

  /** The on-call configuration in force (null: none recorded; the env default applies). */
  onCall() {
    return onCallConfigAt(this.runtime.store, null);
  }
}

/** The account's TAM now: the last TamAssigned or AccountHandedOver of its stream (null: none). */
function currentTam(events: readonly AccountEvent[]): string | null {
  let tam: string | null = null;
  for (const event of events) {
    if (event.type === 'TamAssigned') tam = event.data.tamId;
    else if (event.type === 'AccountHandedOver') tam = event.data.toTamId;
  }
  return tam;
}
