import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { DateTime } from 'luxon';
import { createCalendar, type BusinessCalendar } from '#calendar';
import {
  advisoryStream,
  badUserInput,
  agendaFeedStream,
  contractInForce,
  forbidden,
  healthCheckStream,
  notFound,
  channelTicketId,
  findingExternalId,
  trafficPeakStream,
  type HealthCheckKind,
  type HealthCheckOrigin,
  type Principal,
  type Severity,
} from '#contracts';
import type { AppendResult, Position } from '#event-store';
import { HealthChecksDirectory, type DirectoryAccount } from './directory.queries.js';
import { assertRecordable, CLOCK, executeCommand, foldStream, LOGGER, PlatformRuntime, scheduleTimer, type Clock, type Logger, type Timer } from '#platform-kit';
import { healthCheckDecider, type CompleteHealthCheck } from '../domain/health-check.decider.js';
import { trafficPeakDecider } from '../domain/traffic-peak.decider.js';
import { sdkAdvisoryDecider } from '../domain/sdk-advisory.decider.js';
import { agendaFeedDecider } from '../domain/agenda-feed.decider.js';
import { parseRecurrence } from '../domain/recurrence.js';
import { nextOccurrenceWithin, OccurrenceSearchTooLong } from './bounded-occurrence.js';
import { parseAffectedRange, parseFixedIn, sameSdk, versionAffected } from '../domain/sdk-versions.js';
import {
  addDays,
  businessDaysFromNow,
  holidayPeriods,
  localDateOf,
  notInThePast,
  preHolidayDueAt,
  prePeakDueAt,
} from '../domain/check-timing.js';
import { HEALTH_CHECK_SWEEP_TIMER, sweepTimerId } from '../projections/health-checks.projection.js';
import { HealthChecksQueries, type HealthCheckRow, type SdkAdvisoryRow } from './health-checks.queries.js';

/** Other contexts' checkpoints a completion waits on (names only: their modules are not imported). */
const FINDING_TICKETS_REACTOR = 'intake.finding-tickets';
const TICKETS_PROJECTION = 'triage.tickets';

/** Ids of automatic checks derive from their cause, so scheduling twice (a retry, a replayed sweep) records once. */
const CHECK_NAMESPACE = '9c4e2a71-5d3b-4f8e-a1c6-7b2d9e0f4a35';
const SYSTEM = { id: 'health-checks', role: 'ADMIN' as const };
/** PRE_HOLIDAY checks are scheduled when the period comes this close. */
const HOLIDAY_LOOKAHEAD_DAYS = 30;
/**
 * Every new ticket reporting an SDK is matched against the advisories: they are few and rarely change, so
 * they are kept this long (real time) rather than read per ticket. Publishing here drops them at once; one
 * published in another process is seen within this, and the daily sweep schedules any check missed meanwhile.
 */
const ADVISORY_CACHE_MS = 1_000;
/** How long an occurrence search may take (off the event loop) before the rule counts as never continuing. */
const OCCURRENCE_SEARCH_BUDGET_MS = 2_000;

interface NewCheck {
  checkId: string;
  account: DirectoryAccount;
  kind: HealthCheckKind;
  dueAt: Date;
  recurrence: string | null;
  seriesStartAt: Date | null;
  agenda: string;
  reason: string | null;
  origin: HealthCheckOrigin;
  automatic: boolean;
}

/** What the account's contract in force says about proactive checks, with its calendar as arithmetic. */
interface ProactiveTerms {
  proactive: boolean;
  calendar: BusinessCalendar | null;
}

