export * from './audit.module.js';
export { checkEvidenceBundle, type EvidenceBundle } from './application/evidence-bundle.js';
