export * from './health-checks.module.js';
export { healthChecksProjection } from './projections/health-checks.projection.js';
export { reportedSdksProjection } from './projections/reported-sdks.projection.js';
export { HealthChecksQueries, type HealthCheckRow } from './application/health-checks.queries.js';
export { HealthCheckType } from './graphql/health-checks.types.js';
