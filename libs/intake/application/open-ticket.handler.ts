import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import {
  conflict,
  PinSlaPolicy,
  ReportSdkExposure,
  RouteNewTicket,
  ticketStream,
  type Channel,
  type Diagnostics,
  type NewTicketRouting,
  type Principal,
  type Severity,
  type TicketOpened,
} from '#contracts';
import { WrongExpectedVersion, type RecordedEvent } from '#event-store';
import { Uploads } from '#attachments';
import { CLOCK, CONFIG, dispatchIfHandled, foldStream, PlatformRuntime, recordDecisions, type Clock, type LedgerdeskConfig, type Recorded } from '#platform-kit';
import { openTicketDecider } from '../domain/open-ticket.decider.js';
import { IntakeQueries } from './intake.queries.js';

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
  receivedAt: Date | null;
  /** Uploads (`POST /attachments`) by the same caller to attach. */
  attachmentIds?: readonly string[];
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
 *   2. the SLA context pins the ticket's policy on `sla-<ticket>`;
 *   3. one wait for the read models, so the response and the next query show the ticket, its assignee and SLA;
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
    const ticketId = OpenTicketHandler.ticketIdFor(request.accountId, request.channel, request.externalId);
    const stream = ticketStream(ticketId);
    const actor = { id: principal.id, role: principal.role };
    // A fresh id has no stream to load; a channel message's id may have opened its ticket already.
    const { attachmentIds = [], ...ticket } = request;
    const [coverageProblem, history] = await Promise.all([
      this.queries.coverageProblem(request.accountId, request.channel, receivedAt),
      request.externalId === null ? Promise.resolve<RecordedEvent[]>([]) : this.runtime.store.readStream(stream),
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

    // 2. The SLA context pins the contract and calendar versions in force at receivedAt.
    const pinned = await this.commandBus.execute<PinSlaPolicy, Recorded>(new PinSlaPolicy(ticketId, request.accountId, receivedAt));

    // 3. One wait for every read model that handles what was recorded.
    await this.runtime.settled([open, pinned]);

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
    const opened = history.find((event) => event.type === 'TicketOpened')?.data as TicketOpened['data'] | undefined;
    const pinned = opened
      ? await this.commandBus.execute<PinSlaPolicy, Recorded>(new PinSlaPolicy(ticketId, opened.accountId, new Date(opened.receivedAt)))
      : null;
    await this.runtime.settled([last?.position ?? null, pinned]);
    return { ticketId, created: false, recorded: [] };
  }
}
