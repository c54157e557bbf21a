import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { badUserInput, forbidden, notFound } from '#contracts';
// Accounts' read side only (names to sort by), never its GraphQL module: accounts, staff and tickets are other
// subgraphs' entities, answered here by key (docs/architecture.md#the-federated-graph-issue-11).
import { HealthChecksDirectory } from '../application/directory.queries.js';
import { byKey, connectionPageInfo, entityType, NodeRegistry, CurrentPrincipal, encodeCursor, PAGE_ARGS, pageWindow, Loaders, type SortDirection, Roles, STAFF_ROLES, DateTimeScalar, type LoaderFactory, type Principal } from '#platform-kit';
import { HealthChecksCommands } from '../application/health-checks.commands.js';
import { HealthChecksQueries, type HealthCheckRow, type TrafficPeakRow } from '../application/health-checks.queries.js';
import { versionAffected } from '../domain/sdk-versions.js';
import {
  AgendaFeedTokenType,
  CompleteHealthCheckInput,
  DeclareTrafficPeakInput,
  FindingType,
  HealthCheckConnectionType,
  HealthCheckFilter,
  HealthCheckType,
  PublishSdkAdvisoryInput,
  ScheduleHealthCheckInput,
  SdkAdvisoryType,
  TrafficPeakType,
} from './health-checks.types.js';

/** An agenda longer than this is a report, not an agenda. */
const MAX_AGENDA_RANGE_DAYS = 366;

const visibleTo = (principal: Principal, accountId: string) => principal.role !== 'CUSTOMER' || principal.accountId === accountId;

@Resolver(() => HealthCheckType)
export class HealthChecksResolver {
  constructor(
    @Inject(HealthChecksCommands) private readonly commands: HealthChecksCommands,
    @Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries,
    @Inject(NodeRegistry) private readonly nodes: NodeRegistry,
  ) {
    nodes.register('HealthCheck', (principal, id) => this.healthCheck(principal, id));
  }

  @Query(() => HealthCheckType, { nullable: true, description: 'customers: their own account’s checks only' })
  async healthCheck(@CurrentPrincipal() principal: Principal, @Args('id', { description: 'the check id', type: () => ID }) id: string): Promise<HealthCheckType | null> {
    const row = await this.queries.check(id);
    return row && visibleTo(principal, row.accountId) ? row : null;
  }

