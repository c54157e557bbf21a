import { Controller, Get, Header, Headers, Inject, Param, Query, UseFilters } from '@nestjs/common';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { HealthChecksDirectory, type DirectoryStaff } from '../application/directory.queries.js';
import { forbidden, notFound, type Principal } from '#contracts';
import { CLOCK, Public, RestExceptionFilter, Credentials, type Clock } from '#platform-kit';
import { feedTokenHash } from '../application/health-checks.commands.js';
import { HealthChecksQueries, type HealthCheckRow } from '../application/health-checks.queries.js';

/** The feed's window: a week back (a check still open) to a year ahead. */
const FEED_PAST_MS = 7 * 86_400_000;
const FEED_AHEAD_MS = 366 * 86_400_000;
const CHECK_DURATION_MS = 3_600_000;

const KIND_TITLE: Record<string, string> = { PERIODIC: 'Check-in', PRE_HOLIDAY: 'Pre-holiday check', PRE_PEAK: 'Pre-peak check', SDK_UPGRADE: 'SDK upgrade check' };

/**
 * `GET /tams/:id/agenda.ics`: the TAM's SCHEDULED checks as RFC 5545. Calendar apps cannot send headers, so
 * a feed token in the URL is accepted as well as a bearer token (that TAM or an ADMIN). A token that is
 * unknown, revoked or another TAM's answers 404: it reveals nothing about whose it was.
 */
@Controller('tams')
@UseFilters(RestExceptionFilter)
export class AgendaFeedController {
  constructor(
    @Inject(Credentials) private readonly credentials: Credentials,
    @Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries,
    @Inject(HealthChecksDirectory) private readonly directory: HealthChecksDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Public()
  @Get(':id/agenda.ics')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('cache-control', 'private, no-store')
  async agenda(@Param('id') tamId: string, @Query('token') feedToken: string | undefined, @Headers('authorization') authorization: string | undefined): Promise<string> {
    if (feedToken !== undefined) await this.checkFeedToken(tamId, feedToken);
    else this.checkPrincipal(tamId, await this.credentials.fromAuthorization(authorization));
    const tam = await this.directory.staff(tamId);
    if (tam?.role !== 'TAM') throw notFound('TAM');
    const now = this.clock.now();
    const checks = await this.queries.agenda(tamId, new Date(now.getTime() - FEED_PAST_MS), new Date(now.getTime() + FEED_AHEAD_MS));
    return this.calendar(tam, checks);
  }

  private async checkFeedToken(tamId: string, token: string): Promise<void> {
    const row = token.length <= 200 ? await this.queries.feedTokenByHash(feedTokenHash(token)) : null;
    if (!row || row.revokedAt || row.tamId !== tamId) throw notFound('Agenda');
  }

  private checkPrincipal(tamId: string, principal: Principal): void {
    if (principal.role !== 'ADMIN' && !(principal.role === 'TAM' && principal.id === tamId)) throw forbidden('Only that TAM or an ADMIN');
  }

  private async calendar(tam: DirectoryStaff, checks: HealthCheckRow[]): Promise<string> {
    const accounts = await this.directory.accountsByIds([...new Set(checks.map((c) => c.accountId))]);
    const accountName = new Map(accounts.map((a) => [a.id, a.name]));
    const calendar = ical({ name: `Ledgerdesk check-ins — ${tam.name}`, prodId: { company: 'Ledgerdesk', product: 'TAM agenda', language: 'EN' }, method: ICalCalendarMethod.PUBLISH });
    for (const check of checks) {
      calendar.createEvent({
        id: `${check.id}@ledgerdesk`,
        start: check.dueAt,
        end: new Date(check.dueAt.getTime() + CHECK_DURATION_MS),
        summary: `${KIND_TITLE[check.kind] ?? check.kind}: ${accountName.get(check.accountId) ?? check.accountId}`,
        description: [check.agenda, check.reason ? `Why: ${check.reason}` : null, check.recurrence ? `Repeats: ${check.recurrence}` : null].filter(Boolean).join('\n\n'),
      });
    }
    return calendar.toString();
  }
}
