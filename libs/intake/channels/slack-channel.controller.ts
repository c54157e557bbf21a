import { Controller, Headers, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
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
}

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
        const threadTicket = threadTs ? await this.threads.ticketOf(workspaceId, channelId!, threadTs) : null;
        if (threadTicket) return this.intake.reply(principal, threadTicket, text, eventId);
        // A top-level message, or a reply in a thread that is no ticket's yet (its root came before the channel
        // was registered, or was ignored): it opens a ticket, and the thread belongs to that ticket from now on.
        const { severity, rest } = severityTag(text);
        const opened = await this.intake.open(principal, {
          accountId,
          channel: 'IM',
          subject: channelSubject(rest, '(Slack message without text)'),
          description: text,
          claimedSeverity: severity,
          diagnostics: noDiagnostics(),
          externalId: eventId,
          // Slack delivers within seconds; the platform clock (possibly a manual one) says when.
          receivedAt: null,
          requester: { kind: 'SLACK', id: principal.id, name: null, email: null },
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

  private ignore(reason: string, details: Record<string, unknown> = {}): { ignored: string } {
    this.log.info({ reason, ...details }, 'Slack event ignored');
    return { ignored: reason, ...details };
  }
}
