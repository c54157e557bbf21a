export * from './triage.module.js';
