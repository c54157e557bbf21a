import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { v5 as uuidv5 } from 'uuid';
import { Controller, Headers, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { uploadContentType, uploadFileName, Uploads } from '#attachments';
import { simpleParser, type ParsedMail } from 'mailparser';
import { badUserInput, emailChannelStreams, PLATFORM_MESSAGE_ID, type BounceReported, type Principal } from '#contracts';
import { CLOCK, CONFIG, PlatformRuntime, Public, recordDecisions, RestExceptionFilter, type Clock, type LedgerdeskConfig } from '#platform-kit';
import { IntakeQueries } from '../application/intake.queries.js';
import { ChannelIntake, type ChannelOutcome } from './channel-intake.service.js';
import { channelError, channelNotConfigured, channelUnauthenticated } from './channel-http.js';
import {
  channelSubject,
  emailReceivedAt,
  MAX_MESSAGE_ID_CHARS,
  messageIds,
  noDiagnostics,
  relayReceiptOf,
  senderOf,
  severityTag,
} from './channel-messages.js';
import { bearerMatches } from './channel-signatures.js';
import { isDeliveryStatusReport, parseDeliveryStatus } from './delivery-status.js';

const BOUNCE_NAMESPACE = '9c1f4e2a-5b7d-4c3e-8a6f-2d0b1e9f7a53';
const BOUNCE_ACTOR = { id: 'email-channel', role: 'ADMIN' as const };

/**
 * What a delivery status notification did: `bounce-reported` (recorded; outbound marks the delivery), `ignored`
 * (it names no e-mail of ours). `deliveryId`: the first of the platform's deliveries it names.
 */
export interface BounceOutcome {
  action: 'bounce-reported' | 'ignored';
  deliveryId: string | null;
}

/** HTML parts longer than this are not converted to text (the conversion is the expensive part of parsing). */
const MAX_HTML_TO_TEXT_CHARS = 2_000_000;

/**
 * The e-mail channel: the mail relay POSTs each inbound message raw (`Content-Type: message/rfc822`) with
 * `Authorization: Bearer <LEDGERDESK_EMAIL_CHANNEL_SECRET>`. The sender's domain names the account; the
 * Message-ID makes a redelivery a no-op; In-Reply-To/References naming a ticket's message make it a reply.
 *
 * The From header is whatever the sender wrote: the relay must only forward mail that passed SPF/DKIM/DMARC
 * for its From domain, or anyone could open tickets and reply as a customer.
 */
@Controller('channels')
@UseFilters(RestExceptionFilter)
export class EmailChannelController {
  constructor(
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IntakeQueries) private readonly directory: IntakeQueries,
    @Inject(ChannelIntake) private readonly intake: ChannelIntake,
    @Inject(Uploads) private readonly uploads: Uploads,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
  ) {}

  /**
   * A bounce (RFC 3464 report) naming the platform's own Message-IDs: recorded as the channel's own fact,
   * `BounceReported` on `email-bounce-<id>` (stream and event id from the report's Message-ID, so a redelivered
   * report records nothing). Outbound's reactor `outbound.bounces` records `DeliveryBounced` on the delivery it
   * names. It never opens a ticket or adds a reply (a bounce answered by mail would loop).
   */
  private async recordBounce(mail: ParsedMail, raw: Buffer): Promise<BounceOutcome> {
    const report = parseDeliveryStatus(mail, raw);
    const ours = [...new Set(report.referencedMessageIds.filter((id) => PLATFORM_MESSAGE_ID.test(id)).map((id) => id.toLowerCase()))].slice(0, 20);
    if (ours.length === 0) return { action: 'ignored', deliveryId: null };
    const reportMessageId = mail.messageId?.trim().slice(0, MAX_MESSAGE_ID_CHARS) || `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const reportKey = uuidv5(reportMessageId, BOUNCE_NAMESPACE);
    const recipients = report.recipients.length > 0 ? report.recipients.slice(0, 100) : [{ recipient: null, action: 'failed', status: null, diagnostic: null }];
    const now = this.clock.now();
    const event: BounceReported = { type: 'BounceReported', data: { reportMessageId, messageIds: ours, recipients, reportedAt: now.toISOString() } };
    const recorded = await recordDecisions(this.runtime.store, emailChannelStreams.bounce(reportKey), [{ actor: BOUNCE_ACTOR, events: [event] }], {
      now,
      expectedRevision: 'any',
      eventIds: () => uuidv5(`bounce-reported\n${reportMessageId}`, BOUNCE_NAMESPACE),
    });
    if (recorded.appended && !recorded.appended.alreadyRecorded) await this.runtime.settled(recorded);
    return { action: 'bounce-reported', deliveryId: PLATFORM_MESSAGE_ID.exec(ours[0]!)![1]!.toLowerCase() };
  }

  /** The message's MIME attachments, stored as uploads of the sender (the message is at most 10 MB, parsed already). */
  private async storeAttachments(principal: Principal, mail: ParsedMail): Promise<string[]> {
    const ids: string[] = [];
    for (const part of mail.attachments ?? []) {
      const staged = await this.uploads.stage(Readable.from([part.content]));
      const receipt = await this.uploads.record(principal, staged, {
        fileName: uploadFileName(part.filename),
        contentType: uploadContentType(part.contentType),
        expected: { sha256: null, size: null },
      });
      ids.push(receipt.id);
    }
    return ids;
  }

  @Public()
  @Post('email')
  async receive(
    @Req() request: { body?: unknown },
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<ChannelOutcome | BounceOutcome> {
    const secret = this.config.emailChannelSecret;
    if (!secret) throw channelNotConfigured('LEDGERDESK_EMAIL_CHANNEL_SECRET');
    if (!bearerMatches(authorization, secret)) throw channelUnauthenticated('A valid channel secret is required (Authorization: Bearer <secret>)');
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) {
      throw channelError(415, 'BAD_USER_INPUT', 'Send the raw message as the body with Content-Type: message/rfc822');
    }

    const mail = await parse(raw);
    if (isDeliveryStatusReport(mail)) {
      const bounce = await this.recordBounce(mail, raw);
      response.status(bounce.action === 'bounce-reported' ? 200 : 202);
      return bounce;
    }
    const from = mail.from?.value.find((entry) => entry.address);
    const sender = senderOf(from?.address);
    if (!sender) throw badUserInput('The message has no valid From address', 'from');
    const messageId = mail.messageId?.trim();
    if (!messageId) throw badUserInput('The message has no Message-ID header (it makes redeliveries safe)', 'messageId');
    if (messageId.length > MAX_MESSAGE_ID_CHARS) throw badUserInput(`Message-ID must be at most ${MAX_MESSAGE_ID_CHARS} characters`, 'messageId');

    const accountId = await this.directory.accountByEmailDomain(sender.domain);
    if (!accountId) throw badUserInput(`No account has the e-mail domain ${sender.domain}`, 'from');
    const principal: Principal = { id: `email:${sender.address}`, role: 'CUSTOMER', accountId };
    const text = (mail.text ?? '').trim();

    const outcome = await this.intake.serialized(`email\n${accountId}\n${messageId}`, async () => {
      const known = await this.intake.alreadyReceived(accountId, messageId);
      if (known) return known;
      const referenced = [...messageIds(mail.inReplyTo), ...messageIds(mail.references)].filter((id) => id !== messageId);
      const ticketId = await this.intake.ticketByMessages(accountId, referenced);
      const attachmentIds = await this.storeAttachments(principal, mail);
      if (ticketId) return this.intake.reply(principal, ticketId, text, messageId, attachmentIds);
      const { severity, rest } = severityTag(mail.subject ?? '');
      return this.intake.open(principal, {
        accountId,
        channel: 'EMAIL',
        subject: channelSubject(rest, '(no subject)'),
        description: text,
        claimedSeverity: severity,
        diagnostics: noDiagnostics(),
        externalId: messageId,
        receivedAt: emailReceivedAt(mail.date, this.clock.now(), relayReceiptOf(mail.headers.get('received') as string | string[] | undefined)),
        receivedAtFrom: 'CHANNEL',
        claimedReceivedAt: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
        attachmentIds,
        requester: { kind: 'EMAIL', id: principal.id, name: from?.name?.trim().slice(0, 200) || null, email: sender.address },
        followers: ccFollowers(mail, sender.address),
      });
    });
    response.status(outcome.action === 'duplicate' ? 200 : 201);
    return outcome;
  }
}

/** The message's Cc addresses, lowercase, once each, without the sender (at most 50). */
function ccFollowers(mail: ParsedMail, sender: string): string[] {
  const lists = mail.cc === undefined ? [] : Array.isArray(mail.cc) ? mail.cc : [mail.cc];
  const addresses = lists.flatMap((list) => list.value.map((entry) => senderOf(entry.address)?.address ?? null));
  return [...new Set(addresses.filter((address): address is string => address !== null && address !== sender))].slice(0, 50);
}

async function parse(raw: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: MAX_HTML_TO_TEXT_CHARS });
  } catch {
    throw badUserInput('The body is not a readable RFC 822 message', 'body');
  }
}