@Injectable()
export class HealthChecksCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries,
    @Inject(HealthChecksDirectory) private readonly directory: HealthChecksDirectory,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private advisoryCache: { loadedAt: number; advisories: Promise<SdkAdvisoryRow[]> } | null = null;

  private currentAdvisories(): Promise<SdkAdvisoryRow[]> {
    if (!this.advisoryCache || performance.now() - this.advisoryCache.loadedAt > ADVISORY_CACHE_MS) {
      const advisories = this.queries.allAdvisories();
      this.advisoryCache = { loadedAt: performance.now(), advisories };
      advisories.catch(() => (this.advisoryCache = null));
    }
    return this.advisoryCache.advisories;
  }

  /** The account's TAM or an ADMIN schedules any kind of check, optionally recurring. */
  async schedule(principal: Principal, input: { accountId: string; kind: HealthCheckKind; dueAt: Date; recurrence: string | null; agenda: string }): Promise<string> {
    const account = await this.mustFindAccount(input.accountId);
    if (principal.role !== 'ADMIN' && !(principal.role === 'TAM' && account.tamId === principal.id)) {
      throw forbidden('Only the account’s TAM or an ADMIN can schedule its checks');
    }
    const recurrence = input.recurrence === null || input.recurrence === undefined ? null : parseRecurrence(input.recurrence, input.dueAt);
    if (recurrence) await this.assertSeriesContinues(recurrence, input.dueAt, account.timeZone);
    const checkId = randomUUID();
    await this.scheduleCheck(principal, {
      checkId,
      account,
      kind: input.kind,
      dueAt: input.dueAt,
      recurrence,
      seriesStartAt: recurrence ? input.dueAt : null,
      agenda: input.agenda,
      reason: null,
      origin: {},
      automatic: false,
    });
    return checkId;
  }

  /** Records the peak and, under a contract with proactive checks, its PRE_PEAK check. */
  async declareTrafficPeak(
    principal: Principal,
    input: { accountId: string; name: string; startsAt: Date; endsAt: Date; expectedPeakUsers: number | null },
  ): Promise<string> {
    const account = await this.mustFindAccount(input.accountId);
    const mayDeclare =
      principal.role === 'ADMIN' || (principal.role === 'TAM' && account.tamId === principal.id) || (principal.role === 'CUSTOMER' && principal.accountId === account.id);
    if (!mayDeclare && principal.role === 'CUSTOMER') throw notFound('Account');
    const now = this.clock.now();
    const peakId = randomUUID();
    const terms = await this.proactiveTerms(account, now);
    const healthCheckId = terms.proactive && terms.calendar ? uuidv5(`pre-peak:${peakId}`, CHECK_NAMESPACE) : null;
    const actor = { id: principal.id, role: principal.role };
    // Decided (and so validated) before the check exists: a refused peak leaves no orphan check behind.
    const result = await executeCommand(
      this.runtime.store,
      trafficPeakStream(peakId),
      trafficPeakDecider,
      { type: 'DeclareTrafficPeak', peakId, accountId: account.id, name: input.name, startsAt: input.startsAt, endsAt: input.endsAt, expectedPeakUsers: input.expectedPeakUsers, healthCheckId, mayDeclare, actor, now },
      { actor, now },
    );
    if (healthCheckId && terms.calendar) {
      const planned = prePeakDueAt(terms.calendar, input.startsAt, account.timeZone);
      await this.scheduleCheck(SYSTEM, {
        checkId: healthCheckId,
        account,
        kind: 'PRE_PEAK',
        dueAt: notInThePast(planned, terms.calendar, now, account.timeZone),
        recurrence: null,
        seriesStartAt: null,
        agenda: `Readiness review before ${input.name.trim()}: capacity plan, SDK versions in use, escalation contacts, war-room schedule.`,
        reason: `Traffic peak "${input.name.trim()}" starts ${input.startsAt.toISOString()}`,
        origin: { peakId },
        automatic: true,
      });
    }
    await this.runtime.settled(result);
    return peakId;
  }

  /**
   * Records the advisory with the accounts whose tickets report an affected version, and gives each of
   * them under proactive checks one SDK_UPGRADE check (due in 2 business days, 1 for P0/P1).
   */
  async publishAdvisory(
    principal: Principal,
    input: { sdkName: string; affectedVersions: string; fixedIn: string | null; severity: Severity; summary: string },
  ): Promise<string> {
    const affectedVersions = parseAffectedRange(input.affectedVersions);
    const fixedIn = parseFixedIn(input.fixedIn);
    const now = this.clock.now();
    const advisoryId = randomUUID();
    const affectedAccountIds = [
      ...new Set((await this.queries.reportedVersions(input.sdkName)).filter((report) => versionAffected(report.version, affectedVersions)).map((report) => report.accountId)),
    ].sort();
    const actor = { id: principal.id, role: principal.role };
    const result = await executeCommand(
      this.runtime.store,
      advisoryStream(advisoryId),
      sdkAdvisoryDecider,
      { type: 'PublishSdkAdvisory', advisoryId, sdkName: input.sdkName, affectedVersions, fixedIn, severity: input.severity, summary: input.summary, affectedAccountIds, actor, now },
      { actor, now },
    );
    await this.runtime.settled(result);
    this.advisoryCache = null;
    const advisory = (await this.queries.advisory(advisoryId))!;
    for (const accountId of affectedAccountIds) await this.scheduleSdkUpgrade(advisory, accountId, null, now);
    return advisoryId;
  }

  /** A new ticket reporting a version an advisory names schedules an SDK_UPGRADE check, unless one is open. */
  async reportSdkExposure(report: { ticketId: string; accountId: string; sdkName: string | null; sdkVersion: string | null }, at?: Date): Promise<void> {
    const { ticketId, accountId, sdkName, sdkVersion } = report;
    if (!sdkName || !sdkVersion) return;
    const now = at ?? this.clock.now();
    for (const advisory of await this.currentAdvisories()) {
      if (!sameSdk(advisory.sdkName, sdkName) || !versionAffected(sdkVersion, advisory.affectedVersions)) continue;
      if (await this.queries.hasScheduledSdkUpgradeCheck(accountId, advisory.id)) continue;
      await this.scheduleSdkUpgrade(advisory, accountId, ticketId, now);
    }
  }

  private async scheduleSdkUpgrade(
    advisory: { id: string; sdkName: string; affectedVersions: string; fixedIn: string | null; severity: Severity; summary: string },
    accountId: string,
    ticketId: string | null,
    now: Date,
  ): Promise<void> {
    const account = await this.directory.account(accountId);
    if (!account) return;
    const terms = await this.proactiveTerms(account, now);
    if (!terms.proactive || !terms.calendar) return;
    const days = advisory.severity === 'P0' || advisory.severity === 'P1' ? 1 : 2;
    const upgrade = advisory.fixedIn ? `upgrade to ${advisory.sdkName} ${advisory.fixedIn} or later` : 'agree a mitigation until a fixed version ships';
    await this.scheduleCheck(SYSTEM, {
      checkId: uuidv5(`sdk-upgrade:${advisory.id}:${accountId}:${ticketId ?? 'published'}`, CHECK_NAMESPACE),
      account,
      kind: 'SDK_UPGRADE',
      dueAt: businessDaysFromNow(terms.calendar, now, account.timeZone, days),
      recurrence: null,
      seriesStartAt: null,
      agenda: `Review ${advisory.sdkName} versions in production against the advisory and ${upgrade}.`,
      reason: `${advisory.severity} advisory for ${advisory.sdkName} ${advisory.affectedVersions}: ${advisory.summary}`,
      origin: { advisoryId: advisory.id, ...(ticketId ? { ticketId } : {}) },
      automatic: true,
    });
  }

  /**
   * Completes a check. The completion names a HEALTH_CHECK ticket for each finding marked `openTicket` (ids
   * derived from the check and the finding); intake's reactor opens them from the log. A recurring check
   * schedules its next occurrence.
   */
  async complete(principal: Principal, checkId: string, input: { summary: string; findings: { severity: Severity; summary: string; recommendation: string; openTicket: boolean }[] }): Promise<void> {
    const now = this.clock.now();
    const actor = { id: principal.id, role: principal.role };
    const state = foldStream(healthCheckDecider, await this.runtime.store.readStream(healthCheckStream(checkId)));
    const check = state.scheduled ? await this.queries.check(checkId) : null;
    if (!check || (principal.role === 'CUSTOMER' && principal.accountId !== check.accountId)) throw notFound('Health check');
    const mayComplete = principal.role === 'ADMIN' || (principal.role === 'TAM' && check.tamId === principal.id);
    const command = (ticketIds: (string | null)[]): CompleteHealthCheck => ({
      type: 'CompleteHealthCheck',
      summary: input.summary,
      findings: input.findings.map((finding, index) => ({ severity: finding.severity, summary: finding.summary, recommendation: finding.recommendation, ticketId: ticketIds[index] ?? null })),
      mayComplete,
      actor,
      now,
    });
    // Each finding marked for a ticket names it now (its id derives from the check and the finding); intake's
    // reactor opens it from the completion, in whichever process intake runs.
    const ticketIds = input.findings.map((finding, index) => (finding.openTicket ? channelTicketId(check.accountId, 'HEALTH_CHECK', findingExternalId(checkId, index)) : null));
    const result = await executeCommand(this.runtime.store, healthCheckStream(checkId), healthCheckDecider, command(ticketIds), { actor, now });
    await this.runtime.settled(result);
    if (result.appended && ticketIds.some((id) => id !== null)) await this.findingTicketsVisible(result.appended.position);
    await this.scheduleNextOccurrence(check);
  }

  /**
   * Read-your-writes across contexts: the completion answers with its findings' tickets, so it waits (at most
   * LEDGERDESK_REACTION_WAIT_MS) until intake's reactor has passed it and the tickets read model shows what it
   * opened. Past the bound a finding's ticket reads null until it is there; never an error.
   */
  private async findingTicketsVisible(completion: Position): Promise<void> {
    const signal = this.runtime.reactionWait();
    if (!(await this.runtime.reached(FINDING_TICKETS_REACTOR, completion, signal))) return;
    const head = await this.runtime.store.headPosition();
    if (head) await this.runtime.reached(TICKETS_PROJECTION, head, signal);
  }

  /** The check's TAM or an ADMIN cancels a scheduled check; a recurring one moves on unless the series ends. */
  async cancel(principal: Principal, checkId: string, input: { reason: string; endSeries: boolean }): Promise<void> {
    const now = this.clock.now();
    const actor = { id: principal.id, role: principal.role };
    const check = await this.queries.check(checkId);
    if (!check || (principal.role === 'CUSTOMER' && principal.accountId !== check.accountId)) throw notFound('Health check');
    const mayCancel = principal.role === 'ADMIN' || (principal.role === 'TAM' && check.tamId === principal.id);
    const result = await executeCommand(
      this.runtime.store,
      healthCheckStream(checkId),
      healthCheckDecider,
      { type: 'CancelHealthCheck', reason: input.reason, endSeries: input.endSeries, mayCancel, actor, now },
      { actor, now },
    );
    await this.runtime.settled(result);
    if (!input.endSeries) await this.scheduleNextOccurrence(check);
  }

  /** Timer: a check still SCHEDULED a day after it was due is MISSED (and a recurring one moves on). */
  async markMissed(timer: Timer, firedAt: Date): Promise<AppendResult | null> {
    const checkId = String(timer.payload.checkId);
    const result = await executeCommand(this.runtime.store, healthCheckStream(checkId), healthCheckDecider, { type: 'MarkHealthCheckMissed', now: firedAt }, {
      actor: SYSTEM,
      now: firedAt,
      eventIds: () => uuidv5(`missed:${checkId}`, CHECK_NAMESPACE),
    });
    if (!result.appended) return null;
    await this.runtime.settled(result);
    const check = await this.queries.check(checkId);
    if (check) await this.scheduleNextOccurrence(check);
    return result.appended;
  }

  /**
   * The check's TAM follows the account's: every SCHEDULED check moves to the TAM the account has now (given by
   * the handover reactor from the account's stream; else read from the accounts read model).
   */
  async moveScheduledChecks(accountId: string, currentTamId?: string, at?: Date): Promise<void> {
    const tamId = currentTamId ?? (await this.directory.account(accountId))?.tamId;
    if (!tamId) return;
    const now = at ?? this.clock.now();
    for (const check of await this.queries.scheduledChecksOf(accountId)) {
      if (check.tamId === tamId) continue;
      const result = await executeCommand(
        this.runtime.store,
        healthCheckStream(check.id),
        healthCheckDecider,
        { type: 'ReassignHealthCheck', toTamId: tamId, reason: 'Account handed over', actor: SYSTEM, now },
        { actor: SYSTEM, now },
      );
      await this.runtime.settled(result);
    }
  }

  /**
   * Timer, daily per account at local midnight: schedules PRE_HOLIDAY checks for holiday periods starting
   * within 30 days, and catches up on what another process or a crash left undone (a recurring check's
   * next occurrence, a handover, an advisory's check).
   */
  async sweep(timer: Timer, firedAt: Date): Promise<AppendResult | null> {
    const accountId = String(timer.payload.accountId);
    const account = await this.directory.account(accountId);
    if (!account) return null;
    const terms = await this.proactiveTerms(account, firedAt);
    if (terms.proactive && terms.calendar) await this.schedulePreHolidayChecks(account, terms.calendar, firedAt);
    for (const ended of await this.queries.endedRecurringWithoutSuccessor(accountId)) await this.scheduleNextOccurrence(ended);
    await this.moveScheduledChecks(accountId);
    await this.catchUpSdkUpgrades(accountId, firedAt);
    const nextMidnight = DateTime.fromJSDate(firedAt, { zone: account.timeZone }).startOf('day').plus({ days: 1 }).toJSDate();
    await scheduleTimer(this.runtime.readDb, { id: sweepTimerId(accountId), kind: HEALTH_CHECK_SWEEP_TIMER, dueAt: nextMidnight, payload: { accountId } });
    return null;
  }

  /** An advisory that names a version the account reports, and no SDK_UPGRADE check for it ever: schedule one. */
  private async catchUpSdkUpgrades(accountId: string, now: Date): Promise<void> {
    const advisories = await this.currentAdvisories();
    if (advisories.length === 0) return;
    const reported = await this.queries.reportedSdksOf(accountId);
    for (const advisory of advisories) {
      if (!reported.some((report) => sameSdk(report.sdkName, advisory.sdkName) && versionAffected(report.version, advisory.affectedVersions))) continue;
      if (await this.queries.hasAnySdkUpgradeCheck(accountId, advisory.id)) continue;
      await this.scheduleSdkUpgrade(advisory, accountId, null, now);
    }
  }

  private async schedulePreHolidayChecks(account: DirectoryAccount, calendar: BusinessCalendar, now: Date): Promise<void> {
    const today = localDateOf(now, calendar.definition.timeZone);
    for (const period of holidayPeriods(calendar, addDays(today, 1), addDays(today, HOLIDAY_LOOKAHEAD_DAYS))) {
      const holidays = period.holidays.join(', ');
      await this.scheduleCheck(SYSTEM, {
        checkId: uuidv5(`pre-holiday:${account.id}:${period.from}`, CHECK_NAMESPACE),
        account,
        kind: 'PRE_HOLIDAY',
        dueAt: notInThePast(preHolidayDueAt(calendar, period, account.timeZone), calendar, now, account.timeZone),
        recurrence: null,
        seriesStartAt: null,
        agenda: `Holiday readiness for ${period.from} – ${period.to}: on-call roster, escalation contacts, planned releases and traffic expectations.`,
        reason: `Holiday period ${period.from} – ${period.to} (holidays: ${holidays})`,
        origin: { holidayPeriod: { from: period.from, to: period.to } },
        automatic: true,
      });
    }
  }

  /**
   * A series must go on after its first check: a rule whose next occurrence is not found within the search
   * budget, or that has none although neither COUNT=1 nor UNTIL ends it (its parts never meet), is refused.
   */
  private async assertSeriesContinues(recurrence: string, firstDueAt: Date, zone: string): Promise<void> {
    let next: Date | null;
    try {
      next = await nextOccurrenceWithin(recurrence, firstDueAt, firstDueAt, zone, OCCURRENCE_SEARCH_BUDGET_MS);
    } catch (error) {
      if (!(error instanceof OccurrenceSearchTooLong)) throw error;
      throw badUserInput(`recurrence has no occurrence after the first check within reach (${error.message}): the rule's parts never meet`, 'recurrence');
    }
    const endsByItself = /(^|;)COUNT=1(;|$)/.test(recurrence) || /(^|;)UNTIL=/.test(recurrence);
    if (next === null && !endsByItself) {
      throw badUserInput("recurrence has no occurrence after the first check: the rule's parts never meet", 'recurrence');
    }
  }

  private async scheduleNextOccurrence(check: HealthCheckRow): Promise<void> {
    if (!check.recurrence) return;
    const account = await this.directory.account(check.accountId);
    if (!account) return;
    let dueAt: Date | null;
    try {
      dueAt = await nextOccurrenceWithin(check.recurrence, check.seriesStartAt ?? check.dueAt, check.dueAt, account.timeZone, OCCURRENCE_SEARCH_BUDGET_MS);
    } catch (error) {
      // What was asked (completing, cancelling) is recorded; the series cannot go on, and says so in the log.
      if (!(error instanceof OccurrenceSearchTooLong)) throw error;
      this.logger.warn({ checkId: check.id, recurrence: check.recurrence, err: error.message }, 'recurring check has no next occurrence within reach; the series ends');
      return;
    }
    if (!dueAt) return;
    await this.scheduleCheck(SYSTEM, {
      checkId: uuidv5(`next:${check.id}`, CHECK_NAMESPACE),
      account,
      kind: check.kind,
      dueAt,
      recurrence: check.recurrence,
      seriesStartAt: check.seriesStartAt ?? check.dueAt,
      agenda: check.agenda,
      reason: check.reason,
      origin: { previousCheckId: check.id },
      automatic: true,
    });
  }

  private async scheduleCheck(principal: Pick<Principal, 'id' | 'role'>, check: NewCheck): Promise<void> {
    const now = this.clock.now();
    const actor = { id: principal.id, role: principal.role };
    const result = await executeCommand(
      this.runtime.store,
      healthCheckStream(check.checkId),
      healthCheckDecider,
      {
        type: 'ScheduleHealthCheck',
        checkId: check.checkId,
        accountId: check.account.id,
        tamId: check.account.tamId,
        kind: check.kind,
        dueAt: check.dueAt,
        recurrence: check.recurrence,
        seriesStartAt: check.seriesStartAt,
        agenda: check.agenda,
        reason: check.reason,
        origin: check.origin,
        automatic: check.automatic,
        actor,
        now,
      },
      { actor, now, ...(check.automatic ? { eventIds: () => uuidv5(`scheduled:${check.checkId}`, CHECK_NAMESPACE) } : {}) },
    );
    await this.runtime.settled(result);
  }

  async issueFeedToken(principal: Principal, tamId: string): Promise<{ tokenId: string; token: string; issuedAt: Date }> {
    this.mustBeTheTamOrAdmin(principal, tamId);
    const now = this.clock.now();
    const token = `ldf_${randomBytes(32).toString('base64url')}`;
    const tokenId = randomUUID();
    const staff = await this.directory.staff(tamId);
    const actor = { id: principal.id, role: principal.role };
    const result = await executeCommand(
      this.runtime.store,
      agendaFeedStream(tamId),
      agendaFeedDecider,
      { type: 'IssueFeedToken', tamId, tokenId, tokenSha256: feedTokenHash(token), tamExists: staff?.role === 'TAM', actor, now },
      { actor, now },
    );
    await this.runtime.settled(result);
    return { tokenId, token, issuedAt: now };
  }

  async revokeFeedToken(principal: Principal, tamId: string, tokenId: string): Promise<void> {
    this.mustBeTheTamOrAdmin(principal, tamId);
    const now = this.clock.now();
    const actor = { id: principal.id, role: principal.role };
    const result = await executeCommand(this.runtime.store, agendaFeedStream(tamId), agendaFeedDecider, { type: 'RevokeFeedToken', tamId, tokenId, actor, now }, { actor, now });
    await this.runtime.settled(result);
  }

  private mustBeTheTamOrAdmin(principal: Principal, tamId: string): void {
    if (principal.role !== 'ADMIN' && !(principal.role === 'TAM' && principal.id === tamId)) throw forbidden('Only that TAM or an ADMIN');
  }

  private async mustFindAccount(accountId: string): Promise<DirectoryAccount> {
    const account = await this.directory.account(accountId);
    if (!account) throw notFound('Account');
    return account;
  }

  private async proactiveTerms(account: DirectoryAccount, at: Date): Promise<ProactiveTerms> {
    const contract = contractInForce(await this.directory.contracts(account.id), at);
    if (!contract?.proactiveChecks) return { proactive: false, calendar: null };
    const calendar = await this.directory.calendar(contract.calendarId);
    return { proactive: true, calendar: calendar ? createCalendar(calendar) : null };
  }
}

export const feedTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
