import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { outboundStreams, type EmailMessage, type PagingEvent, type WebhookEvent } from '#contracts';
import { WrongExpectedVersion, type AppendResult, type RecordedEvent } from '#event-store';
import { CLOCK, foldStream, PlatformRuntime, recordDecisions, type Clock } from '#platform-kit';
import { deliveryDecider, type DeliveryCommand, type DeliveryOutcome, type DeliveryState } from '../domain/delivery.decider.js';
import { SIGNATURE_HEADER, signatureHeader } from '../domain/signature.js';
import { postWebhook } from '../transport/webhook-transport.js';
import { onCallConfigAt } from './on-call.js';
import { OutboundQueries } from './outbound.queries.js';
import { OUTBOUND_SETTINGS, type OutboundSettings } from './outbound.settings.js';

/**
 * What the dispatcher read for a whole pass, so that an attempt does not read it again: the delivery's stream and
 * the webhooks' streams (one statement each for the pass), and the knowledge that it is this delivery's turn (its
 * `ready()` selected only the first unfinished delivery of each webhook and ticket). A stream changed since (another
 * process) makes the attempt's append fail on its expected revision: it then sends nothing.
 */
export interface AttemptContext {
  recorded?: readonly RecordedEvent[];
  hooks?: ReadonlyMap<string, readonly RecordedEvent[]>;
  turnChecked?: boolean;
}

export const OUTBOUND_ACTOR = { id: 'outbound', role: 'ADMIN' as const };
export const DELIVERY_NAMESPACE = '3f6b1c2e-8d4a-4e7b-9a15-6c0d2f8e7b41';

/**
 * Makes one attempt at a delivery: records it (before the request leaves; a second sender racing on the same
 * delivery loses the append and sends nothing), POSTs the signed payload, records the outcome. Returns what
 * was appended last, or null when there was nothing to do (finished, or an earlier delivery of the same
 * webhook and ticket is not done: this one waits its turn).
 */
