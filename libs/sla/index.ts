export * from './sla.module.js';
export { slaStatus, type SlaPolicy, type SlaStatus } from './domain/sla-engine.js';
export { checkSlaConsistency, type SlaMismatch } from './application/sla-consistency.js';
export { SlaStatusType } from './graphql/sla.types.js';
export { toSlaStatusType } from './graphql/sla.resolver.js';
export { policyOf } from './projections/ticket-sla.projection.js';
export { slaDirectoryProjection } from './projections/sla-directory.projection.js';
export { ticketSlaProjection } from './projections/ticket-sla.projection.js';
export { claimsProjection } from './projections/claims.projection.js';
