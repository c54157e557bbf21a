export * from './health-checks.module.js';
export { healthChecksProjection } from './projections/health-checks.projection.js';
export { reportedSdksProjection } from './projections/reported-sdks.projection.js';
export { healthChecksDirectoryProjection } from './projections/directory.projection.js';
