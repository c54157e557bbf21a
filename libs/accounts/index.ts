export * from './accounts.module.js';
export * from './application/accounts.queries.js';
export { contractInForce } from './domain/contract-terms.policy.js';
