import { SEVERITIES, type Diagnostics, type Severity } from '#contracts';
import { MAX_BACKDATING_MS, MAX_EXTERNAL_ID_CHARS, MAX_SUBJECT_CHARS } from '../domain/open-ticket.decider.js';

/** The severity a channel message claims when it carries no `[P0]`…`[P3]` tag. */
export const DEFAULT_CHANNEL_SEVERITY: Severity = 'P2';

const SEVERITY_TAG = /\[\s*(P[0-3])\s*\]/i;

/** The first `[P0]`…`[P3]` tag (any case) sets the claimed severity; the text comes back without it. */
export function severityTag(text: string): { severity: Severity; rest: string } {
  const match = SEVERITY_TAG.exec(text);
  if (!match) return { severity: DEFAULT_CHANNEL_SEVERITY, rest: text };
  const severity = match[1]!.toUpperCase() as Severity;
  if (!SEVERITIES.includes(severity)) return { severity: DEFAULT_CHANNEL_SEVERITY, rest: text };
  const rest = (text.slice(0, match.index) + ' ' + text.slice(match.index + match[0].length)).replace(/[ \t]{2,}/g, ' ').trim();
  return { severity, rest };
}

/** A subject the open-ticket rule accepts: one line, tag removed, at most MAX_SUBJECT_CHARS, never blank. */
export function channelSubject(text: string, fallback: string): string {
  const line = text.split(/\r?\n/).map((part) => part.trim()).find((part) => part.length > 0) ?? '';
  const subject = line.replace(/\s+/g, ' ');
  if (!subject) return fallback;
  return subject.length > MAX_SUBJECT_CHARS ? `${subject.slice(0, MAX_SUBJECT_CHARS - 1)}…` : subject;
}

/** How far an e-mail's Date may lie from the relay's receipt and still be taken as when it was received. */
export const MAX_EMAIL_DATE_SKEW_MS = 15 * 60 * 1000;

/**
 * When an e-mail was received. The relay's receipt time (its own stamp, the top `Received:` header; else
 * now) is trusted when it lies within the last 30 days and not in the future (by the platform clock). The
 * sender's Date header is only a claim: it is taken when it lies within MAX_EMAIL_DATE_SKEW_MS of that
 * receipt, so a sender cannot backdate a ticket by writing an old Date; otherwise the receipt time is.
 */
export function emailReceivedAt(date: Date | undefined, now: Date, relayReceivedAt: Date | null = null): Date {
  const relayAge = relayReceivedAt ? now.getTime() - relayReceivedAt.getTime() : Number.NaN;
  const receipt = relayAge >= 0 && relayAge <= MAX_BACKDATING_MS ? relayReceivedAt! : now;
  if (!date || Number.isNaN(date.getTime())) return receipt;
  const skew = Math.abs(receipt.getTime() - date.getTime());
  return skew <= MAX_EMAIL_DATE_SKEW_MS && date.getTime() <= now.getTime() ? date : receipt;
}

/** The instant the top `Received:` header (the last hop, i.e. the relay) was stamped, if it names one. */
export function relayReceiptOf(received: string | string[] | undefined): Date | null {
  const top = Array.isArray(received) ? received[0] : received;
  const stamp = top?.slice(top.lastIndexOf(';') + 1).trim();
  if (!top?.includes(';') || !stamp) return null;
  const at = new Date(stamp);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Every `<message-id>` in an In-Reply-To or References value (mailparser gives a string or a list). */
export function messageIds(value: string | string[] | undefined, max = 100): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const ids = text.match(/<[^<>\s]{1,500}>/g) ?? [];
  return [...new Set(ids)].slice(-max);
}

export const MAX_MESSAGE_ID_CHARS = MAX_EXTERNAL_ID_CHARS;

/** The e-mail address and its domain, lowercased, or null when it is not a plausible address. */
export function senderOf(address: string | undefined): { address: string; domain: string } | null {
  const normalized = address?.trim().toLowerCase() ?? '';
  // mailparser decodes internationalized (punycode) domains to Unicode, so the domain is not limited to ASCII.
  const match = /^[^\s@<>]{1,64}@([^\s@<>.]+(?:\.[^\s@<>.]+)+)$/u.exec(normalized);
  if (!match || normalized.length > 254) return null;
  return { address: normalized, domain: match[1]! };
}

/** Slack escapes &, < and > in message text; tickets keep what the customer typed. */
export function slackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function noDiagnostics(): Diagnostics {
  return {
    sdkName: null,
    sdkVersion: null,
    platform: null,
    osVersion: null,
    deviceModel: null,
    networkType: null,
    errorCode: null,
    reproSteps: null,
    logUrls: [],
  };
}
