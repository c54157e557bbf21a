export * from './triage.module.js';
export { TicketsQueries, type TicketRow } from './application/tickets.queries.js';
export { TicketType, DiagnosticsInput, OpenTicketInput } from './graphql/ticket.types.js';
export { toTicketType } from './graphql/ticket.mapper.js';
export { applyTicketEvent, foldTicketView, type TicketView } from './domain/ticket-view.js';
export { missingDiagnostics } from './domain/diagnostics.template.js';
export { ticketsProjection } from './projections/tickets.projection.js';
export { triageDirectoryProjection } from './projections/directory.projection.js';
