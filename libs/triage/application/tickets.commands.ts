import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { Inject, Injectable } from '@nestjs/common';
import { createCalendar, type BusinessCalendar, type CalendarDefinition } from '#calendar';
import {
  AppError,
  channelReplyEventId,
  channelReplyPartId,
  ticketStream,
  type AttachmentRef,
  type ChannelReplyReceived,
  type Diagnostics,
  type Principal,
  type Severity,
  type TicketOpened,
  type Visibility,
} from '#contracts';
import { Uploads } from '#attachments';
import type { RecordedEvent } from '#event-store';
import { CLOCK, CONFIG, executeCommand, executeCommands, foldStream, PlatformRuntime, recordDecisions, type Clock, type DomainEvent, type LedgerdeskConfig, type Timer } from '#platform-kit';
import { ticketDecider, type TicketCommand } from '../domain/ticket.decider.js';
import { routeTicket } from '../domain/routing.policy.js';
import { TicketsQueries } from './tickets.queries.js';

const AUTO_CLOSE_NAMESPACE = 'c3a1f0e2-5d4b-4f8e-9a7c-1e2d3c4b5a69';

const FOLLOW_UP_NAMESPACE = 'e5b7c9a1-3d2f-4b6e-8a1c-7f9e0d2b4c68';
/** Intake's reactor that opens follow-up tickets (a name only: intake is not imported). */
const FOLLOW_UPS_REACTOR = 'intake.follow-ups';

/** The follow-up ticket a late customer reply opens: derived from the reply, so a redelivery opens one. */
export const followUpTicketIdFor = (replyId: string) => uuidv5(`follow-up\n${replyId}`, FOLLOW_UP_NAMESPACE);

const AUTO_CLOSER = { id: 'triage-auto-close', role: 'ADMIN' as const, accountId: null };

type CommandBody = TicketCommand extends infer C ? (C extends TicketCommand ? Omit<C, 'ticketId' | 'actor' | 'customerAccountId' | 'now'> : never) : never;

/**
 * A ticket's life after opening. Each use case decides on the ticket's stream (a client's expectedVersion
 * guards it) and returns once the read model shows the change.
 */
