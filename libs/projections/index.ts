export * from './projection.js';
export * from './projection-runner.js';
export * from './checkpoints.js';
export * from './checkpoint-wait.js';
export * from './reactor.js';
export * from './reactor-runner.js';
export * from './parked-events.js';
export { withSchemaLock } from './schema-lock.js';
