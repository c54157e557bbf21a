import { resolveJwtSecret, type LedgerdeskConfig } from '#platform-kit';
import { SecretBox } from './secret-box.js';

export const OUTBOUND_SETTINGS = Symbol('OutboundSettings');

export interface OutboundSettings {
  allowLocalhost: boolean;
  timeoutMs: number;
  box: SecretBox;
}

export function outboundSettings(config: LedgerdeskConfig): OutboundSettings {
  const key = config.webhooks.secretKey ?? resolveJwtSecret(config.jwtSecret, config.dataDir).secret;
  return { allowLocalhost: config.webhooks.allowLocalhost, timeoutMs: config.webhooks.timeoutMs, box: new SecretBox(key) };
}
