// Event contracts and vocabulary shared between contexts (versioned by metadata.schemaVersion).
export type { Actor, Role } from '#event-store';
export * from './errors.js';
export * from './support-terms.js';
export * from './accounts.events.js';
export * from './tickets.events.js';
export * from './principal.js';
export * from './contract-in-force.js';
export * from './sla.events.js';
export * from './claims.events.js';
export * from './health-checks.events.js';
export * from './credentials.events.js';
export * from './ticket-attachments.js';
export * from './outbound.events.js';
export * from './email-channel.events.js';
export * from './channel-reply.events.js';
export * from './sla-statement.events.js';
export * from './ticket-ids.js';
export * from './incidents.events.js';
