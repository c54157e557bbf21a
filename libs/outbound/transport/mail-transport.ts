import { createTransport, type Transporter } from 'nodemailer';
import type { EmailMessage } from '#contracts';
import type { DeliveryOutcome } from '../domain/delivery.decider.js';

const SMTP_CONNECTIONS = 4;
const SMTP_MESSAGES_PER_CONNECTION = 1_000;

/** The port e-mail deliveries go out through: one message, one outcome (never throws). */
export interface MailTransport {
  send(message: EmailMessage, timeoutMs: number): Promise<DeliveryOutcome>;
  close(): void;
}

/**
 * SMTP through nodemailer (`LEDGERDESK_SMTP_URL`, e.g. smtps://user:pass@smtp.example.com). The platform's own
 * Message-ID is kept (nodemailer would otherwise choose one), so a retry of the same delivery carries the same
 * id and the receiving side can drop the repeat. The server's reply code is recorded as the response status
 * (250 accepted; 4xx/5xx refused). Connections are pooled (SMTP_CONNECTIONS kept open, each carrying up to
 * SMTP_MESSAGES_PER_CONNECTION messages), so a message costs a MAIL/RCPT/DATA exchange, not a TCP and TLS
 * handshake, EHLO and AUTH; parameters in the URL (e.g. `?pool=false&maxConnections=2`) override these.
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(url: string) {
    this.transporter = createTransport({ url, pool: true, maxConnections: SMTP_CONNECTIONS, maxMessages: SMTP_MESSAGES_PER_CONNECTION });
  }

  async send(message: EmailMessage, timeoutMs: number): Promise<DeliveryOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    try {
      const sending = this.transporter.sendMail({
        messageId: message.messageId,
        from: message.from,
        to: message.to,
        cc: message.cc.length > 0 ? message.cc : undefined,
        subject: message.subject,
        text: message.text,
        inReplyTo: message.inReplyTo ?? undefined,
        references: message.references.length > 0 ? message.references : undefined,
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Ledgerdesk-Reply-Id': message.replyId },
      });
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
      const info = (await Promise.race([sending, timeout])) as { response?: string };
      const response = String(info.response ?? '250');
      return { ok: true, responseStatus: Number(/^\d{3}/.exec(response)?.[0] ?? 250), responseBody: response, durationMs: elapsed() };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode ?? null;
      return { ok: false, responseStatus: code, responseBody: (error as { response?: string }).response ?? null, error: (error as Error).message, durationMs: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.transporter.close();
  }
}