@Injectable()
export class DeliverySender {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OutboundQueries) private readonly queries: OutboundQueries,
    @Inject(OUTBOUND_SETTINGS) private readonly settings: OutboundSettings,
  ) {}

  async attempt(deliveryId: string, context: AttemptContext = {}): Promise<AppendResult | null> {
    const stream = outboundStreams.delivery(deliveryId);
    const recorded = context.recorded ?? (await this.runtime.store.readStream(stream));
    let state = foldStream(deliveryDecider, recorded);
    let revision = recorded.length - 1;
    const requested = state.requested;
    if (!requested || state.finished) return null;

    const kind = requested.kind ?? 'WEBHOOK';
    const now = () => this.clock.now();
    let send: (at: Date) => Promise<DeliveryOutcome>;
    if (kind === 'WEBHOOK') {
      const hook = foldWebhook(context.hooks?.get(requested.webhookId) ?? (await this.runtime.store.readStream(outboundStreams.webhook(requested.webhookId))));
      if (!hook.registered) return this.record(stream, state, revision, { type: 'AbandonDelivery', reason: 'the webhook does not exist', now: now() }, 'abandon');
      if (hook.disabled) return this.record(stream, state, revision, { type: 'AbandonDelivery', reason: `the webhook was disabled: ${hook.disabled}`, now: now() }, 'abandon');
      send = (at) => this.send(requested.url, requested.payload, requested, hook.secretCiphertext!, at);
    } else if (kind === 'EMAIL') {
      const mail = this.settings.mail;
      if (!mail) return this.record(stream, state, revision, { type: 'AbandonDelivery', reason: 'e-mail out is off (LEDGERDESK_SMTP_URL is not set)', now: now() }, 'abandon');
      send = () => mail.transport.send(requested.payload as EmailMessage, this.settings.timeoutMs);
    } else {
      // The routing key of the on-call configuration that chose this endpoint (configureOnCall), else the env default.
      const config = await onCallConfigAt(this.runtime.store, null);
      let routingKey: string | null = null;
      if (config && config.url === requested.url) routingKey = this.settings.box.open(config.routingKeyCiphertext);
      else if (this.settings.paging) routingKey = this.settings.paging.routingKey;
      if (!routingKey) return this.record(stream, state, revision, { type: 'AbandonDelivery', reason: 'paging is off (no configureOnCall and LEDGERDESK_PAGING_URL is not set)', now: now() }, 'abandon');
      const paging = { url: requested.url, routingKey };
      send = () => this.page(paging, requested.payload as PagingEvent, requested.idempotencyKey);
    }
    if (!context.turnChecked && (await this.queries.waitsForEarlier(deliveryId))) return null;

    const attemptedAt = this.clock.now();
    let started: AppendResult | null;
    try {
      started = await this.record(stream, state, revision, { type: 'StartAttempt', now: attemptedAt }, `attempt:${state.attempts + 1}`);
    } catch (error) {
      if (error instanceof WrongExpectedVersion) return null;
      throw error;
    }
    if (!started) return null;
    revision = started.nextExpectedRevision;
    state = deliveryDecider.evolve(state, { type: 'DeliveryAttempted', data: { deliveryId, attempt: state.attempts + 1, attemptedAt: attemptedAt.toISOString() } });

    const outcome = await send(attemptedAt);
    return this.record(stream, state, revision, { type: 'RecordOutcome', attempt: state.attempts, outcome, now: this.clock.now() }, `outcome:${state.attempts}`);
  }

  /** A page: the recorded Events v2 body with the routing key added now (it is not kept in the log). */
  private page(paging: { url: string; routingKey: string }, event: PagingEvent, idempotencyKey: string): Promise<DeliveryOutcome> {
    const body = JSON.stringify({ routing_key: paging.routingKey, ...event });
    const headers = { 'content-type': 'application/json', 'user-agent': 'Ledgerdesk-Paging/1', 'idempotency-key': idempotencyKey };
    return postWebhook(paging.url, headers, body, { allowLoopback: this.settings.allowLocalhost, timeoutMs: this.settings.timeoutMs });
  }

  private async send(
    url: string,
    payload: unknown,
    delivery: { deliveryId: string; idempotencyKey: string; sourceEventId: string; sourceEventType: string },
    secretCiphertext: string,
    at: Date,
  ): Promise<DeliveryOutcome> {
    let secret: string;
    try {
      secret = this.settings.box.open(secretCiphertext);
    } catch (error) {
      return { ok: false, responseStatus: null, responseBody: null, error: (error as Error).message, durationMs: 0 };
    }
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Ledgerdesk-Webhooks/1',
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secret, Math.floor(at.getTime() / 1000), body),
      'ledgerdesk-event-id': delivery.sourceEventId,
      'ledgerdesk-event-type': delivery.sourceEventType,
      'ledgerdesk-delivery-id': delivery.deliveryId,
      'idempotency-key': delivery.idempotencyKey,
    };
    return postWebhook(url, headers, body, { allowLoopback: this.settings.allowLocalhost, timeoutMs: this.settings.timeoutMs });
  }

  private async record(stream: string, state: DeliveryState, revision: number, command: DeliveryCommand, idKey: string): Promise<AppendResult | null> {
    const events = deliveryDecider.decide(command, state);
    if (events.length === 0) return null;
    const deliveryId = state.requested!.deliveryId;
    const result = await recordDecisions(this.runtime.store, stream, [{ actor: OUTBOUND_ACTOR, events }], {
      now: this.clock.now(),
      expectedRevision: revision,
      eventIds: (_event, index) => uuidv5(`${deliveryId}:${idKey}:${index}`, DELIVERY_NAMESPACE),
    });
    return result.appended;
  }
}

function foldWebhook(events: readonly { type: string; data: unknown }[]): { registered: boolean; disabled: string | null; secretCiphertext: string | null } {
  let registered = false;
  let disabled: string | null = null;
  let secretCiphertext: string | null = null;
  for (const event of events as unknown as WebhookEvent[]) {
    if (event.type === 'WebhookRegistered') {
      registered = true;
      secretCiphertext = event.data.secretCiphertext;
    } else if (event.type === 'WebhookSecretRotated') {
      secretCiphertext = event.data.secretCiphertext;
    } else if (event.type === 'WebhookDisabled' || event.type === 'WebhookAutoDisabled') disabled = event.data.reason;
    else if (event.type === 'WebhookEnabled') disabled = null;
  }
  return { registered, disabled, secretCiphertext };
}
