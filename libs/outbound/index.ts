export { WEBHOOK_EVENT_TYPES } from './domain/webhook.decider.js';
export { signatureHeader, verifySignature, SIGNATURE_HEADER } from './domain/signature.js';
