import { accountsProjection, apiKeysProjection } from '#accounts';
import { ticketAttachmentsProjection } from '#attachments';
import { ticketClaimsProjection, ticketDeliveriesProjection, ticketIncidentsProjection } from '#audit';
import { healthChecksDirectoryProjection, healthChecksProjection, reportedSdksProjection } from '#health-checks';
import { incidentsProjection } from '#incidents';
import { channelMessagesProjection, intakeDirectoryProjection } from '#intake';
import { deliveriesProjection, onCallProjection, outboundDirectoryProjection } from '#outbound';
import type { Projection } from '#projections';
import { claimsProjection, slaDirectoryProjection, slaOpenTicketsProjection, slaReportProjection, slaStatementsProjection, ticketSlaProjection } from '#sla';
import { incidentLinksProjection, queueSlaProjection, ticketSearchProjection, ticketsProjection, triageDirectoryProjection } from '#triage';

/** Every read model of the platform, for `ledgerdesk projections rebuild` (the modules register the same ones). */
export const PLATFORM_PROJECTIONS: readonly Projection[] = [
  accountsProjection,
  apiKeysProjection,
  intakeDirectoryProjection,
  channelMessagesProjection,
  ticketsProjection,
  triageDirectoryProjection,
  ticketSearchProjection,
  queueSlaProjection,
  incidentLinksProjection,
  slaDirectoryProjection,
  ticketSlaProjection,
  slaOpenTicketsProjection,
  claimsProjection,
  slaReportProjection,
  slaStatementsProjection,
  healthChecksProjection,
  reportedSdksProjection,
  healthChecksDirectoryProjection,
  ticketAttachmentsProjection,
  outboundDirectoryProjection,
  deliveriesProjection,
  onCallProjection,
  incidentsProjection,
  ticketClaimsProjection,
  ticketDeliveriesProjection,
  ticketIncidentsProjection,
];
