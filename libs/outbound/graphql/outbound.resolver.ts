import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { badUserInput, notFound } from '#contracts';
import { checkPageSize, CurrentPrincipal, decodeCursor, encodeCursor, pageInfoOf, Roles, type Principal } from '#platform-kit';
import { OutboundQueries, type DeliveryRow, type WebhookRow } from '../application/outbound.queries.js';
import { WebhooksCommands } from '../application/webhooks.commands.js';
import type { OnCallConfigured } from '#contracts';
import { ConfigureOnCallInput, DeliveryConnectionType, DeliveryType, OnCallConfigType, RegisteredWebhookType, RegisterWebhookInput, WebhookType } from './outbound.types.js';

@Resolver(() => WebhookType)
export class OutboundResolver {
  constructor(
    @Inject(WebhooksCommands) private readonly commands: WebhooksCommands,
    @Inject(OutboundQueries) private readonly queries: OutboundQueries,
  ) {}

  @Roles('ADMIN', 'TAM')
  @Mutation(() => RegisteredWebhookType, {
    description: 'Admins, and a TAM for an account they are TAM of (accountId required): a receiver of ticket events (signed JSON POSTs); its secret is shown once',
  })
  async registerWebhook(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'URL, event types and optional account scope', type: () => RegisterWebhookInput }) input: RegisterWebhookInput,
  ): Promise<RegisteredWebhookType> {
    const { webhookId, secret } = await this.commands.register(principal, { url: input.url, eventTypes: input.eventTypes, accountId: input.accountId ?? null });
    return { secret, webhook: toWebhookType(await this.mustFind(webhookId)) };
  }

  @Roles('ADMIN')
  @Mutation(() => WebhookType, { description: 'Admins: stop delivering to a webhook; deliveries not done yet are abandoned when their turn comes' })
  async disableWebhook(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: 'the webhook id', type: () => ID }) id: string,
    @Args('reason', { type: () => String, description: 'why (recorded)' }) reason: string,
  ): Promise<WebhookType> {
    await this.commands.disable(principal, id, reason);
    return toWebhookType(await this.mustFind(id));
  }

  @Roles('ADMIN', 'TAM')
  @Mutation(() => WebhookType, {
    description:
      'Admins, and the TAM of the account a hook is scoped to: deliver to a disabled webhook again (disabled by hand or after 24 h of failures); events recorded while it was disabled are not sent',
  })
  async enableWebhook(@CurrentPrincipal() principal: Principal, @Args('id', { description: 'the webhook id', type: () => ID }) id: string): Promise<WebhookType> {
    await this.commands.enable(principal, id);
    return toWebhookType(await this.mustFind(id));
  }

  @Roles('ADMIN')
  @Mutation(() => RegisteredWebhookType, { description: 'Admins: a new signing secret for a webhook, shown this once; attempts from now on sign with it (no grace window)' })
  async rotateWebhookSecret(@CurrentPrincipal() principal: Principal, @Args('id', { description: 'the webhook id', type: () => ID }) id: string): Promise<RegisteredWebhookType> {
    const secret = await this.commands.rotateSecret(principal, id);
    return { secret, webhook: toWebhookType(await this.mustFind(id)) };
  }

  @Roles('ADMIN')
  @Mutation(() => DeliveryType, {
    description: 'Admins: send a finished (succeeded or abandoned) delivery again, same payload and idempotency key; the new attempt is recorded on its stream',
  })
  async redeliver(@CurrentPrincipal() principal: Principal, @Args('deliveryId', { description: 'the delivery id', type: () => ID }) deliveryId: string): Promise<DeliveryType> {
    await this.commands.redeliver(principal, deliveryId);
    const row = await this.queries.delivery(deliveryId);
    if (!row) throw notFound('Delivery');
    return toDeliveryType(row);
  }

  @Roles('ADMIN')
  @Mutation(() => OnCallConfigType, { description: 'Admins: where on-call pages go (replaces LEDGERDESK_PAGING_URL / _ROUTING_KEY from now on) and what sends them' })
  async configureOnCall(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'provider, endpoint, routing key, severities and triggers', type: () => ConfigureOnCallInput }) input: ConfigureOnCallInput,
  ): Promise<OnCallConfigType> {
    return toOnCall(await this.commands.configureOnCall(principal, input));
  }

  @Roles('ADMIN', 'AUDITOR')
  @Query(() => OnCallConfigType, { nullable: true, description: 'Admins and auditors: the on-call configuration in force; null when none was recorded (env default)' })
  async onCall(): Promise<OnCallConfigType | null> {
    const config = await this.commands.onCall();
    return config ? toOnCall(config) : null;
  }

  @Roles('ADMIN', 'AUDITOR')
  @Query(() => [WebhookType], { description: 'Admins and auditors: every webhook, disabled ones included, oldest first' })
  async webhooks(): Promise<WebhookType[]> {
    return (await this.queries.webhooks()).map(toWebhookType);
  }

  @Roles('ADMIN', 'AUDITOR')
  @Query(() => DeliveryConnectionType, { description: "Admins and auditors: a webhook's deliveries, in the order they were requested" })
  async webhookDeliveries(
    @Args('webhookId', { description: 'the webhook id', type: () => ID }) webhookId: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50, description: 'page size, 1-200' }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'the endCursor of the previous page' }) after: string | null,
  ): Promise<DeliveryConnectionType> {
    await this.mustFind(webhookId);
    const cursor = decodeCursor(after, ['text']) as [string] | null;
    if (cursor && !/^\d{1,18}$/.test(cursor[0])) throw badUserInput('after is not a cursor this query handed out', 'after');
    const page = await this.queries.deliveriesOfWebhook(webhookId, checkPageSize(first), cursor?.[0] ?? null);
    const edges = page.rows.map((row) => ({ cursor: encodeCursor([row.seq]), node: toDeliveryType(row) }));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, after), totalCount: page.totalCount };
  }

  @Roles('ADMIN', 'ENGINEER', 'TAM', 'AUDITOR')
  @Query(() => [DeliveryType], { description: "Staff: what was sent out about a ticket (webhooks), each delivery's attempts and answers" })
  async deliveries(@Args('ticketId', { description: 'the ticket', type: () => ID }) ticketId: string): Promise<DeliveryType[]> {
    return (await this.queries.deliveriesOfTicket(ticketId)).map(toDeliveryType);
  }

  private async mustFind(id: string): Promise<WebhookRow> {
    const row = await this.queries.webhook(id);
    if (!row) throw notFound('Webhook');
    return row;
  }
}