@Injectable()
export class TicketsCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TicketsQueries) private readonly queries: TicketsQueries,
    @Inject(Uploads) private readonly uploads: Uploads,
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
  ) {}

  async execute(
    principal: Principal,
    ticketId: string,
    body: CommandBody,
    expectedVersion: number | null = null,
    eventId?: string | ((event: DomainEvent, index: number) => string),
    at?: Date,
    /** A reaction's cause: the event reacted to (its id and correlation). */
    cause?: { correlationId: string; causationId: string },
    options: { unsettled?: boolean; recorded?: readonly RecordedEvent[] } = {},
  ) {
    const now = at ?? this.clock.now();
    const actor = { id: principal.id, role: principal.role };
    const command = {
      ...body,
      ticketId,
      actor,
      customerAccountId: principal.role === 'CUSTOMER' ? principal.accountId : null,
      now,
    } as TicketCommand;
    const result = await executeCommand(this.runtime.store, ticketStream(ticketId), ticketDecider, command, {
      actor,
      now,
      expectedVersion,
      ...cause,
      ...(eventId ? { eventIds: typeof eventId === 'string' ? () => eventId : eventId } : {}),
      ...(options.recorded ? { recorded: options.recorded } : {}),
    });
    if (!options.unsettled) await this.runtime.settled(result);
    return result;
  }

  /**
   * A reaction on many tickets at once (an incident's broadcast): recorded without waiting for the read models
   * ticket by ticket; the reactor's caller (advanceClock, settleReactions) waits once for all. `recorded`: the
   * ticket's stream as the caller read it with many others (the first attempt decides on it).
   */
  react = (principal: Principal, ticketId: string, body: CommandBody, eventId: string, at: Date, cause: { correlationId: string; causationId: string }, recorded?: readonly RecordedEvent[]) =>
    this.execute(principal, ticketId, body, null, eventId, at, cause, { unsettled: true, recorded });

  /**
   * The same reaction on many tickets (an incident's broadcast) with one append for all (`executeCommands`):
   * each decided on its stream as read by the caller, a ticket that moved meanwhile decided again alone.
   * Per ticket, in order: its result or its refusal. Unsettled, as `react`.
   */
  reactMany(
    principal: Principal,
    reactions: readonly { ticketId: string; body: CommandBody; eventId: string; recorded?: readonly RecordedEvent[] }[],
    at: Date,
    cause: { correlationId: string; causationId: string },
  ) {
    const actor = { id: principal.id, role: principal.role };
    const customerAccountId = principal.role === 'CUSTOMER' ? principal.accountId : null;
    return executeCommands(
      this.runtime.store,
      ticketDecider,
      reactions.map(({ ticketId, body, eventId, recorded }) => ({
        stream: ticketStream(ticketId),
        command: { ...body, ticketId, actor, customerAccountId, now: at } as TicketCommand,
        context: { actor, now: at, ...cause, eventIds: () => eventId, ...(recorded ? { recorded } : {}) },
      })),
    );
  }

  /** The quiet period a resolution starts (LEDGERDESK_AUTO_CLOSE_AFTER). */
  get quietPeriodMs(): number {
    return this.config.autoCloseAfterSeconds * 1000;
  }

  assess = (p: Principal, id: string, severity: Severity, reason: string, v: number | null) => this.execute(p, id, { type: 'AssessSeverity', severity, reason }, v);
  resolveDispute = (p: Principal, id: string, outcome: 'UPHELD' | 'REJECTED', reason: string, v: number | null) =>
    this.execute(p, id, { type: 'ResolveSeverityDispute', outcome, reason }, v);
  escalate = (p: Principal, id: string, reason: string, v: number | null) => this.execute(p, id, { type: 'EscalateTicket', reason }, v);
  resolve = (p: Principal, id: string, resolution: string, rootCause: string | null, v: number | null) =>
    this.execute(p, id, { type: 'ResolveTicket', resolution, rootCause, quietPeriodMs: this.config.autoCloseAfterSeconds * 1000 }, v);

  /** The quiet period ran out: closes the ticket if that resolution still stands (the event id makes a repeat record once). */
  async autoClose(timer: Timer, firedAt: Date) {
    const { ticketId, resolvedAt } = timer.payload as { ticketId: string; resolvedAt: string };
    const result = await this.execute(AUTO_CLOSER, ticketId, { type: 'AutoCloseTicket', resolvedAt }, null, uuidv5(`${ticketId}\n${resolvedAt}`, AUTO_CLOSE_NAMESPACE), firedAt);
    return result.appended;
  }
  reopen = (p: Principal, id: string, reason: string, v: number | null) => this.execute(p, id, { type: 'ReopenTicket', reason }, v);
  close = (p: Principal, id: string, v: number | null) => this.execute(p, id, { type: 'CloseTicket' }, v);
  async addDiagnostics(p: Principal, id: string, diagnostics: Partial<Diagnostics>, v: number | null, attachmentIds: readonly string[] = []) {
    const attachments = await this.uploads.forAttaching(p, attachmentIds);
    return this.execute(p, id, { type: 'AddDiagnostics', diagnostics, attachments, maxTicketAttachmentBytes: this.config.maxTicketAttachmentBytes }, v);
  }

  /** A reply written here (GraphQL), with the caller's uploads (`POST /attachments`) it attaches. */
  async reply(p: Principal, id: string, body: string, visibility: Visibility, requestsInformation: boolean, v: number | null, attachmentIds: readonly string[] = []) {
    const attachments = await this.uploads.forAttaching(p, attachmentIds);
    return this.addReply(p, id, body, visibility, requestsInformation, v, null, attachments);
  }

  /**
   * A channel's customer reply (intake's ChannelReplyReceived, from the `triage.channel-replies` reactor): its
   * event id derives from the channel's message id, so a redelivery — in any process — is recorded once, and a
   * ticket that holds it already is left alone (a repeated reaction decides nothing, even on a ticket closed
   * since). The uploads were checked by intake when it recorded the message (ChannelReplyReceived carries them).
   * Recorded without waiting for the read models (the channel waits for them, bounded). A refusal of the decider
   * is thrown as the AppError; `channelReplyRefusal` tells one the ticket as it stands gives again from a race.
   */
  async channelReply(received: ChannelReplyReceived['data'], cause: { correlationId: string; causationId: string }) {
    const recorded = await this.runtime.store.readStream(ticketStream(received.ticketId));
    if (recorded.some((event) => event.id === channelReplyEventId(received.ticketId, received.externalId))) return null;
    const principal: Principal = { id: received.author.id, role: received.author.role, accountId: received.accountId };
    return this.addReply(principal, received.ticketId, received.body, 'PUBLIC', false, null, received.externalId, received.attachments, { at: new Date(received.receivedAt), cause, recorded });
  }

  /** The refusal the ticket decider gives this channel reply on the ticket as it stands now, or null (it passes, or the ticket holds it). */
  async channelReplyRefusal(received: ChannelReplyReceived['data']): Promise<AppError | null> {
    const recorded = await this.runtime.store.readStream(ticketStream(received.ticketId));
    if (recorded.some((event) => event.id === channelReplyEventId(received.ticketId, received.externalId))) return null;
    try {
      ticketDecider.decide(this.channelReplyCommand(received), foldStream(ticketDecider, recorded));
      return null;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }

  private channelReplyCommand(received: ChannelReplyReceived['data']): TicketCommand {
    const replyId = channelReplyEventId(received.ticketId, received.externalId);
    return {
      type: 'AddReply',
      replyId,
      followUpTicketId: followUpTicketIdFor(replyId),
      body: received.body,
      visibility: 'PUBLIC',
      requestsInformation: false,
      externalId: received.externalId,
      attachments: received.attachments,
      maxTicketAttachmentBytes: this.config.maxTicketAttachmentBytes,
      ticketId: received.ticketId,
      actor: { id: received.author.id, role: received.author.role },
      customerAccountId: received.author.role === 'CUSTOMER' ? received.accountId : null,
      now: new Date(received.receivedAt),
    };
  }

  /**
   * A reply (several events, maybe): a GraphQL one waits for the read models and a late reply's follow-up; a
   * reaction's (`reaction` given) is recorded at its instant, caused by its event, without waiting.
   */
  private async addReply(
    p: Principal,
    id: string,
    body: string,
    visibility: Visibility,
    requestsInformation: boolean,
    v: number | null,
    externalId: string | null,
    attachments: readonly AttachmentRef[],
    reaction?: { at: Date; cause: { correlationId: string; causationId: string }; recorded: readonly RecordedEvent[] },
  ) {
    const eventId = externalId === null ? undefined : channelReplyEventId(id, externalId);
    // A reply may be several events (a reopening before it, its attachments after it): the reply takes the id
    // derived from the channel message, each other event an id derived from that, its type and its place.
    const eventIds = eventId && ((event: DomainEvent, index: number) => (event.type === 'ReplyAdded' ? eventId : channelReplyPartId(eventId, event.type, index)));
    const replyId = eventId ?? randomUUID();
    const command = { type: 'AddReply' as const, replyId, followUpTicketId: followUpTicketIdFor(replyId), body, visibility, requestsInformation, externalId, attachments: [...attachments], maxTicketAttachmentBytes: this.config.maxTicketAttachmentBytes };
    const result = await this.execute(p, id, command, v, eventIds, reaction?.at, reaction?.cause, reaction ? { unsettled: true, recorded: reaction.recorded } : {});
    // A late reply opens a follow-up (intake's reactor, from the log): the answer waits, bounded, until it is there.
    if (!reaction && result.appended && result.eventTypes.includes('ReplyAdded') && result.state.status === 'RESOLVED' && p.role === 'CUSTOMER') {
      await this.runtime.reached(FOLLOW_UPS_REACTOR, result.appended.position, this.runtime.reactionWait());
    }
    return result;
  }

  async dispute(p: Principal, id: string, reason: string, v: number | null) {
    const ticket = await this.queries.ticket(id);
    const account = ticket ? await this.queries.accountRouting(ticket.accountId) : null;
    const actorIsAccountTam = p.role === 'TAM' && account?.tamId === p.id;
    return this.execute(p, id, { type: 'DisputeSeverity', reason, actorIsAccountTam }, v);
  }

  async assign(p: Principal, id: string, assigneeId: string, v: number | null) {
    const staff = await this.queries.staffMember(assigneeId);
    const assigneeIsStaff = staff !== null && (staff.role === 'ENGINEER' || staff.role === 'TAM');
    return this.execute(p, id, { type: 'AssignTicket', assigneeId, assigneeIsStaff, reason: `assigned by ${p.id}`, automatic: false }, v);
  }

  // Building a calendar validates it and loads holiday data: keep the shift calendars seen, by their JSON.
  private readonly shiftCalendars = new Map<string, BusinessCalendar>();
  private shiftCalendar(json: string): BusinessCalendar {
    let calendar = this.shiftCalendars.get(json);
    if (!calendar) {
      if (this.shiftCalendars.size >= 256) this.shiftCalendars.clear();
      calendar = createCalendar(JSON.parse(json) as CalendarDefinition);
      this.shiftCalendars.set(json, calendar);
    }
    return calendar;
  }

  /**
   * Auto-routing of an opened ticket (triage's routing reactor, on TicketOpened): the pure policy chooses from
   * triage's directory (the account's region and TAM, engineers on shift at the opening with their skills and
   * open tickets); the choice and its reason become a TicketAssigned dated at the opening, with the event id
   * given (derived from the ticket). A ticket someone assigned already, or closed, is left alone; so is a
   * redelivery (the ticket has its assignee then). Returns what was appended.
   */
  async routeNewTicket(opened: TicketOpened['data'], eventId: string, cause: { correlationId: string; causationId: string }) {
    const recordedEvents = await this.runtime.store.readStream(ticketStream(opened.ticketId));
    const state = foldStream(ticketDecider, recordedEvents);
    if (!state.opened || state.assigneeId !== null || state.status === 'CLOSED') return null;
    const at = new Date(opened.openedAt);
    const { account, engineers: staff } = await this.queries.routingDirectory(opened.accountId);
    const engineers = staff.map((engineer) => ({
      ...engineer,
      onShift: engineer.calendarJson ? this.shiftCalendar(engineer.calendarJson).isOpenAt(at) : true,
    }));
    const decision = routeTicket({
      severity: opened.claimedSeverity,
      region: account?.region ?? '',
      platform: opened.diagnostics.platform,
      engineers,
      accountTamId: account?.tamId ?? null,
    });
    if (!decision) {
      // A P0/P1 nobody can take (no engineer on shift in the region, no TAM) is recorded, so that it is raised (slaAlerts).
      if (opened.claimedSeverity !== 'P0' && opened.claimedSeverity !== 'P1') return null;
      const region = account?.region ?? '';
      const reason = `${opened.claimedSeverity} with no engineer on shift in ${region || 'its region'} and no TAM for the account`;
      const found = { ticketId: opened.ticketId, accountId: opened.accountId, severity: opened.claimedSeverity, region, reason, foundBy: ROUTER, foundAt: at.toISOString() };
      const recorded = await recordDecisions(this.runtime.store, ticketStream(opened.ticketId), [{ actor: ROUTER, events: [{ type: 'TicketUnassignable', data: found }] }], {
        now: at,
        expectedRevision: recordedEvents.length - 1,
        eventIds: () => eventId,
      });
      return recorded.appended;
    }
    const command = { type: 'AssignTicket' as const, assigneeId: decision.assigneeId, assigneeIsStaff: true, reason: decision.reason, automatic: true };
    const { appended } = await this.execute(ROUTER, opened.ticketId, command, null, eventId, at, cause, { unsettled: true });
    // The next routing counts open tickets in triage.tickets, which may not show this assignment yet: routing
    // counts it on top until the read model does, instead of waiting for the read model's batch per ticket.
    if (appended && !appended.alreadyRecorded) this.queries.noteRoutedAssignment(decision.assigneeId, appended.position);
    return appended;
  }
}


/** Who records automatic assignments. */
const ROUTER = { id: 'router', role: 'ADMIN' as const, accountId: null };
