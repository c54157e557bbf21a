export * from './audit.module.js';
export { checkAttachmentFiles, checkEvidenceBundle, type BundledAttachment, type EvidenceBundle } from './application/evidence-bundle.js';
export { TicketHistoryType } from './graphql/ticket-history.resolver.js';
export { checkStatementBundle } from './application/statement-bundle.js';
export { ticketClaimsProjection } from './projections/ticket-claims.projection.js';
export { ticketDeliveriesProjection } from './projections/ticket-deliveries.projection.js';
export { ticketIncidentsProjection } from './projections/ticket-incidents.projection.js';
