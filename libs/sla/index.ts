export * from './sla.module.js';
