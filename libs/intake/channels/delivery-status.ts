import type { ParsedMail } from 'mailparser';
import type { ReportedRecipient } from '#contracts';

export interface DeliveryStatusReport {
  recipients: ReportedRecipient[];
  /** Message-IDs the report refers to: the returned message's (or headers') Message-ID, In-Reply-To, References. */
  referencedMessageIds: string[];
}

const MAX_FIELD_CHARS = 1024;

/** `multipart/report; report-type=delivery-status` (a bounce or delay notice from a mail server). */
export function isDeliveryStatusReport(mail: ParsedMail): boolean {
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  return type?.value?.toLowerCase() === 'multipart/report' && type.params?.['report-type']?.toLowerCase() === 'delivery-status';
}

/**
 * The per-recipient fields of the report and the Message-IDs it names. mailparser inlines the
 * message/delivery-status part into `text` and gives the returned message (message/rfc822 or
 * text/rfc822-headers) as an attachment; both are searched, as is the raw message as a fallback.
 */
export function parseDeliveryStatus(mail: ParsedMail, raw: Buffer): DeliveryStatusReport {
  const parts = [mail.text ?? '', ...(mail.attachments ?? []).map((part) => part.content.toString('utf8'))];
  const all = parts.join('\n');
  const source = /^Final-Recipient:/im.test(all) ? all : raw.toString('latin1');
  const recipients: ReportedRecipient[] = [];
  for (const block of source.split(/\r?\n\s*\r?\n/)) {
    const fields = headerFields(block);
    const action = fields.get('action');
    if (!action) continue;
    const recipient = addressOf(fields.get('final-recipient') ?? fields.get('original-recipient'));
    recipients.push({
      recipient,
      action: action.toLowerCase().slice(0, 32),
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? null,
      diagnostic: fields.get('diagnostic-code')?.slice(0, MAX_FIELD_CHARS) ?? null,
    });
  }
  const ids = new Set<string>();
  for (const text of [...parts.slice(1), raw.toString('latin1')]) {
    for (const match of text.matchAll(/^Message-ID:\s*(<[^>\s]+>)/gim)) ids.add(match[1]!);
  }
  for (const header of [mail.inReplyTo, ...(Array.isArray(mail.references) ? mail.references : [mail.references])]) {
    for (const match of String(header ?? '').matchAll(/<[^>\s]+>/g)) ids.add(match[0]);
  }
  const own = mail.messageId?.trim();
  return { recipients, referencedMessageIds: [...ids].filter((id) => id !== own) };
}

/** `Name: value` lines of one block, folded continuation lines joined, names lowercase. */
function headerFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (/^\s/.test(line) && last) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    last = match[1]!.toLowerCase();
    if (!fields.has(last)) fields.set(last, match[2]!.trim());
  }
  return fields;
}

/** `rfc822; someone@example.com` → `someone@example.com`. */
function addressOf(value: string | undefined): string | null {
  if (!value) return null;
  const address = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  return address.trim().replace(/^<|>$/g, '').toLowerCase().slice(0, 320) || null;
}
