import { AccountsModule } from '#accounts';
import { AuditModule } from '#audit';
import { HealthChecksModule } from '#health-checks';
import { IncidentsModule } from '#incidents';
import { IntakeModule } from '#intake';
import { OutboundModule } from '#outbound';
import { SlaModule } from '#sla';
import { TriageModule } from '#triage';
// By path: these load audit's GraphQL, which the apps hosting outbound and incidents (intake, triage) must not.
import { IncidentsHistoryModule } from '../../libs/incidents/incidents-history.module.js';
import { OutboundHistoryModule } from '../../libs/outbound/outbound-history.module.js';

/**
 * Every bounded context, as `apps/platform` runs them in one process; with audit, outbound's and incidents'
 * fields of its `TicketHistory` (`deliveryEvents`, `incidentEvents`).
 */
export const PLATFORM_CONTEXTS = [
  AccountsModule,
  IntakeModule,
  TriageModule,
  SlaModule,
  HealthChecksModule,
  AuditModule,
  OutboundModule,
  IncidentsModule,
  OutboundHistoryModule,
  IncidentsHistoryModule,
];
