export * from './health-checks.module.js';
