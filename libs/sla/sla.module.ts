import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { PlatformRuntime } from '#platform-kit';
import { BreachClaimCommands, SlaCommands } from './application/sla.commands.js';
import { pinPoliciesReactor } from './application/pin-policies.reactor.js';
import { BreachClaimsResolver, BreachVerdictResolver } from './graphql/claims.resolver.js';
import { claimsProjection } from './projections/claims.projection.js';
import { slaOpenTicketsProjection } from './projections/sla-open-tickets.projection.js';
import { SlaQueries } from './application/sla.queries.js';
import { SlaAlertsFeed } from './application/sla-alerts.feed.js';
import { SlaAlertsResolver } from './graphql/sla-alerts.resolver.js';
import { AccountHealthReferenceResolver, AccountHealthResolver } from './graphql/account-health.resolver.js';
import { TicketSlaResolver } from './graphql/sla.resolver.js';
import { SlaReportQueries } from './application/sla-report.queries.js';
import { SlaReportResolver } from './graphql/sla-report.resolver.js';
import { SlaStatementResolver } from './graphql/sla-statement.resolver.js';
import { slaReportProjection } from './projections/sla-report.projection.js';
import { slaStatementsProjection } from './projections/sla-statements.projection.js';
import { SlaStatements } from './application/sla-statements.js';
import { StatementDownloadController } from './http/statement-download.controller.js';
import { statementRevisionsReactor } from './application/statement-revisions.reactor.js';
import { slaDirectoryProjection } from './projections/sla-directory.projection.js';
import { SLA_BREACH_TIMER, SLA_WARNING_TIMER, ticketSlaProjection } from './projections/ticket-sla.projection.js';

/**
 * SLA: pinned policies, clocks, warning and breach timers, what-if, account health. It imports no other context:
 * what it needs of tickets (their facts, which are open) it keeps from the log in its own schema.
 */
@Module({
  controllers: [StatementDownloadController],
  providers: [SlaQueries, SlaCommands, BreachClaimCommands, TicketSlaResolver, BreachClaimsResolver, BreachVerdictResolver, SlaAlertsFeed, SlaAlertsResolver, AccountHealthResolver, AccountHealthReferenceResolver, SlaReportQueries, SlaReportResolver, SlaStatementResolver, SlaStatements],
  exports: [SlaQueries, SlaStatements],
})
export class SlaModule implements OnModuleInit {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(SlaCommands) private readonly commands: SlaCommands,
    @Inject(SlaStatements) private readonly statements: SlaStatements,
  ) {}

  onModuleInit(): void {
    this.runtime.registerProjection(slaDirectoryProjection);
    this.runtime.registerProjection(ticketSlaProjection);
    this.runtime.registerProjection(slaOpenTicketsProjection);
    this.runtime.registerProjection(claimsProjection);
    this.runtime.registerReactor(pinPoliciesReactor(this.commands));
    this.runtime.registerProjection(slaReportProjection);
    this.runtime.registerProjection(slaStatementsProjection);
    this.runtime.registerReactor(statementRevisionsReactor(this.runtime, this.runtime.readDb, this.statements));
    this.runtime.registerTimer(SLA_WARNING_TIMER, (timer, firedAt) => this.commands.fire(timer, firedAt));
    this.runtime.registerTimer(SLA_BREACH_TIMER, (timer, firedAt) => this.commands.fire(timer, firedAt));
  }
}
