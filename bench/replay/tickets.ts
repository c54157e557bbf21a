import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Channel, ClaimEvent, Diagnostics, Severity, SlaEvent, SlaMetric, TicketEvent } from '#contracts';
import type { Actor, NewEvent } from '#event-store';
import { slaStatus, type SlaPolicy } from '#sla';
import { breachClaimDecider, type ClaimState } from '../../libs/sla/domain/breach-claim.decider.js';
import { creditMonth, proposedCredit, verdictFor } from '../../libs/sla/domain/breach-claim.policy.js';
import { ticketDecider, type TicketCommand } from '../../libs/triage/domain/ticket.decider.js';
import type { TicketState } from '../../libs/triage/domain/ticket.state.js';
import { ADMIN, id, NOW, policyAt, ROUTER, SLA_ENGINE, type World, type WorldAccount } from './world.js';

/** Same namespace as BreachClaimCommands.claimIdFor: one claim per (ticket, metric, cycle). */
const CLAIM_NAMESPACE = '2f6e8d4c-1b3a-4e5f-9a7b-8c6d5e4f3a2b';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One append: a stream, its events, the revision it expects, and the instant it is recorded at. */
export interface PlannedAppend {
  stream: string;
  events: NewEvent[];
  expected: number | 'no_stream';
  recordedAt: number;
}

/** A ticket's life as the appends that record it, in the order they happen. */
export interface TicketLife {
  ticketId: string;
  appends: PlannedAppend[];
  ticketEvents: number;
  events: number;
  claims: number;
}

