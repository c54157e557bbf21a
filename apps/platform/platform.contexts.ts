import { AccountsModule } from '#accounts';
import { AuditModule } from '#audit';
import { HealthChecksModule } from '#health-checks';
import { IntakeModule } from '#intake';
import { SlaModule } from '#sla';
import { TriageModule } from '#triage';

/** Every bounded context, as `apps/platform` runs them in one process. */
export const PLATFORM_CONTEXTS = [AccountsModule, IntakeModule, TriageModule, SlaModule, HealthChecksModule, AuditModule];
