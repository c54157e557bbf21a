export * from './sla.module.js';
export { slaStatus, type SlaPolicy, type SlaStatus } from './domain/sla-engine.js';
export { checkSlaConsistency, type SlaMismatch } from './application/sla-consistency.js';
