export * from './accounts.module.js';