export function newEvent(type: string, data: object, at: number, actor: Actor, eventId: string = randomUUID()): NewEvent {
  const reason = (data as { reason?: unknown }).reason;
  return {
    id: eventId,
    type,
    data: data as Record<string, unknown>,
    metadata: {
      occurredAt: new Date(at).toISOString(),
      actor,
      ...(typeof reason === 'string' ? { reason } : {}),
      correlationId: eventId,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

const SEVERITIES: Severity[] = ['P0', 'P1', 'P2', 'P3'];
const SUBJECTS = ['Audio drops after 30 s on Android', 'Black screen when joining a channel', 'Echo in group calls', 'Live stream stalls at 1080p', 'Token expired errors after reconnect', 'High CPU in screen sharing'];
const STAFF_REPLIES = ['Thanks, we are looking into it with the media team.', 'Could you try SDK 4.2.3? It carries a fix for the jitter buffer.', 'We reproduced it on our side; a patch is in review.'];
const CUSTOMER_REPLIES = ['Still happening for about 5% of our users.', 'Logs attached, see the link.', 'The new build fixes it for us, thanks.'];

/**
 * Builds one ticket's whole life with the real deciders (triage's ticket decider, the claim decider, the SLA
 * engine for what its timers would have recorded), so every event is one the platform itself would append:
 * opened through a channel, routed, its policy pinned, assessed (sometimes disputed), a conversation of public
 * replies, information requests (waiting, pauses) and internal notes, maybe escalated, resolved, reopened,
 * closed; the SLA warnings and breaches its timers record; for some breaches a claim, filed and decided.
 * `targetTicketEvents` > 0 makes a long ticket with exactly that many events in its ticket stream.
 */
export function buildTicket(index: number, receivedAt: number, world: World, next: () => number, approved: Map<string, number>, targetTicketEvents = 0): TicketLife {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const between = (min: number, max: number) => min + Math.floor(next() * (max - min));
  const account = world.accounts[index % world.accounts.length]!;
  const ticketId = id(`ticket-${index}`);
  const customer = pick(account.customers);
  const engineers = world.engineers.filter((e) => e.region === account.region);
  const policy = policyAt(world, account, receivedAt);
  const channel: Channel = pick(['PORTAL', 'PORTAL', 'EMAIL', 'IM', 'PHONE'] as const);
  const claimed = pick(['P0', 'P1', 'P1', 'P2', 'P2', 'P2', 'P3', 'P3'] as const);
  const long = targetTicketEvents > 0;

  let state: TicketState = ticketDecider.initialState;
  const ticketEvents: NewEvent[] = [];
  const chunks: number[] = []; // ends of append chunks in ticketEvents
  let t = receivedAt;
  const openedAt = receivedAt + between(1_000, 5_000);
  const diagnostics: Diagnostics = {
    sdkName: 'rtc-sdk', sdkVersion: pick(['4.1.0', '4.2.1', '4.2.2']), platform: pick(['Android', 'iOS', 'Web', 'Windows']), osVersion: '14', deviceModel: pick(['Pixel 8', 'iPhone 15', 'Chrome 131']),
    networkType: pick(['wifi', '4g', '5g']), errorCode: next() < 0.5 ? `E${between(100, 999)}` : null, reproSteps: next() < 0.5 ? 'Join, publish, wait 30 s' : null, logUrls: [],
  };
  const opened: TicketEvent = {
    type: 'TicketOpened',
    data: {
      ticketId, accountId: account.id, channel, subject: pick(SUBJECTS), description: 'Customers report it since the last release. Repro rate about 5%.', claimedSeverity: claimed, diagnostics,
      externalId: channel === 'EMAIL' ? `<case-${index}@customer-${account.index}.example.com>` : null, receivedAt: new Date(receivedAt).toISOString(), openedBy: customer, openedAt: new Date(openedAt).toISOString(),
    },
  };
  record(opened, openedAt, customer);
  t = openedAt;

  function record(event: TicketEvent, at: number, actor: Actor): void {
    state = ticketDecider.evolve(state, event);
    ticketEvents.push(newEvent(event.type, event.data, at, actor));
  }
  /** Runs a command through the decider at `t`; false when the life is over (past NOW or the target). */
  function act(actor: Actor, command: Record<string, unknown> & { type: TicketCommand['type'] }): boolean {
    if (t >= NOW - MINUTE || (long && ticketEvents.length >= targetTicketEvents)) return false;
    // Generated tickets carry no files: every command that may attach some gets none.
    const full = { ticketId, actor, customerAccountId: actor.role === 'CUSTOMER' ? account.id : null, now: new Date(t), attachments: [], maxTicketAttachmentBytes: Number.MAX_SAFE_INTEGER, ...command } as TicketCommand;
    for (const event of ticketDecider.decide(full, state)) record(event, t, actor);
    return true;
  }
  // The long ticket is a busy one: its conversation runs ten times faster, so its thousand events fit in weeks.
  const pace = long ? 0.1 : 1;
  const wait = (minMinutes: number, maxMinutes: number) => (t += Math.max(MINUTE, Math.floor(between(minMinutes * MINUTE, maxMinutes * MINUTE) * pace)));
  let replies = 0;
  const reply = (actor: Actor, visibility: 'PUBLIC' | 'INTERNAL', requestsInformation: boolean) =>
    act(actor, {
      type: 'AddReply', replyId: id(`reply-${index}-${++replies}`), visibility, requestsInformation, externalId: null,
      body: requestsInformation ? 'Could you send the client logs and the SDK version?' : pick(actor.role === 'CUSTOMER' ? CUSTOMER_REPLIES : STAFF_REPLIES),
    });

  // Routing assigns it a second later.
  const engineer = pick(engineers);
  const assignee: Actor = { id: engineer.id, role: 'ENGINEER' };
  t += 1_000;
  act(ROUTER, { type: 'AssignTicket', assigneeId: engineer.id, assigneeIsStaff: true, reason: `routing: region ${account.region}, platform ${diagnostics.platform}`, automatic: true });
  chunks.push(ticketEvents.length);
  if (next() < 0.2) {
    wait(5, 120);
    act(customer, { type: 'AddDiagnostics', diagnostics: { logUrls: [`https://logs.example.com/${index}.zip`], reproSteps: 'Join, publish, wait 30 s' } });
  }
  if (next() < 0.65) {
    wait(5, 90);
    act(assignee, { type: 'AssessSeverity', severity: pick(SEVERITIES), reason: 'Impact assessed from the logs and the affected user count' });
    if (state.assessedSeverity && state.assessedSeverity !== state.claimedSeverity && next() < 0.3) {
      wait(30, 600);
      act(customer, { type: 'DisputeSeverity', reason: 'Our live events are down; this is business critical', actorIsAccountTam: false });
      wait(60, 1440);
      act({ id: account.tamId, role: 'TAM' }, { type: 'ResolveSeverityDispute', outcome: next() < 0.5 ? 'UPHELD' : 'REJECTED', reason: 'Reviewed with the customer and the engineer' });
    }
  }
  const conversation = (rounds: number) => {
    for (let round = 0; round < rounds; round++) {
      wait(5, 600);
      const ask = next() < 0.3;
      if (!reply(assignee, 'PUBLIC', ask)) return;
      if (next() < 0.3) {
        wait(1, 60);
        reply(assignee, 'INTERNAL', false);
      }
      if (ask || next() < 0.5) {
        wait(10, 2880);
        if (!reply(customer, 'PUBLIC', false)) return;
      }
      if (long && round % 97 === 96) {
        wait(5, 60);
        act(assignee, { type: 'AssessSeverity', severity: pick(SEVERITIES), reason: 'Re-assessed after new reports' });
      }
      if (long && round % 53 === 52) {
        wait(5, 60);
        act(assignee, { type: 'ResolveTicket', resolution: 'Patched in 4.2.3', rootCause: 'jitter buffer', quietPeriodMs: 7 * DAY });
        wait(60, 2 * 1440);
        act(customer, { type: 'ReopenTicket', reason: 'It came back on older devices' });
      }
      if (ticketEvents.length - (chunks.at(-1) ?? 0) >= 100) chunks.push(ticketEvents.length);
    }
  };
  conversation(long ? 1_000_000 : between(1, 13));
  if (!long) {
    chunks.push(ticketEvents.length);
    if (next() < 0.06) {
      wait(30, 600);
      act(assignee, { type: 'EscalateTicket', reason: 'Several customers affected; needs the media team' });
    }
    const recent = receivedAt > NOW - 14 * DAY;
    if (!recent || next() < 0.5) {
      wait(30, 2880);
      if (act(assignee, { type: 'ResolveTicket', resolution: 'Fixed in SDK 4.2.3', rootCause: next() < 0.7 ? 'Jitter buffer underflow on reconnect' : null, quietPeriodMs: 7 * DAY })) {
        if (next() < 0.08) {
          wait(60, 3 * 1440);
          if (act(customer, { type: 'ReopenTicket', reason: 'It happens again on older Android devices' })) {
            conversation(between(1, 4));
            wait(30, 1440);
            act(assignee, { type: 'ResolveTicket', resolution: 'Second fix shipped in 4.2.4', rootCause: null, quietPeriodMs: 7 * DAY });
          }
        }
        if (state.status === 'RESOLVED' && next() < 0.6) {
          wait(2 * 1440, 7 * 1440);
          act(next() < 0.5 ? assignee : customer, { type: 'CloseTicket' });
        }
      }
    }
  }
  if (chunks.at(-1) !== ticketEvents.length) chunks.push(ticketEvents.length);

  // What the SLA context records: the pin right after opening, then what its timers record up to NOW.
  const pinnedAt = openedAt + 1_000;
  const { version: contractVersion, ...contract } = policy.contract;
  const slaPolicy: SlaPolicy = { contractVersion, contract, calendarVersion: policy.calendar.version, calendar: policy.calendar.definition };
  const pin = newEvent(
    'SlaPolicyPinned',
    {
      ticketId, accountId: account.id, contractVersion, contract, calendarId: policy.calendarId, calendarVersion: policy.calendar.version,
      calendar: policy.calendar.definition, pinnedAt: new Date(pinnedAt).toISOString(), pinnedBy: SLA_ENGINE,
    },
    pinnedAt,
    SLA_ENGINE,
  );
  const facts = ticketEvents.map((event) => ({ type: event.type, data: event.data }) as unknown as TicketEvent);
  const status = slaStatus(facts, slaPolicy, new Date(NOW));
  const recorded: { event: SlaEvent; at: number }[] = [];
  for (const clock of status.clocks) {
    if (!clock.dueAt) continue;
    const base = { ticketId, accountId: account.id, metric: clock.metric, cycle: clock.cycle, dueAt: clock.dueAt.toISOString() };
    if (clock.warnedAt) recorded.push({ at: clock.warnedAt.getTime(), event: { type: 'SlaWarningReached', data: { ...base, warnedAt: clock.warnedAt.toISOString() } } });
    if (clock.breachedAt) recorded.push({ at: clock.breachedAt.getTime(), event: { type: 'SlaClockBreached', data: { ...base, breachedAt: clock.breachedAt.toISOString() } } });
  }
  recorded.sort((a, b) => a.at - b.at);
  const slaTail = recorded.map(({ event, at }) => newEvent(event.type, event.data, at, SLA_ENGINE));

  // Some breaches are claimed by the customer a day or two after resolution, and decided by an admin.
  const claimAppends: PlannedAppend[] = [];
  const breached = status.clocks.find((clock) => clock.breachedAt);
  const resolvedAt = (ticketEvents.find((event) => event.type === 'TicketResolved')?.data as { resolvedAt?: string } | undefined)?.resolvedAt;
  if (breached && resolvedAt && next() < 0.35) {
    const filedAt = Date.parse(resolvedAt) + between(HOUR, 2 * DAY);
    if (filedAt < NOW - DAY) claimAppends.push(...claim(ticketId, account, breached.metric, breached.cycle, filedAt, facts, ticketEvents, [pin, ...slaTail], slaPolicy, customer, next, approved));
  }

  const appends: PlannedAppend[] = [];
  let start = 0;
  for (const [n, end] of chunks.entries()) {
    if (end > start) appends.push({ stream: `ticket-${ticketId}`, events: ticketEvents.slice(start, end), expected: start === 0 ? 'no_stream' : start - 1, recordedAt: lastInstant(ticketEvents.slice(start, end)) });
    if (n === 0) appends.push({ stream: `sla-${ticketId}`, events: [pin], expected: 'no_stream', recordedAt: pinnedAt });
    start = end;
  }
  if (slaTail.length > 0) appends.push({ stream: `sla-${ticketId}`, events: slaTail, expected: 0, recordedAt: lastInstant(slaTail) });
  appends.push(...claimAppends);
  const claims = claimAppends.length > 0 ? 1 : 0;
  return { ticketId, appends, ticketEvents: ticketEvents.length, events: appends.reduce((n, a) => n + a.events.length, 0), claims };
}

function lastInstant(events: readonly NewEvent[]): number {
  return Math.max(...events.map((event) => Date.parse(event.metadata.occurredAt)));
}

function claim(
  ticketId: string,
  account: WorldAccount,
  metric: SlaMetric,
  cycle: number,
  filedAt: number,
  facts: TicketEvent[],
  ticketEvents: NewEvent[],
  slaEvents: NewEvent[],
  policy: SlaPolicy,
  customer: Actor,
  next: () => number,
  approved: Map<string, number>,
): PlannedAppend[] {
  const status = slaStatus(facts, policy, new Date(filedAt));
  const isEvidence = (event: NewEvent) =>
    ['TicketOpened', 'ReplyAdded', 'TicketResolved', 'TicketReopened', 'TicketClosed', 'SeverityAssessed', 'SeverityDisputeResolved', 'SlaPolicyPinned', 'SlaWarningReached', 'SlaClockBreached'].includes(event.type) &&
    !(event.type === 'ReplyAdded' && (event.data as { visibility?: string }).visibility === 'INTERNAL');
  const evidence = [...ticketEvents, ...slaEvents].filter((event) => Date.parse(event.metadata.occurredAt) <= filedAt && isEvidence(event)).map((event) => event.id);
  const verdict = verdictFor(status, metric, cycle, evidence);
  if (!verdict) return [];
  const month = verdict.breachedAt ? creditMonth(verdict.breachedAt, account.timeZone) : null;
  const key = `${account.id}|${month}`;
  const claimId = uuidv5(`${ticketId}\n${metric}\n${cycle}`, CLAIM_NAMESPACE);
  let state: ClaimState = breachClaimDecider.initialState;
  const filed = breachClaimDecider.decide(
    {
      type: 'FileBreachClaim', claimId, ticketId, accountId: account.id, metric, cycle, statement: 'The stream was down for our launch event; we claim the contractual credit.',
      verdict, proposedCredit: proposedCredit(verdict, metric, policy.contract, approved.get(key) ?? 0), creditMonth: month, mayFile: true, actor: customer, now: new Date(filedAt),
    },
    state,
  );
  for (const event of filed) state = breachClaimDecider.evolve(state, event);
  const appends: PlannedAppend[] = [{ stream: `claim-${claimId}`, events: filed.map((e: ClaimEvent) => newEvent(e.type, e.data, filedAt, customer)), expected: 'no_stream', recordedAt: filedAt }];
  if (next() < 0.7) {
    const decidedAt = filedAt + Math.floor(next() * DAY) + HOUR;
    const approve = verdict.breached && next() < 0.8;
    const credit = proposedCredit(verdict, metric, policy.contract, approved.get(key) ?? 0);
    const decided = breachClaimDecider.decide(
      { type: 'DecideBreachClaim', claimId, decision: approve ? 'APPROVE' : 'REJECT', reason: approve ? 'Breach confirmed by the record' : 'Not breached under the severity in effect', credit, actor: ADMIN, now: new Date(decidedAt) },
      state,
    );
    if (approve) approved.set(key, (approved.get(key) ?? 0) + credit.amount);
    appends.push({ stream: `claim-${claimId}`, events: decided.map((e: ClaimEvent) => newEvent(e.type, e.data, decidedAt, ADMIN)), expected: 0, recordedAt: decidedAt });
  }
  return appends;
}
