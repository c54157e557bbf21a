import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Controller, Headers, HttpCode, HttpException, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { uploadContentType, uploadFileName, Uploads } from '#attachments';
import { AppError, type Principal } from '#contracts';
import { unstorableTextPath } from '#event-store';
import { CONFIG, LOGGER, Public, RestExceptionFilter, type LedgerdeskConfig, type Logger } from '#platform-kit';
import { IntakeQueries } from '../application/intake.queries.js';
import { ChannelIntake, type ChannelOutcome } from './channel-intake.service.js';
import { channelError, channelNotConfigured, channelUnauthenticated } from './channel-http.js';
import { channelSubject, noDiagnostics, severityTag, slackText } from './channel-messages.js';
import { slackSignatureProblem } from './channel-signatures.js';
import { SlackThreads } from './slack-threads.repository.js';

/** Message subtypes that are still a person writing: a message with files, a thread reply also sent to the channel. */
const HUMAN_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

const MAX_SLACK_ID_CHARS = 100;

export type SlackAnswer = ChannelOutcome | { challenge: string } | { ignored: string };

interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  hidden?: boolean;
  files?: unknown;
}

/** A file shared in a message, as the Events API describes it. */
interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

/** How long one file may take to fetch from Slack. */
const FILE_FETCH_TIMEOUT_MS = 120_000;
/** Slack puts at most 10 files on a message; more than this are noted, not fetched. */
const MAX_FILES_PER_MESSAGE = 20;

/**
 * The IM channel for Slack's Events API (`message.channels` / `message.groups` subscriptions). Every request
 * is signed by Slack (v0 HMAC over the raw body with the app's signing secret); a message in a channel
 * registered to an account opens a ticket, a reply in its thread adds a customer reply.
 *
 * Answers: 401 for a bad signature or a stale timestamp; 200 for anything authentic that records nothing
 * (Slack redelivers on any non-2xx answer — up to three times, and disables apps that keep failing — so an
 * unknown channel or a refused message answers 200 with `ignored` and a reason); 201 when something was recorded;
 * 5xx only for our own failures, which a redelivery may cure.
 */
@Controller('channels')
@UseFilters(RestExceptionFilter)
export class SlackChannelController {
  private readonly log: Logger;

