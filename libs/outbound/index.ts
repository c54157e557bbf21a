export * from './outbound.module.js';
export { WEBHOOK_EVENT_TYPES } from './domain/webhook.decider.js';
export { signatureHeader, verifySignature, SIGNATURE_HEADER } from './domain/signature.js';
export { outboundDirectoryProjection } from './projections/outbound-directory.projection.js';
export { deliveriesProjection } from './projections/deliveries.projection.js';
export { onCallProjection } from './projections/on-call.projection.js';