function toOnCall(config: OnCallConfigured['data']): OnCallConfigType {
  return { provider: config.provider, url: config.url, severities: config.severities, triggers: config.triggers, configuredBy: config.configuredBy.id, configuredAt: new Date(config.configuredAt) };
}

function toWebhookType(row: WebhookRow): WebhookType {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes,
    accountId: row.accountId,
    secretFingerprint: row.secretFingerprint,
    registeredBy: row.registeredBy,
    registeredAt: row.registeredAt,
    active: row.disabledAt === null,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
  };
}

export function toDeliveryType(row: DeliveryRow): DeliveryType {
  return {
    id: row.id,
    kind: row.kind,
    webhookId: row.webhookId,
    ticketId: row.ticketId,
    eventId: row.sourceEventId,
    eventType: row.sourceEventType,
    idempotencyKey: row.idempotencyKey,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    requestedAt: row.requestedAt,
    lastAttemptAt: row.lastAttemptAt,
    nextAttemptAt: row.nextAttemptAt,
    lastResponseStatus: row.lastResponseStatus,
    lastError: row.lastError,
    finishedAt: row.finishedAt,
    attemptLog: row.attemptLog.map((entry) => ({
      attempt: entry.attempt,
      attemptedAt: new Date(entry.attemptedAt),
      outcome: entry.outcome ?? null,
      responseStatus: entry.responseStatus ?? null,
      error: entry.error ?? null,
      durationMs: entry.durationMs ?? null,
    })),
  };
}
