import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { notFound, type StatementFigures, type StatementRow } from '#contracts';
import { CLOCK, CurrentPrincipal, Roles, type Clock, type Principal } from '#platform-kit';
import { SlaQueries } from '../application/sla.queries.js';
import { SlaStatements, type IssuedStatement } from '../application/sla-statements.js';
import { BreachClaimType } from './claims.types.js';
import { toClaimType } from './claims.resolver.js';
import { SlaStatementType } from './sla-report.types.js';

const json = (value: unknown) => JSON.stringify(value ?? null);

/** A statement as GraphQL serves it, from its figures (drafted now, or as issued and revised). */
export function toStatementType(accountId: string, month: string, monthOpen: boolean, figures: StatementFigures, issued: IssuedStatement | null): SlaStatementType {
  const row = (r: StatementRow) => ({ ...r, accountId: null, month: null, metric: null, channel: null, assigneeId: null });
  return {
    accountId,
    month,
    status: issued ? 'ISSUED' : 'DRAFT',
    monthOpen,
    figures: { ...row(figures.totals), severity: null },
    bySeverity: figures.bySeverity.map(row),
    breaches: figures.breaches.map((b) => ({ ...b, dueAt: new Date(b.dueAt) })),
    proposedCredits: figures.proposedCredits,
    approvedCredits: figures.approvedCredits,
    creditCap: figures.creditCap,
    contractVersions: figures.contractVersions,
    issuedAt: issued?.issuedAt ?? null,
    issuedBy: issued ? (issued.issuedBy as SlaStatementType['issuedBy']) : null,
    revisions: (issued?.revisions ?? []).map((r) => ({
      revision: r.revision,
      revisedAt: new Date(r.revisedAt),
      causeEventId: r.causeEventId,
      causeEventType: r.causeEventType,
      changes: r.changes.map((c) => ({ path: c.path, before: json(c.before), after: json(c.after) })),
    })),
  };
}

@Resolver(() => SlaStatementType)
export class SlaStatementResolver {
  constructor(
    @Inject(SlaStatements) private readonly statements: SlaStatements,
    @Inject(SlaQueries) private readonly sla: SlaQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => SlaStatementType, { description: 'the account’s monthly SLA statement (staff, or the account’s own customer)' })
  async slaStatement(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { type: () => ID, description: 'the account' }) accountId: string,
    @Args('month', { type: () => String, description: 'YYYY-MM, a calendar month in the account’s zone' }) month: string,
  ): Promise<SlaStatementType> {
    return this.statement(principal, accountId, month);
  }

  @Roles('ADMIN', 'TAM')
  @Mutation(() => SlaStatementType, {
    description: 'ADMIN or the account’s TAM, after the month has ended in the account’s zone: records SlaStatementIssued with the figures (once)',
  })
  async issueSlaStatement(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { description: 'the account', type: () => ID }) accountId: string,
    @Args('month', { type: () => String, description: 'YYYY-MM in the account’s zone' }) month: string,
  ): Promise<SlaStatementType> {
    await this.statements.issue(principal, accountId, month);
    return this.statement(principal, accountId, month);
  }

  @Roles('CUSTOMER', 'TAM')
  @Mutation(() => [BreachClaimType], {
    description: 'the account’s customer or its TAM: files a breach claim for every missed clock of the month not yet claimed (each judged as fileBreachClaim judges one); returns those filed now',
  })
  async fileClaimsForStatement(
    @CurrentPrincipal() principal: Principal,
    @Args('accountId', { description: 'the account', type: () => ID }) accountId: string,
    @Args('month', { type: () => String, description: 'YYYY-MM in the account’s zone' }) month: string,
    @Args('statement', { type: () => String, nullable: true, description: 'the claims’ statement (default: “Filed with the SLA statement for <month>”)' }) statement: string | null,
  ): Promise<BreachClaimType[]> {
    const ids = await this.statements.fileClaims(principal, accountId, month, statement ?? null);
    const rows = await Promise.all(ids.map((id) => this.sla.claim(id)));
    return rows.map((row) => {
      if (!row) throw notFound('Breach claim');
      return toClaimType(row);
    });
  }

  private async statement(principal: Principal, accountId: string, month: string): Promise<SlaStatementType> {
    const { account, end } = await this.statements.access(principal, accountId, month);
    const issued = await this.statements.issued(accountId, month);
    const figures = issued?.figures ?? (await this.statements.figures(accountId, month, account.timeZone));
    return toStatementType(accountId, month, this.clock.now() < end.toJSDate(), figures, issued);
  }
}
