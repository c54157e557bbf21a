export * from './sla.module.js';
export { slaStatus, type SlaPolicy, type SlaStatus } from './domain/sla-engine.js';
export { checkSlaConsistency, type SlaMismatch } from './application/sla-consistency.js';
export { SlaStatusType } from './graphql/sla.types.js';
export { toSlaStatusType } from './graphql/sla.resolver.js';
export { policyOf } from './projections/ticket-sla.projection.js';
