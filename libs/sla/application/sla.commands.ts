import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  claimStream,
  notFound,
  type Principal,
  type SlaMetric,
  type SlaPolicyPinned,
  slaStream,
  ticketStream,
  type SlaEvent,
  type TicketEvent,
  type TicketOpened,
} from '#contracts';
import { WrongExpectedVersion, type AppendResult, type RecordedEvent } from '#event-store';
import { CLOCK, executeCommand, PlatformRuntime, recordDecisions, type Clock, type Decider, type Recorded, type Timer } from '#platform-kit';
import { slaStatus } from '../domain/sla-engine.js';
import { breachClaimDecider } from '../domain/breach-claim.decider.js';
import { creditMonth, proposedCredit, verdictFor } from '../domain/breach-claim.policy.js';
import { policyOf } from '../projections/ticket-sla.projection.js';
import { SlaQueries } from './sla.queries.js';

const SLA_NAMESPACE = '5d7a3b1e-6c2f-4f0a-8e9b-1a2b3c4d5e6f';
const SYSTEM = { id: 'sla-engine', role: 'ADMIN' as const };

type SlaCommand =
  | { type: 'Pin'; event: SlaEvent }
  | { type: 'Record'; event: SlaEvent };

/** The SLA stream only records facts computed elsewhere; a policy is pinned once. */
const slaStreamDecider: Decider<SlaCommand, { pinned: boolean }, SlaEvent> = {
  initialState: { pinned: false },
  evolve: (state, event) => (event.type === 'SlaPolicyPinned' ? { pinned: true } : state),
  decide: (command, state) => (command.type === 'Pin' && state.pinned ? [] : [command.event]),
};

@Injectable()
export class SlaCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SlaQueries) private readonly queries: SlaQueries,
  ) {}

  async ticketEvents(ticketId: string): Promise<TicketEvent[]> {
    return (await this.runtime.store.readStream(ticketStream(ticketId))) as unknown as TicketEvent[];
  }

  async slaEvents(ticketId: string): Promise<SlaEvent[]> {
    return (await this.runtime.store.readStream(slaStream(ticketId))) as unknown as SlaEvent[];
  }

  /**
   * Pins the contract version in force at receivedAt and its calendar's version at that moment, on the new
   * ticket's `sla-<ticket>` stream (once: the event id derives from the ticket, and a stream that already has
   * history has its pin). Returns what was appended; the caller waits for the read models.
   */
  async pin(ticketId: string, accountId: string, receivedAt: Date): Promise<Recorded> {
    const nothing: Recorded = { appended: null, eventTypes: [], events: [] };
    const policy = await this.queries.policyInForce(accountId, receivedAt);
    if (!policy) return nothing;
    const now = this.clock.now();
    const { version, signedBy: _signedBy, signedAt: _signedAt, accountId: _accountId, ...terms } = policy.contract;
    const event: SlaEvent = {
      type: 'SlaPolicyPinned',
      data: {
        ticketId,
        accountId,
        contractVersion: version,
        contract: terms,
        calendarId: policy.contract.calendarId,
        calendarVersion: policy.calendar.version,
        calendar: policy.calendar.definition,
        pinnedAt: now.toISOString(),
        pinnedBy: SYSTEM,
      },
    };
    const events = slaStreamDecider.decide({ type: 'Pin', event }, slaStreamDecider.initialState);
    try {
      return await recordDecisions(this.runtime.store, slaStream(ticketId), [{ actor: SYSTEM, events }], {
        now,
        expectedRevision: 'no_stream',
        eventIds: () => uuidv5(`pin:${ticketId}`, SLA_NAMESPACE),
      });
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      // Pinned already (a repeated or concurrent opening): answer with that pin, so the caller waits for it too.
      const [existing] = await this.runtime.store.readStream(slaStream(ticketId), { maxCount: 1 });
      if (!existing) return nothing;
      return { appended: { position: existing.position, nextExpectedRevision: existing.revision, alreadyRecorded: true }, eventTypes: [existing.type], events: [] };
    }
  }

  /**
   * A warning or breach timer fired: recompute the clock from the log at that instant and record what is
   * true then — once per (ticket, metric, cycle), by event id. Triage's reactor escalates a P0/P1 ticket on
   * a first-response or resolution breach, from the log.
   */
  async fire(timer: Timer, firedAt: Date): Promise<AppendResult | null> {
    const { ticketId, metric, cycle } = timer.payload as { ticketId: string; metric: string; cycle: number };
    const events = await this.ticketEvents(ticketId);
    const pinned = (await this.slaEvents(ticketId)).find((event) => event.type === 'SlaPolicyPinned');
    if (!pinned || pinned.type !== 'SlaPolicyPinned') return null;
    const status = slaStatus(events, policyOf(pinned), firedAt);
    const clock = status.clocks.find((c) => c.metric === metric && c.cycle === cycle);
    if (!clock || !clock.dueAt) return null;
    const accountId = pinned.data.accountId;
    const breach = timer.kind === 'sla.breach';
    let event: SlaEvent;
    if (breach) {
      if (clock.state !== 'BREACHED' || !clock.breachedAt) return null;
      event = { type: 'SlaClockBreached', data: { ticketId, accountId, metric: clock.metric, cycle, dueAt: clock.dueAt.toISOString(), breachedAt: clock.breachedAt.toISOString() } };
    } else {
      if (!['RUNNING', 'BREACHED'].includes(clock.state) || !clock.warnedAt) return null;
      event = { type: 'SlaWarningReached', data: { ticketId, accountId, metric: clock.metric, cycle, dueAt: clock.dueAt.toISOString(), warnedAt: clock.warnedAt.toISOString() } };
    }
    const key = `${breach ? 'breach' : 'warning'}:${ticketId}:${metric}:${cycle}`;
    const result = await executeCommand(this.runtime.store, slaStream(ticketId), slaStreamDecider, { type: 'Record', event }, {
      actor: SYSTEM,
      now: firedAt,
      eventIds: () => uuidv5(key, SLA_NAMESPACE),
    });
    return result.appended;
  }
}

