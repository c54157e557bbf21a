export * from './audit.module.js';
export { checkAttachmentFiles, checkEvidenceBundle, type BundledAttachment, type EvidenceBundle } from './application/evidence-bundle.js';
export { checkStatementBundle } from "./application/statement-bundle.js";
