import { AccountsModule } from '#accounts';
import { AuditModule } from '#audit';
import { HealthChecksModule } from '#health-checks';
import { IncidentsModule } from '#incidents';
import { IntakeModule } from '#intake';
import { OutboundModule } from '#outbound';
import { SlaModule } from '#sla';
import { TriageModule } from '#triage';

/** Every bounded context, as `apps/platform` runs them in one process. */
export const PLATFORM_CONTEXTS = [AccountsModule, IntakeModule, TriageModule, SlaModule, HealthChecksModule, AuditModule, OutboundModule, IncidentsModule];