  constructor(
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
    @Inject(IntakeQueries) private readonly directory: IntakeQueries,
    @Inject(ChannelIntake) private readonly intake: ChannelIntake,
    @Inject(SlackThreads) private readonly threads: SlackThreads,
    @Inject(Uploads) private readonly uploads: Uploads,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'channels', channel: 'slack' });
  }

  @Public()
  @Post('im')
  @HttpCode(200)
  async receive(
    @Req() request: { body?: unknown; rawBody?: Buffer },
    @Headers('x-slack-request-timestamp') timestamp: string | undefined,
    @Headers('x-slack-signature') signature: string | undefined,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<SlackAnswer> {
    const secret = this.config.slackSigningSecret;
    if (!secret) throw channelNotConfigured('LEDGERDESK_SLACK_SIGNING_SECRET');
    if (!Buffer.isBuffer(request.rawBody)) throw channelError(415, 'BAD_USER_INPUT', 'Slack events arrive as application/json');
    // Replay protection is about real time: Slack stamps each request with the real wall clock, and an attacker
    // replays a captured request minutes later in real time. The platform clock may be a manual one (tests,
    // demos, what-if runs) standing anywhere, so it must not decide freshness.
    const problem = slackSignatureProblem({ timestamp, signature, rawBody: request.rawBody }, secret, Date.now());
    if (problem) throw channelUnauthenticated(problem);

    const payload = request.body as Record<string, any> | undefined;
    if (payload?.['type'] === 'url_verification' && typeof payload['challenge'] === 'string') return { challenge: payload['challenge'] };
    if (payload?.['type'] !== 'event_callback') return this.ignore(`event envelope ${String(payload?.['type'])} is not handled`);
    // Refused here, answered 200: a 4xx would make Slack redeliver what can never be stored.
    const unstorable = unstorableTextPath(payload, 'payload');
    if (unstorable) return this.ignore(`text with NUL characters or unpaired surrogates cannot be stored (at ${unstorable})`);
    const outcome = await this.onEvent(payload);
    if ('action' in outcome && outcome.action !== 'duplicate') response.status(201);
    return outcome;
  }

  private async onEvent(payload: Record<string, any>): Promise<SlackAnswer> {
    const event = (payload['event'] ?? {}) as SlackMessageEvent;
    if (event.type !== 'message') return this.ignore(`event ${String(event.type)} is not handled`);
    if (event.bot_id || event.subtype === 'bot_message') return this.ignore('bot message');
    if ((event.subtype && !HUMAN_SUBTYPES.has(event.subtype)) || event.hidden) return this.ignore(`message subtype ${event.subtype ?? 'hidden'}`);
    const workspaceId = payload['team_id'];
    const eventId = payload['event_id'];
    const { channel: channelId, user, ts } = event;
    if (![workspaceId, eventId, channelId, user, ts].every((value) => typeof value === 'string' && value.length > 0 && value.length <= MAX_SLACK_ID_CHARS)) {
      return this.ignore('message without team_id, event_id, channel, user or ts');
    }
    const accountId = await this.directory.accountByImChannel(workspaceId, channelId!);
    if (!accountId) return this.ignore('unknown channel');

    const principal: Principal = { id: `slack:${user}`, role: 'CUSTOMER', accountId };
    const text = slackText(event.text ?? '').trim();
    const threadTs = typeof event.thread_ts === 'string' && event.thread_ts !== ts ? event.thread_ts : null;
    const rootTs = threadTs ?? ts!;
    try {
      // One thread at a time: a redelivery, the root and its replies never interleave in this process.
      return await this.intake.serialized(`slack\n${workspaceId}\n${channelId}\n${rootTs}`, async () => {
        const known = await this.intake.alreadyReceived(accountId, eventId);
        if (known) {
          if (!threadTs) await this.threads.link(workspaceId, channelId!, ts!, known.ticketId);
          return known;
        }
        // Fetched only once the event is known to be new: a redelivery finds the ticket above and fetches nothing,
        // so the ticket keeps the attachments of the first delivery.
        const files = await this.storeFiles(principal, event.files);
        const body = [text, ...files.notes].filter((line) => line.length > 0).join('\n');
        const threadTicket = threadTs ? await this.threads.ticketOf(workspaceId, channelId!, threadTs) : null;
        if (threadTicket) return this.intake.reply(principal, threadTicket, body, eventId, files.attachmentIds);
        // A top-level message, or a reply in a thread that is no ticket's yet (its root came before the channel
        // was registered, or was ignored): it opens a ticket, and the thread belongs to that ticket from now on.
        const { severity, rest } = severityTag(text);
        const opened = await this.intake.open(principal, {
          accountId,
          channel: 'IM',
          subject: channelSubject(rest, '(Slack message without text)'),
          description: body,
          claimedSeverity: severity,
          diagnostics: noDiagnostics(),
          externalId: eventId,
          // Slack delivers within seconds; the platform clock (possibly a manual one) says when.
          receivedAt: null,
          requester: { kind: 'SLACK', id: principal.id, name: null, email: null },
          attachmentIds: files.attachmentIds,
        });
        await this.threads.link(workspaceId, channelId!, rootTs, opened.ticketId);
        return opened;
      });
    } catch (error) {
      // Refused by a rule (no contract, channel not covered, ticket closed): a redelivery would be refused again.
      if (error instanceof AppError) return this.ignore(error.message, { code: error.code });
      throw error;
    }
  }

  /**
   * The message's files, each fetched with the bot token and streamed into the attachment store as an upload of
   * the sender (the upload size limit applies; nothing is buffered whole). A file that cannot be fetched or is
   * refused becomes a note line in the message's text, so the ticket shows what the customer sent and was not kept.
   */
  private async storeFiles(principal: Principal, raw: unknown): Promise<{ attachmentIds: string[]; notes: string[] }> {
    const attachmentIds: string[] = [];
    const notes: string[] = [];
    const files = Array.isArray(raw) ? (raw as SlackFile[]) : [];
    for (const [index, file] of files.entries()) {
      const fileName = uploadFileName(typeof file?.name === 'string' ? file.name : typeof file?.title === 'string' ? file.title : null);
      if (index >= MAX_FILES_PER_MESSAGE) {
        notes.push(`[Slack file "${fileName}" not attached: more than ${MAX_FILES_PER_MESSAGE} files on one message]`);
        continue;
      }
      try {
        attachmentIds.push(await this.storeFile(principal, file, fileName));
      } catch (error) {
        const reason = error instanceof FileRefused ? error.message : error instanceof HttpException || error instanceof AppError ? error.message : `fetch failed (${(error as Error).message})`;
        this.log.warn({ fileId: file?.id, fileName, reason }, 'Slack file not attached');
        notes.push(`[Slack file "${fileName}" not attached: ${reason}]`);
      }
    }
    return { attachmentIds, notes };
  }

  private async storeFile(principal: Principal, file: SlackFile, fileName: string): Promise<string> {
    const token = this.config.slackBotToken;
    if (!token) throw new FileRefused('no Slack bot token is configured (LEDGERDESK_SLACK_BOT_TOKEN)');
    const address = typeof file?.url_private_download === 'string' ? file.url_private_download : typeof file?.url_private === 'string' ? file.url_private : null;
    if (!address) throw new FileRefused('the event names no download URL');
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      throw new FileRefused('the download URL is not a URL');
    }
    // The bot token goes to Slack's file host only, whatever the payload says.
    if (url.origin !== this.config.slackFilesOrigin) throw new FileRefused(`the download URL is not on ${this.config.slackFilesOrigin}`);
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'follow', signal: AbortSignal.timeout(FILE_FETCH_TIMEOUT_MS) });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new FileRefused(`Slack answered HTTP ${response.status}`);
    }
    // Slack answers a bad or missing token with its sign-in page (200, text/html) rather than an error.
    if (uploadContentType(response.headers.get('content-type')) === 'text/html' && uploadContentType(file.mimetype) !== 'text/html') {
      await response.body.cancel();
      throw new FileRefused('Slack answered with a web page instead of the file (is the bot token valid, with files:read?)');
    }
    const staged = await this.uploads.stage(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>));
    const receipt = await this.uploads.record(principal, staged, {
      fileName,
      contentType: uploadContentType(file.mimetype ?? response.headers.get('content-type')),
      expected: { sha256: null, size: typeof file.size === 'number' && Number.isSafeInteger(file.size) && file.size >= 0 ? file.size : null },
    });
    return receipt.id;
  }

  private ignore(reason: string, details: Record<string, unknown> = {}): { ignored: string } {
    this.log.info({ reason, ...details }, 'Slack event ignored');
    return { ignored: reason, ...details };
  }
}

/** A file refused before or after fetching it, with the reason the ticket shows. */
class FileRefused extends Error {}
