import { resolveJwtSecret, type LedgerdeskConfig } from '#platform-kit';
import { SmtpMailTransport, type MailTransport } from '../transport/mail-transport.js';
import { SecretBox } from './secret-box.js';

export const OUTBOUND_SETTINGS = Symbol('OutboundSettings');

export interface OutboundSettings {
  allowLocalhost: boolean;
  timeoutMs: number;
  box: SecretBox;
  /** E-mail replies out: null when LEDGERDESK_SMTP_URL is unset (off). */
  mail: { transport: MailTransport; from: string } | null;
  /** On-call paging: null when LEDGERDESK_PAGING_URL is unset (off). */
  paging: { url: string; routingKey: string } | null;
}

export function outboundSettings(config: LedgerdeskConfig): OutboundSettings {
  const key = config.webhooks.secretKey ?? resolveJwtSecret(config.jwtSecret, config.dataDir).secret;
  return {
    allowLocalhost: config.webhooks.allowLocalhost,
    timeoutMs: config.webhooks.timeoutMs,
    box: new SecretBox(key),
    mail: config.smtp.url ? { transport: new SmtpMailTransport(config.smtp.url), from: config.smtp.from } : null,
    paging: config.paging.url && config.paging.routingKey ? { url: config.paging.url, routingKey: config.paging.routingKey } : null,
  };
}
