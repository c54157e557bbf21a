import { badUserInput, conflict, notFound, TICKET_EVENT_TYPES, type Actor, type WebhookEvent } from '#contracts';
import type { Decider } from '#platform-kit';
import { checkWebhookUrl } from './target-address.js';

/** The log's event types a webhook may subscribe to: every event of a ticket's stream. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = TICKET_EVENT_TYPES;

export interface RegisterWebhook {
  type: 'RegisterWebhook';
  webhookId: string;
  url: string;
  eventTypes: string[];
  accountId: string | null;
  /** Looked up by the handler. */
  accountExists: boolean;
  allowLocalhost: boolean;
  /** Made by the handler from the secret it generated (the secret itself never reaches the log). */
  secretCiphertext: string;
  secretFingerprint: string;
  actor: Actor;
  now: Date;
}
export interface DisableWebhook {
  type: 'DisableWebhook';
  webhookId: string;
  reason: string;
  actor: Actor;
  now: Date;
}
export interface RotateWebhookSecret {
  type: 'RotateWebhookSecret';
  webhookId: string;
  secretCiphertext: string;
  secretFingerprint: string;
  actor: Actor;
  now: Date;
}
/** The platform's own: a hook failing for the 24 h of a delivery's retries (see auto-disable.reactor.ts). */
export interface AutoDisableWebhook {
  type: 'AutoDisableWebhook';
  webhookId: string;
  deliveryId: string;
  lastError: string;
  failingSince: Date;
  now: Date;
}
/** An ADMIN (or the TAM of the hook's account: the handler checks) re-enables a disabled hook. */
export interface EnableWebhook {
  type: 'EnableWebhook';
  webhookId: string;
  actor: Actor;
  now: Date;
}
export type WebhookCommand = RegisterWebhook | DisableWebhook | RotateWebhookSecret | AutoDisableWebhook | EnableWebhook;

export interface WebhookState {
  registered: boolean;
  disabled: boolean;
}

/** A webhook (`webhook-<id>`): registered once with its URL, event types and scope; its secret rotated; disabled and enabled again. */
export const webhookDecider: Decider<WebhookCommand, WebhookState, WebhookEvent> = {
  initialState: { registered: false, disabled: false },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterWebhook': {
        if (state.registered) throw conflict(`Webhook ${command.webhookId} already exists`);
        const checked = checkWebhookUrl(command.url, { allowLocalhost: command.allowLocalhost });
        if ('refused' in checked) throw badUserInput(`input.url ${checked.refused}`, 'input.url');
        const eventTypes = [...new Set(command.eventTypes.map((type) => type.trim()))];
        if (eventTypes.length === 0) throw badUserInput(`input.eventTypes must name at least one of ${WEBHOOK_EVENT_TYPES.join(', ')}`, 'input.eventTypes');
        const unknown = eventTypes.filter((type) => !WEBHOOK_EVENT_TYPES.includes(type));
        if (unknown.length > 0) {
          throw badUserInput(`input.eventTypes: unknown event type ${unknown.map((t) => `"${t.slice(0, 60)}"`).join(', ')}; valid: ${WEBHOOK_EVENT_TYPES.join(', ')}`, 'input.eventTypes');
        }
        if (command.accountId !== null && !command.accountExists) throw badUserInput(`Account ${command.accountId} does not exist`, 'input.accountId');
        return [
          {
            type: 'WebhookRegistered',
            data: {
              webhookId: command.webhookId,
              url: checked.url,
              eventTypes,
              accountId: command.accountId,
              secretCiphertext: command.secretCiphertext,
              secretFingerprint: command.secretFingerprint,
              registeredBy: command.actor,
              registeredAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'DisableWebhook': {
        if (!state.registered) throw notFound('Webhook');
        if (state.disabled) return [];
        const reason = command.reason.trim();
        if (reason.length === 0 || reason.length > 1000) throw badUserInput('reason must be 1-1000 characters', 'reason');
        return [{ type: 'WebhookDisabled', data: { webhookId: command.webhookId, reason, disabledBy: command.actor, disabledAt: command.now.toISOString() } }];
      }
      case 'RotateWebhookSecret': {
        if (!state.registered) throw notFound('Webhook');
        if (state.disabled) throw conflict(`Webhook ${command.webhookId} is disabled: its secret signs nothing`);
        return [
          {
            type: 'WebhookSecretRotated',
            data: {
              webhookId: command.webhookId,
              secretCiphertext: command.secretCiphertext,
              secretFingerprint: command.secretFingerprint,
              rotatedBy: command.actor,
              rotatedAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'AutoDisableWebhook': {
        // Nothing to do for a hook that is gone or disabled already (by an admin, or by an earlier failure).
        if (!state.registered || state.disabled) return [];
        const lastError = command.lastError.slice(0, 1000);
        return [
          {
            type: 'WebhookAutoDisabled',
            data: {
              webhookId: command.webhookId,
              reason: `failing for 24 h since ${command.failingSince.toISOString()}: ${lastError}`.slice(0, 1000),
              lastError,
              deliveryId: command.deliveryId,
              failingSince: command.failingSince.toISOString(),
              disabledAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'EnableWebhook': {
        if (!state.registered) throw notFound('Webhook');
        if (!state.disabled) throw conflict(`Webhook ${command.webhookId} is enabled already`);
        return [{ type: 'WebhookEnabled', data: { webhookId: command.webhookId, enabledBy: command.actor, enabledAt: command.now.toISOString() } }];
      }
      default: {
        const unknown: never = command;
        throw new Error(`Unhandled command ${JSON.stringify(unknown)}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WebhookRegistered':
        return { ...state, registered: true };
      case 'WebhookDisabled':
      case 'WebhookAutoDisabled':
        return { ...state, disabled: true };
      case 'WebhookEnabled':
        return { ...state, disabled: false };
      case 'WebhookSecretRotated':
        return state;
      default: {
        const unknown: never = event;
        throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
