import { badUserInput, ON_CALL_TRIGGERS, outboundStreams, type OnCallConfigured, type OnCallTrigger } from '#contracts';
import { comparePositions, type Actor, type EventStore, type Position, type RecordedEvent } from '#event-store';
import { checkWebhookUrl } from '../domain/target-address.js';

/** The on-call configuration in force at a place in the log: the last OnCallConfigured before it (null: none, the env default applies). */
export async function onCallConfigAt(store: EventStore, position: Position | null): Promise<OnCallConfigured['data'] | null> {
  return onCallConfigIn(await store.readStream(outboundStreams.onCall()), position);
}

/** The same, from the on-call stream already read. */
export function onCallConfigIn(recorded: readonly RecordedEvent[], position: Position | null): OnCallConfigured['data'] | null {
  const before = position ? recorded.filter((e) => comparePositions(e.position, position) < 0) : recorded;
  const last = before.at(-1) as unknown as OnCallConfigured | undefined;
  return last?.data ?? null;
}


export interface ConfigureOnCallInput {
  provider: OnCallConfigured['data']['provider'];
  url: string;
  routingKey: string;
  severities: string[];
  triggers: string[];
}

/**
 * Checks a configureOnCall input (BAD_USER_INPUT with the field, nothing recorded) and answers the event to append.
 * The URL follows the webhook rules (https; plain http to localhost only with LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST).
 */
export function decideOnCall(
  input: ConfigureOnCallInput,
  options: { allowLocalhost: boolean; seal: (secret: string) => string; actor: Actor; now: Date },
): OnCallConfigured {
  const checked = checkWebhookUrl(input.url, { allowLocalhost: options.allowLocalhost });
  if ('refused' in checked) throw badUserInput(`input.url ${checked.refused}`, 'input.url');
  const routingKey = input.routingKey.trim();
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(routingKey)) throw badUserInput('input.routingKey must be 8-128 letters, digits, "-" or "_" (the integration key)', 'input.routingKey');
  const severities = [...new Set(input.severities)];
  if (severities.length === 0 || severities.some((s) => s !== 'P0' && s !== 'P1')) throw badUserInput('input.severities must name at least one of P0, P1 (only those page)', 'input.severities');
  const triggers = [...new Set(input.triggers)];
  const unknown = triggers.filter((t) => !ON_CALL_TRIGGERS.includes(t as OnCallTrigger));
  if (triggers.length === 0 || unknown.length > 0) throw badUserInput(`input.triggers must name at least one of ${ON_CALL_TRIGGERS.join(', ')}`, 'input.triggers');
  return {
    type: 'OnCallConfigured',
    data: {
      provider: input.provider,
      url: checked.url,
      routingKeyCiphertext: options.seal(routingKey),
      severities: severities as ('P0' | 'P1')[],
      triggers: triggers as OnCallTrigger[],
      configuredBy: options.actor,
      configuredAt: options.now.toISOString(),
    },
  };
}