  @Query(() => HealthCheckConnectionType, { description: 'ordered by dueAt; customers see their own account’s checks only' })
  async healthChecks(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { description: 'which checks; leave out for all you may see', type: () => HealthCheckFilter, nullable: true }) filter: HealthCheckFilter | null,
    @Args('first', PAGE_ARGS.first) first: number,
    @Args('after', PAGE_ARGS.after) after: string | null,
    @Args('last', PAGE_ARGS.last) last: number | null,
    @Args('before', PAGE_ARGS.before) before: string | null,
    @Args('direction', PAGE_ARGS.direction) direction: SortDirection,
  ): Promise<HealthCheckConnectionType> {
    const window = pageWindow<[string, string]>({ first, after, last, before, direction }, ['instant', 'text']);
    const values = { ...filter };
    if (principal.role === 'CUSTOMER') {
      if (values.accountId && values.accountId !== principal.accountId) {
        return { edges: [], pageInfo: connectionPageInfo([], { hasNextPage: false, hasPreviousPage: false }), totalCount: 0 };
      }
      values.accountId = principal.accountId;
    }
    const page = await this.queries.checksPage(values, window);
    const edges = page.rows.map((row) => ({ cursor: encodeCursor([row.dueAt.toISOString(), row.id]), node: row }));
    return { edges, pageInfo: connectionPageInfo(edges, page), totalCount: page.totalCount };
  }

  @Roles('TAM', 'ADMIN')
  @Query(() => [HealthCheckType], { description: 'TAM’s agenda: SCHEDULED check-ins due in [from, to). Also served as iCalendar at GET /tams/{id}/agenda.ics' })
  async tamAgenda(
    @CurrentPrincipal() principal: Principal,
    @Args('tamId', { description: 'the TAM', type: () => ID }) tamId: string,
    @Args('from', { description: 'start of the window (inclusive)', type: () => DateTimeScalar }) from: Date,
    @Args('to', { description: 'end of the window (exclusive)', type: () => DateTimeScalar }) to: Date,
  ): Promise<HealthCheckType[]> {
    if (principal.role === 'TAM' && principal.id !== tamId) throw forbidden('A TAM reads their own agenda');
    if (to <= from) throw badUserInput('to must be after from', 'to');
    if (to.getTime() - from.getTime() > MAX_AGENDA_RANGE_DAYS * 86_400_000) throw badUserInput(`the range must be at most ${MAX_AGENDA_RANGE_DAYS} days`, 'to');
    return (await this.queries.agenda(tamId, from, to));
  }

  @Roles('TAM', 'ADMIN')
  @Mutation(() => HealthCheckType, { description: 'the account’s TAM or ADMIN' })
  async scheduleHealthCheck(@CurrentPrincipal() principal: Principal, @Args('input', { description: 'account, kind, due time, recurrence and agenda', type: () => ScheduleHealthCheckInput }) input: ScheduleHealthCheckInput): Promise<HealthCheckType> {
    const id = await this.commands.schedule(principal, { ...input, recurrence: input.recurrence ?? null });
    return (await this.queries.check(id))!;
  }

  @Roles('TAM', 'ADMIN')
  @Mutation(() => HealthCheckType, { description: 'the check’s TAM or ADMIN; findings with openTicket become HEALTH_CHECK tickets' })
  async completeHealthCheck(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: 'the check id', type: () => ID }) id: string,
    @Args('input', { description: 'summary and findings', type: () => CompleteHealthCheckInput }) input: CompleteHealthCheckInput,
  ): Promise<HealthCheckType> {
    await this.commands.complete(principal, id, {
      summary: input.summary,
      findings: input.findings.map((finding) => ({ ...finding, openTicket: finding.openTicket ?? false })),
    });
    return (await this.queries.check(id))!;
  }

  @Roles('TAM', 'ADMIN')
  @Mutation(() => HealthCheckType, { description: 'the check’s TAM or ADMIN: a SCHEDULED check becomes CANCELLED; a recurring one moves on to its next occurrence unless endSeries' })
  async cancelHealthCheck(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: 'the check id', type: () => ID }) id: string,
    @Args('reason', { description: 'why (recorded)', type: () => String }) reason: string,
    @Args('endSeries', { description: 'also end a recurring check’s series', type: () => Boolean, nullable: true, defaultValue: false }) endSeries: boolean | null,
  ): Promise<HealthCheckType> {
    await this.commands.cancel(principal, id, { reason, endSeries: endSeries ?? false });
    return (await this.queries.check(id))!;
  }

  @Roles('CUSTOMER', 'TAM', 'ADMIN')
  @Mutation(() => TrafficPeakType, { description: 'the account’s CUSTOMER, its TAM, or ADMIN; schedules a PRE_PEAK check under proactive checks' })
  async declareTrafficPeak(@CurrentPrincipal() principal: Principal, @Args('input', { description: 'account, name, window and expected users', type: () => DeclareTrafficPeakInput }) input: DeclareTrafficPeakInput): Promise<TrafficPeakType> {
    const id = await this.commands.declareTrafficPeak(principal, { ...input, expectedPeakUsers: input.expectedPeakUsers ?? null });
    return (await this.queries.trafficPeak(id))!;
  }

  @Roles('ADMIN')
  @Mutation(() => SdkAdvisoryType, { description: 'Admins: publish an SDK advisory' })
  async publishSdkAdvisory(@Args('input', { description: 'SDK, affected range, fix, severity and summary', type: () => PublishSdkAdvisoryInput }) input: PublishSdkAdvisoryInput, @CurrentPrincipal() principal: Principal): Promise<SdkAdvisoryType> {
    const id = await this.commands.publishAdvisory(principal, { ...input, fixedIn: input.fixedIn ?? null });
    return (await this.queries.advisory(id))!;
  }

  @Roles('TAM', 'ADMIN')
  @Mutation(() => AgendaFeedTokenType, { description: 'that TAM or ADMIN: a secret feed URL for calendar apps; the token is shown only now' })
  async issueAgendaFeedToken(@CurrentPrincipal() principal: Principal, @Args('tamId', { description: 'the TAM', type: () => ID }) tamId: string): Promise<AgendaFeedTokenType> {
    const issued = await this.commands.issueFeedToken(principal, tamId);
    return { id: issued.tokenId, tamId, issuedAt: issued.issuedAt, revokedAt: null, token: issued.token, url: `/tams/${encodeURIComponent(tamId)}/agenda.ics?token=${issued.token}` };
  }

  @Roles('TAM', 'ADMIN')
  @Mutation(() => AgendaFeedTokenType, { description: 'that TAM or ADMIN; the feed URL stops working at once' })
  async revokeAgendaFeedToken(
    @CurrentPrincipal() principal: Principal,
    @Args('tamId', { description: 'the TAM', type: () => ID }) tamId: string,
    @Args('id', { description: 'the token id', type: () => ID }) id: string,
  ): Promise<AgendaFeedTokenType> {
    await this.commands.revokeFeedToken(principal, tamId, id);
    const token = (await this.queries.feedTokens(tamId)).find((row) => row.id === id);
    if (!token) throw notFound('Feed token');
    return { ...token, token: null, url: null };
  }

  @Roles('TAM', 'ADMIN')
  @Query(() => [AgendaFeedTokenType], { description: 'that TAM or ADMIN: issued feed tokens (never the secrets)' })
  async agendaFeedTokens(@CurrentPrincipal() principal: Principal, @Args('tamId', { description: 'the TAM', type: () => ID }) tamId: string): Promise<AgendaFeedTokenType[]> {
    if (principal.role === 'TAM' && principal.id !== tamId) throw forbidden('Only that TAM or an ADMIN');
    return (await this.queries.feedTokens(tamId)).map((row) => ({ ...row, token: null, url: null }));
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [SdkAdvisoryType], { description: 'staff: published SDK advisories for an SDK' })
  async sdkAdvisories(@Args('sdkName', { description: 'the SDK name', type: () => String }) sdkName: string): Promise<SdkAdvisoryType[]> {
    return this.queries.advisoriesForSdk(sdkName);
  }

  @ResolveField(() => entityType('Account'), { description: 'the account checked' })
  async account(@Parent() check: HealthCheckType, @Loaders() loaders: LoaderFactory): Promise<object> {
    const account = await this.nodes.entity('Account', check.accountId, loaders);
    if (!account) throw notFound('Account');
    return account;
  }

  @ResolveField(() => entityType('StaffMember'), { description: 'the TAM holding the check; null: none', nullable: true })
  async tam(@Parent() check: HealthCheckType, @Loaders() loaders: LoaderFactory): Promise<object | null> {
    if (!check.tamId) return null;
    return this.nodes.entity('StaffMember', check.tamId, loaders);
  }
}

