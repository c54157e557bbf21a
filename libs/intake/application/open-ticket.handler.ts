import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import {
  conflict,
  ReportSdkExposure,
  RouteNewTicket,
  slaStream,
  ticketStream,
  type Channel,
  type Diagnostics,
  type NewTicketRouting,
  type Principal,
  type Requester,
  type Severity,
  type TicketOpened,
} from '#contracts';
import { WrongExpectedVersion, type Position, type RecordedEvent } from '#event-store';
import { Uploads } from '#attachments';
import { CLOCK, CONFIG, dispatchIfHandled, foldStream, PlatformRuntime, recordDecisions, type Clock, type LedgerdeskConfig, type Recorded } from '#platform-kit';
import { openTicketDecider } from '../domain/open-ticket.decider.js';
import { IntakeQueries } from './intake.queries.js';

/** The SLA context's checkpoints an opening waits on (names only: the SLA module is not imported). */
const PIN_POLICIES_REACTOR = 'sla.pin-policies';
const SLA_TICKETS_PROJECTION = 'sla.tickets';
const DEFAULT_REACTION_WAIT_MS = 5_000;

function reactionWaitMs(): number {
  const configured = Number(process.env['LEDGERDESK_REACTION_WAIT_MS']);
  return Number.isFinite(configured) && configured >= 0 ? configured : DEFAULT_REACTION_WAIT_MS;
}

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
  /** The ticket stream's events this call recorded (TicketOpened, then any TicketAssigned); empty for a repeat. */
  recorded: { type: string; data: unknown; revision: number }[];
}

/**
 * Opens a ticket from any channel. Everything the opening depends on is decided before anything is
 * recorded: coverage under the contract in force at receivedAt (intake), whether the channel message already
 * opened it, and the routing (triage). Then, in order:
 *   1. one append on the ticket's stream: TicketOpened with the TicketAssigned triage decided;
 *   2. the SLA context's reactor pins the ticket's policy on `sla-<ticket>` (from the log, in any process);
 *   3. a bounded wait for the read models, so the response and the next query show the ticket, its assignee and SLA;
 *   4. the contexts that react to a new ticket in this process are told (health checks).
 * A repeated channel message records nothing and answers with the ticket it opened.
 */
@Injectable()
export class OpenTicketHandler {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IntakeQueries) private readonly queries: IntakeQueries,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(Uploads) private readonly uploads: Uploads,
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
  ) {}

  static ticketIdFor(accountId: string, channel: Channel, externalId: string | null): string {
    return externalId === null ? randomUUID() : uuidv5(`${accountId}\n${channel}\n${externalId}`, EXTERNAL_TICKET_NAMESPACE);
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

    // Triage decides the routing now, so that it is recorded with the opening.
    const routing = await this.commandBus.execute<RouteNewTicket, NewTicketRouting>(new RouteNewTicket(opened.data, now));

    // 1. TicketOpened + TicketAssigned: one append.
    let open: Recorded;
    try {
      open = await recordDecisions(this.runtime.store, stream, [{ actor, events: opening }, routing], {
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

    // 2. The SLA context's reactor pins the policy in force at receivedAt; 3. the read models show it all.
    await Promise.all([this.runtime.settled(open), this.reactionsVisible(ticketId, open.appended!.position)]);

    // 4. Health checks look at the SDK version it reports (an advisory may name it): ReportSdkExposure.
    await dispatchIfHandled(this.commandBus, new ReportSdkExposure(ticketId, request.accountId, request.diagnostics.sdkName, request.diagnostics.sdkVersion));
    return { ticketId, created: true, recorded: open.events };
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
   * Read-your-writes across contexts (docs/reactors.md): waits, at most LEDGERDESK_REACTION_WAIT_MS, until the
   * SLA reactor has passed the opening and the SLA read model shows the pin it recorded — through checkpoints
   * in the database, so it works when SLA runs in another process. Past the bound it returns anyway: the
   * answer then shows what is there (sla null), never an error.
   */
  private async reactionsVisible(ticketId: string, opening: Position): Promise<void> {
    const signal = AbortSignal.timeout(reactionWaitMs());
    if (!(await this.runtime.reached(PIN_POLICIES_REACTOR, opening, signal))) return;
    const [pin] = await this.runtime.store.readStream(slaStream(ticketId), { maxCount: 1 });
    if (pin) await this.runtime.reached(SLA_TICKETS_PROJECTION, pin.position, signal);
  }
}
