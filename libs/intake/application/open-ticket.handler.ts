import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  channelTicketId,
  conflict,
  slaStream,
  ticketStream,
  type Channel,
  type Diagnostics,
  type Principal,
  type Requester,
  type Severity,
  type TicketOpened,
} from '#contracts';
import { WrongExpectedVersion, type Position, type RecordedEvent } from '#event-store';
import { Uploads } from '#attachments';
import { CLOCK, CONFIG, foldStream, PlatformRuntime, recordDecisions, type Clock, type LedgerdeskConfig, type Recorded } from '#platform-kit';
import { openTicketDecider } from '../domain/open-ticket.decider.js';
import { IntakeQueries } from './intake.queries.js';

/** The checkpoints of triage and SLA an opening waits on (names only: their modules are not imported). */
const ROUTE_NEW_TICKETS_REACTOR = 'triage.route-new-tickets';
const TICKETS_PROJECTION = 'triage.tickets';
const PIN_POLICIES_REACTOR = 'sla.pin-policies';
const SLA_TICKETS_PROJECTION = 'sla.tickets';
/** The caller as a requester: a portal user or integration (CUSTOMER), staff recording a call, health checks. */
export function requesterOf(principal: Principal, channel: Channel): Requester {
  const kind: Requester['kind'] =
    channel === 'HEALTH_CHECK' ? 'SYSTEM' : principal.role !== 'CUSTOMER' ? 'STAFF' : principal.id.startsWith('apikey:') ? 'INTEGRATION' : 'PORTAL';
  return { kind, id: principal.id, name: principal.name ?? null, email: principal.email ?? null };
}

/** Namespace for ticket ids derived from a channel's own message id (UUID v5). */
const EXTERNAL_TICKET_NAMESPACE = '0b8f4a52-8a3e-4c1e-9a57-3b2f9d6c1e44';

export interface OpenTicketRequest {
  accountId: string;
  channel: Channel;
  subject: string;
  description: string;
  claimedSeverity: Severity;
  diagnostics: Diagnostics;
  externalId: string | null;
  /** The instant to record as received (null: now). */
  receivedAt: Date | null;
  /** Who set receivedAt: the caller of openTicket, or a trusted channel adapter. */
  receivedAtFrom?: 'CALLER' | 'CHANNEL';
  /** What the source claimed, when it differs from receivedAt (an e-mail Date outside the allowed skew). */
  claimedReceivedAt?: Date | null;
  /** Uploads (`POST /attachments`) by the same caller to attach. */
  attachmentIds?: readonly string[];
  /** Who asked for it, as the channel knows them (default: the caller, from its token's claims). */
  requester?: Requester;
  /** E-mail addresses following it (the opening message's Cc). */
  followers?: readonly string[];
  /** A follow-up: the resolved ticket it follows, and its id (derived from the late reply that opened it). */
  followUp?: { of: string; ticketId: string };
}

export interface OpenTicketResult {
  ticketId: string;
  created: boolean;
  /** The ticket's stream once the reactions were waited for (TicketOpened, then the routing's TicketAssigned if it came in time); empty for a repeat. */
  recorded: { type: string; data: unknown; revision: number }[];
}

/**
 * Opens a ticket from any channel. Everything the opening depends on is decided before anything is
 * recorded: coverage under the contract in force at receivedAt, and whether the channel message already
 * opened it. Then, in order:
 *   1. one append on the ticket's stream: TicketOpened (with its attachments);
 *   2. the reactions, from the log, in whichever process their context runs: triage routes it (TicketAssigned),
 *      SLA pins its policy on `sla-<ticket>`, health checks look at the SDK version it reports;
 *   3. a bounded wait for routing and the pin and their read models, so the response and the next query show
 *      the ticket, its assignee and its SLA (docs/reactors.md).
 * A repeated channel message records nothing and answers with the ticket it opened.
 */
