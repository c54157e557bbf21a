export * from './incidents.module.js';
export { incidentsProjection } from './projections/incidents.projection.js';
