export * from './attachments.module.js';
export { Uploads, UPLOAD_EXPIRY_TIMER, type UploadReceipt } from './application/uploads.service.js';
export { ATTACHMENT_STORAGE, type AttachmentStorage, type StagedFile } from './storage/attachment-storage.port.js';
export { DirectoryAttachmentStorage } from './storage/directory-storage.js';
export { ticketAttachmentsProjection } from './projections/ticket-attachments.projection.js';
export { uploadContentType, uploadFileName, MAX_ATTACHMENTS_PER_CALL } from './domain/upload-rules.js';