const CLAIM_NAMESPACE = '2f6e8d4c-1b3a-4e5f-9a7b-8c6d5e4f3a2b';

/** The events a verdict rests on: what moves the clocks, and what the SLA context recorded about them. */
const EVIDENCE_TYPES = new Set(['TicketOpened', 'ReplyAdded', 'TicketResolved', 'TicketReopened', 'TicketClosed', 'SeverityAssessed', 'SeverityDisputeResolved', 'SlaPolicyPinned', 'SlaWarningReached', 'SlaClockBreached']);

export function isEvidence(event: RecordedEvent): boolean {
  if (!EVIDENCE_TYPES.has(event.type)) return false;
  return !(event.type === 'ReplyAdded' && (event.data as { visibility?: string }).visibility === 'INTERNAL');
}

@Injectable()
export class BreachClaimCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SlaQueries) private readonly queries: SlaQueries,
  ) {}

  static claimIdFor(ticketId: string, metric: SlaMetric, cycle: number): string {
    return uuidv5(`${ticketId}\n${metric}\n${cycle}`, CLAIM_NAMESPACE);
  }

  async file(principal: Principal, input: { ticketId: string; metric: SlaMetric; cycle: number; statement: string }): Promise<string> {
    const now = this.clock.now();
    const ticketEvents = await this.runtime.store.readStream(ticketStream(input.ticketId));
    const slaEvents = await this.runtime.store.readStream(slaStream(input.ticketId));
    const opened = ticketEvents.find((e) => e.type === 'TicketOpened')?.data as TicketOpened['data'] | undefined;
    const pinned = slaEvents.find((e) => e.type === 'SlaPolicyPinned') as unknown as SlaPolicyPinned | undefined;
    if (!opened || !pinned || (principal.role === 'CUSTOMER' && principal.accountId !== opened.accountId)) throw notFound('Ticket');
    const account = await this.queries.account(opened.accountId);
    const mayFile = principal.role === 'ADMIN' || principal.role === 'CUSTOMER' || (principal.role === 'TAM' && account?.tamId === principal.id);
    const status = slaStatus(ticketEvents as unknown as TicketEvent[], policyOf(pinned), now);
    const evidence = [...ticketEvents, ...slaEvents].filter(isEvidence).map((e) => e.id);
    const verdict = verdictFor(status, input.metric, input.cycle, evidence);
    const month = verdict?.breachedAt ? creditMonth(verdict.breachedAt, account?.timeZone ?? 'UTC') : null;
    const credit = verdict
      ? proposedCredit(verdict, input.metric, pinned.data.contract, await this.queries.approvedCredits(opened.accountId, month))
      : { amount: 0, currency: pinned.data.contract.currency };
    const claimId = BreachClaimCommands.claimIdFor(input.ticketId, input.metric, input.cycle);
    const actor = { id: principal.id, role: principal.role };
    const result = await executeCommand(
      this.runtime.store,
      claimStream(claimId),
      breachClaimDecider,
      { type: 'FileBreachClaim', claimId, ticketId: input.ticketId, accountId: opened.accountId, metric: input.metric, cycle: input.cycle, statement: input.statement, verdict, proposedCredit: credit, creditMonth: month, mayFile, actor, now },
      { actor, now },
    );
    await this.runtime.settled(result);
    return claimId;
  }

  /** APPROVE issues the credit recomputed against the month's cap now; REJECT records the reason. */
  async decide(principal: Principal, claimId: string, decision: 'APPROVE' | 'REJECT', reason: string): Promise<void> {
    const now = this.clock.now();
    const claim = await this.queries.claim(claimId);
    const pinned = claim ? ((await this.runtime.store.readStream(slaStream(claim.ticketId))).find((e) => e.type === 'SlaPolicyPinned') as unknown as SlaPolicyPinned | undefined) : undefined;
    const credit =
      claim && pinned
        ? proposedCredit(claim.verdict, claim.metric, pinned.data.contract, await this.queries.approvedCredits(claim.accountId, claim.creditMonth))
        : { amount: 0, currency: 'USD' };
    const actor = { id: principal.id, role: principal.role };
    const result = await executeCommand(this.runtime.store, claimStream(claimId), breachClaimDecider, { type: 'DecideBreachClaim', claimId, decision, reason, credit, actor, now }, { actor, now });
    await this.runtime.settled(result);
  }
}