@Resolver(() => FindingType)
export class FindingResolver {
  constructor(@Inject(NodeRegistry) private readonly nodes: NodeRegistry) {}

  @ResolveField(() => entityType('Ticket'), { description: 'the HEALTH_CHECK ticket opened for it; null: none', nullable: true })
  async ticket(@Parent() finding: FindingType, @Loaders() loaders: LoaderFactory): Promise<object | null> {
    if (!finding.ticketId) return null;
    return this.nodes.entity('Ticket', finding.ticketId, loaders);
  }
}

@Resolver(() => TrafficPeakType)
export class TrafficPeakResolver {
  constructor(
    @Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries,
    @Inject(NodeRegistry) private readonly nodes: NodeRegistry,
  ) {}

  @ResolveField(() => entityType('Account'), { description: 'the account' })
  async account(@Parent() peak: TrafficPeakType, @Loaders() loaders: LoaderFactory): Promise<object> {
    const account = await this.nodes.entity('Account', peak.accountId, loaders);
    if (!account) throw notFound('Account');
    return account;
  }

  @ResolveField(() => HealthCheckType, { description: 'the PRE_PEAK check scheduled for it; null: none', nullable: true })
  async healthCheck(@Parent() peak: TrafficPeakType, @Loaders() loaders: LoaderFactory): Promise<HealthCheckType | null> {
    if (!peak.healthCheckId) return null;
    const row = await loaders<string, HealthCheckRow>('health-checks.checks', async (ids) => byKey(ids, await this.queries.checksByIds(ids), (c) => c.id)).load(peak.healthCheckId);
    return row ? row : null;
  }
}

@Resolver(() => SdkAdvisoryType)
export class SdkAdvisoryResolver {
  constructor(
    @Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries,
    @Inject(HealthChecksDirectory) private readonly directory: HealthChecksDirectory,
    @Inject(NodeRegistry) private readonly nodes: NodeRegistry,
  ) {}

  @ResolveField(() => [entityType('Account')], { description: 'accounts whose tickets report an affected version (now, or when it was published)' })
  async affectedAccounts(@Parent() advisory: SdkAdvisoryType & { affectedAccountIds?: string[] }, @Loaders() loaders: LoaderFactory): Promise<object[]> {
    const reportedNow = (await this.queries.reportedVersions(advisory.sdkName)).filter((report) => versionAffected(report.version, advisory.affectedVersions));
    const ids = [...new Set([...(advisory.affectedAccountIds ?? []), ...reportedNow.map((report) => report.accountId)])];
    // Sorted by name here (health checks' own copy of account names), then answered by key.
    const rows = (await this.directory.accountsByIds(ids)).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const accounts = await Promise.all(rows.map((row) => this.nodes.entity('Account', row.id, loaders)));
    return accounts.filter((account): account is object => account !== null);
  }
}

@Resolver(() => entityType('Account'))
export class AccountTrafficPeaksResolver {
  constructor(@Inject(HealthChecksQueries) private readonly queries: HealthChecksQueries) {}

  @ResolveField(() => [TrafficPeakType], { description: 'the account’s declared traffic peaks' })
  async trafficPeaks(@Parent() account: { id: string }, @Loaders() loaders: LoaderFactory): Promise<TrafficPeakType[]> {
    const loader = loaders<string, TrafficPeakRow[]>('health-checks.peaks', async (ids) => {
      const rows = await this.queries.trafficPeaksOf(ids);
      return ids.map((id) => rows.filter((row) => row.accountId === id));
    });
    return ((await loader.load(account.id)) ?? []);
  }
}
