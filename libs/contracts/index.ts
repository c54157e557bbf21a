// Event contracts and vocabulary shared between contexts (versioned by metadata.schemaVersion).
export type { Actor, Role } from '#event-store';
export * from './errors.js';
export * from './support-terms.js';
export * from './accounts.events.js';
