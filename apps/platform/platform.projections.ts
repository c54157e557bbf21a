import { accountsProjection, apiKeysProjection } from '#accounts';
import { ticketAttachmentsProjection } from '#attachments';
import { healthChecksProjection } from '#health-checks';
import { incidentsProjection } from '#incidents';
import { intakeDirectoryProjection } from '#intake';
import { deliveriesProjection, outboundDirectoryProjection } from '#outbound';
import type { Projection } from '#projections';
import { claimsProjection, slaDirectoryProjection, slaReportProjection, slaStatementsProjection, ticketSlaProjection } from '#sla';
import { incidentLinksProjection, ticketSearchProjection, ticketsProjection, triageDirectoryProjection } from '#triage';

/** Every read model of the platform, for `ledgerdesk projections rebuild` (the modules register the same ones). */
export const PLATFORM_PROJECTIONS: readonly Projection[] = [
  accountsProjection,
  apiKeysProjection,
  intakeDirectoryProjection,
  ticketsProjection,
  triageDirectoryProjection,
  ticketSearchProjection,
  incidentLinksProjection,
  slaDirectoryProjection,
  ticketSlaProjection,
  claimsProjection,
  slaReportProjection,
  slaStatementsProjection,
  healthChecksProjection,
  ticketAttachmentsProjection,
  outboundDirectoryProjection,
  deliveriesProjection,
  incidentsProjection,
];