@Injectable()
export class OpenTicketHandler {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IntakeQueries) private readonly queries: IntakeQueries,
    @Inject(Uploads) private readonly uploads: Uploads,
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
  ) {}

  static ticketIdFor(accountId: string, channel: Channel, externalId: string | null): string {
    return externalId === null ? randomUUID() : channelTicketId(accountId, channel, externalId);
  }

  async execute(principal: Principal, request: OpenTicketRequest): Promise<OpenTicketResult> {
    const now = this.clock.now();
    const receivedAt = request.receivedAt ?? now;
    const ticketId = request.followUp?.ticketId ?? OpenTicketHandler.ticketIdFor(request.accountId, request.channel, request.externalId);
    const stream = ticketStream(ticketId);
    const actor = { id: principal.id, role: principal.role };
    // A fresh id has no stream to load; a channel message's id may have opened its ticket already.
    const { attachmentIds = [], followUp, requester, followers = [], ...ticket } = request;
    const [coverageProblem, history] = await Promise.all([
      this.queries.coverageProblem(request.accountId, request.channel, receivedAt),
      request.externalId === null && !followUp ? Promise.resolve<RecordedEvent[]>([]) : this.runtime.store.readStream(stream),
    ]);
    const state = foldStream(openTicketDecider, history);
    // A repeat answers with the ticket it opened: its uploads are attached already.
    const attachments = state.opened ? [] : await this.uploads.forAttaching(principal, attachmentIds);
    const opening = openTicketDecider.decide(
      {
        type: 'OpenTicket',
        ticketId,
        ...ticket,
        receivedAt,
        receivedAtFrom: request.receivedAt === null ? null : (request.receivedAtFrom ?? 'CALLER'),
        claimedReceivedAt: request.claimedReceivedAt ?? request.receivedAt,
        followUpOf: followUp?.of ?? null,
        requester: requester ?? requesterOf(principal, request.channel),
        followers: [...followers],
        actor,
        customerAccountId: principal.role === 'CUSTOMER' ? principal.accountId : null,
        coverageProblem,
        attachments,
        maxTicketAttachmentBytes: this.config.maxTicketAttachmentBytes,
        now,
      },
      state,
    );
    if (opening.length === 0) return this.alreadyOpened(ticketId, history);
    const opened = opening[0] as TicketOpened;

    // 1. TicketOpened (with any attachments): one append. Routing and the SLA pin are reactions to it.
    let open: Recorded;
    try {
      open = await recordDecisions(this.runtime.store, stream, [{ actor, events: opening }], {
        now,
        expectedRevision: history.length === 0 ? 'no_stream' : history.length - 1,
      });
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      // The same channel message, delivered twice at once: the other delivery opened it.
      const recorded = await this.runtime.store.readStream(stream);
      if (!foldStream(openTicketDecider, recorded).opened) throw conflict('Someone else changed it at the same moment; try again');
      return this.alreadyOpened(ticketId, recorded);
    }

    // 2. Triage's reactor routes it, SLA's pins its policy; 3. the read models show it all (bounded).
    await Promise.all([this.runtime.settled(open), this.reactionsVisible(ticketId, open.appended!.position)]);
    // What the ticket's stream holds now: the opening and, once routing passed it, the assignment.
    const recorded = (await this.runtime.store.readStream(stream)).map(({ type, data, revision }) => ({ type, data, revision }));
    return { ticketId, created: true, recorded };
  }

  /**
   * A repeat: answers once the read models show what the first delivery recorded. The first may still be on
   * its way to the SLA pin (a concurrent delivery) or may have stopped short of it (a crash): the pin is asked
   * for again — it records only when missing — and waited for with the rest.
   */
  private async alreadyOpened(ticketId: string, history: readonly RecordedEvent[]): Promise<OpenTicketResult> {
    const last = history.at(-1);
    const opened = history.find((event) => event.type === 'TicketOpened');
    await Promise.all([this.runtime.settled(last?.position ?? null), opened ? this.reactionsVisible(ticketId, opened.position) : null]);
    return { ticketId, created: false, recorded: [] };
  }

  /**
   * Read-your-writes across contexts (docs/reactors.md): waits, at most LEDGERDESK_REACTION_WAIT_MS, until
   * triage's routing reactor and SLA's pin reactor have passed the opening, and the read models show what they
   * recorded (triage.tickets the assignment, sla.tickets the pin) — through checkpoints in the database when
   * they run in another process. Past the bound it returns anyway: the answer then shows what is there
   * (assignee null, sla pending), never an error.
   */
  private async reactionsVisible(ticketId: string, opening: Position): Promise<void> {
    const signal = this.runtime.reactionWait();
    await Promise.all([
      this.reactionVisible(ROUTE_NEW_TICKETS_REACTOR, opening, TICKETS_PROJECTION, ticketStream(ticketId), 'TicketAssigned', signal),
      this.reactionVisible(PIN_POLICIES_REACTOR, opening, SLA_TICKETS_PROJECTION, slaStream(ticketId), 'SlaPolicyPinned', signal),
    ]);
  }

  private async reactionVisible(reactor: string, opening: Position, readModel: string, stream: string, type: string, signal: AbortSignal): Promise<void> {
    if (!(await this.runtime.reached(reactor, opening, signal))) return;
    const effect = (await this.runtime.store.readStream(stream)).find((event) => event.type === type);
    if (effect) await this.runtime.reached(readModel, effect.position, signal);
  }
}
