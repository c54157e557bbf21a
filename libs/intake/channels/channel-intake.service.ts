import { v5 as uuidv5 } from 'uuid';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  channelReplyEventId,
  channelReplyKey,
  channelReplyStreams,
  ticketStream,
  type ChannelReplyRefused,
  type ErrorCode,
  type Principal,
} from '#contracts';
import type { Position, RecordedEvent } from '#event-store';
import { Uploads } from '#attachments';
import { CLOCK, CONFIG, PlatformRuntime, recordDecisions, type Clock, type LedgerdeskConfig } from '#platform-kit';
import { IntakeQueries } from '../application/intake.queries.js';
import { OpenTicketHandler, type OpenTicketRequest } from '../application/open-ticket.handler.js';
import { FOLLOW_UPS_REACTOR } from '../application/follow-ups.reactor.js';
import { decideChannelReply } from '../domain/channel-reply.decider.js';

/** Triage's reactor and read model a channel reply waits on (names only: triage is not imported). */
const CHANNEL_REPLIES_REACTOR = 'triage.channel-replies';
const TICKETS_PROJECTION = 'triage.tickets';
const RECEIVED_NAMESPACE = '3c7d1e9b-2f4a-4b8c-9d6e-5a0f1b2c3d48';

/** What a channel message did: opened a ticket, added a reply to one, or nothing (already received). */
export interface ChannelOutcome {
  ticketId: string;
  /** Whether this message opened a new ticket. */
  created: boolean;
  action: 'opened' | 'replied' | 'duplicate';
}

/**
 * What every channel adapter does once it has authenticated a message and found its account: recognise a
 * redelivery, add a reply to a ticket, or open one. Work on one key runs one at a time in this process, so two
 * concurrent deliveries of the same reply cannot both append it (both are idempotent by their derived ids anyway).
 * Which ticket holds a message comes from intake's own copy (intake.channel-messages), never triage's tables.
 */
@Injectable()
export class ChannelIntake {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(OpenTicketHandler) private readonly openTicket: OpenTicketHandler,
    @Inject(IntakeQueries) private readonly queries: IntakeQueries,
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(Uploads) private readonly uploads: Uploads,
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
  ) {}

  /** Runs `work` after every earlier call with the same key has finished (in this process). */
  serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** The ticket that already holds this channel message (as its opening or as a reply), if any. */
  async alreadyReceived(accountId: string, externalId: string): Promise<ChannelOutcome | null> {
    const ticketId = await this.queries.ticketByChannelMessage(accountId, [externalId]);
    return ticketId ? { ticketId, created: false, action: 'duplicate' } : null;
  }

  /** The ticket whose opening message or one of whose replies has one of these channel ids. */
  ticketByMessages(accountId: string, externalIds: readonly string[]): Promise<string | null> {
    return this.queries.ticketByChannelMessage(accountId, externalIds);
  }

  /**
   * A PUBLIC customer reply: intake decides what its copy of the ticket can tell (closed, blank, too long,
   * files past the limit: refused as the ticket would refuse it, nothing recorded), records ChannelReplyReceived
   * on `channel-reply-<key>`, and triage's reactor adds the reply to the ticket. Answers once the ticket's read
   * model shows the reply, waiting at most LEDGERDESK_REACTION_WAIT_MS: past it, `replied` anyway (the reactor
   * adds it when it gets there). A refusal triage recorded within the bound is thrown as triage gave it. A
   * repeat another process recorded first (this one's copy had not shown it yet) is a `duplicate`.
   */
  async reply(principal: Principal, ticketId: string, body: string, externalId: string, attachmentIds: readonly string[] = []): Promise<ChannelOutcome> {
    const accountId = principal.accountId!;
    const [ticket, attachments] = await Promise.all([this.queries.channelTicket(ticketId), this.uploads.forAttaching(principal, attachmentIds)]);
    const now = this.clock.now();
    const author = { id: principal.id, role: principal.role };
    const received = decideChannelReply(
      { ticketId, accountId, externalId, body, author, attachments, maxTicketAttachmentBytes: this.config.maxTicketAttachmentBytes, now },
      ticket,
    );
    const key = channelReplyKey(accountId, externalId);
    const receivedId = uuidv5(`received\n${key}`, RECEIVED_NAMESPACE);
    const recorded = await recordDecisions(this.runtime.store, channelReplyStreams.received(key), [{ actor: author, events: [received] }], {
      now,
      expectedRevision: 'any',
      eventIds: () => receivedId,
    });
    const appended = recorded.appended!;
    // This process's copy shows the message from now on (a redelivery is recognised), whatever triage does.
    await this.runtime.settled(recorded);
    const refusal = await this.reaction({ key, receivedId, position: appended.position, ticketId, externalId });
    if (refusal) throw new AppError(refusal.code as ErrorCode, refusal.message, refusal.field ? { field: refusal.field } : {});
    return { ticketId, created: false, action: appended.alreadyRecorded ? 'duplicate' : 'replied' };
  }

  /**
   * Read-your-writes across contexts (docs/reactors.md): waits, at most LEDGERDESK_REACTION_WAIT_MS, until
   * `triage.channel-replies` has passed the ChannelReplyReceived and the read models show what it recorded —
   * the reply in `triage.tickets` (through its checkpoint in the database when triage runs in another process)
   * and this process's read models; a late reply's follow-up opened by `intake.follow-ups`. Returns triage's
   * refusal when it recorded one, else null (also past the bound).
   */
  private async reaction(received: { key: string; receivedId: string; position: Position; ticketId: string; externalId: string }): Promise<ChannelReplyRefused['data'] | null> {
    const { key, receivedId, ticketId, externalId } = received;
    const signal = this.runtime.reactionWait();
    if (!(await this.runtime.reached(CHANNEL_REPLIES_REACTOR, received.position, signal))) return null;
    // A redelivery names the same ticket (its references, its thread), so the reply's id is the first delivery's.
    const replyId = channelReplyEventId(ticketId, externalId);
    const effects = (await this.runtime.store.readStream(ticketStream(ticketId))).filter((event) => event.metadata.causationId === receivedId || event.id === replyId);
    const reply = effects.find((event) => event.id === replyId);
    if (reply) {
      const last = effects.at(-1)!;
      const followUp = (reply.data as { followUpTicketId?: string | null }).followUpTicketId;
      await Promise.all([
        this.runtime.settled({ appended: { position: last.position, nextExpectedRevision: last.revision, alreadyRecorded: false }, eventTypes: [...new Set(effects.map((event) => event.type))] }),
        this.runtime.reached(TICKETS_PROJECTION, last.position, signal),
        followUp ? this.runtime.reached(FOLLOW_UPS_REACTOR, reply.position, signal) : null,
      ]);
      return null;
    }
    const refused = (await this.runtime.store.readStream(channelReplyStreams.refused(key))).find((event: RecordedEvent) => event.type === 'ChannelReplyRefused');
    if (!refused) return null;
    // The copy forgets the message again (a redelivery is decided again, and refused again).
    await this.runtime.settled({ appended: { position: refused.position, nextExpectedRevision: refused.revision, alreadyRecorded: false }, eventTypes: ['ChannelReplyRefused'] });
    return refused.data as ChannelReplyRefused['data'];
  }

  async open(principal: Principal, request: OpenTicketRequest): Promise<ChannelOutcome> {
    const { ticketId, created } = await this.openTicket.execute(principal, request);
    return { ticketId, created, action: created ? 'opened' : 'duplicate' };
  }
}
