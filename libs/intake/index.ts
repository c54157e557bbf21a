export * from './intake.module.js';
