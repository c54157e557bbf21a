import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CONFIG, PlatformRuntime, type LedgerdeskConfig } from '#platform-kit';
import { Uploads, UPLOAD_EXPIRY_TIMER } from './application/uploads.service.js';
import { AttachmentsController } from './http/attachments.controller.js';
import { ticketAttachmentsProjection } from './projections/ticket-attachments.projection.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.port.js';
import { DirectoryAttachmentStorage } from './storage/directory-storage.js';
import { S3AttachmentStorage } from './storage/s3-storage.js';

/** The configured storage: LEDGERDESK_ATTACHMENTS_DIR, else `<data dir>/attachments`, else (memory://) a temp dir removed on close. */
export function openAttachmentStorage(config: LedgerdeskConfig): AttachmentStorage {
  if (config.attachmentsS3) {
    // Uploads are staged (hashed) on local disk, then streamed to the bucket on commit.
    const stagingDir = config.attachmentsDir ?? (config.dataDir.startsWith('memory://') ? mkdtempSync(join(tmpdir(), 'ledgerdesk-staging-')) : join(config.dataDir, 'attachments'));
    return new S3AttachmentStorage({ ...config.attachmentsS3, stagingDir: join(stagingDir, 'staging') });
  }
  if (config.attachmentsDir) return new DirectoryAttachmentStorage(config.attachmentsDir);
  if (config.dataDir.startsWith('memory://')) return new DirectoryAttachmentStorage(mkdtempSync(join(tmpdir(), 'ledgerdesk-attachments-')), true);
  return new DirectoryAttachmentStorage(join(config.dataDir, 'attachments'));
}

/**
 * Attachments: file storage (content-addressed), upload and download over HTTP, and the uploads a ticket
 * command may attach. The ticket contexts record AttachmentAdded; this module only keeps the files.
 */
@Module({
  controllers: [AttachmentsController],
  providers: [{ provide: ATTACHMENT_STORAGE, useFactory: openAttachmentStorage, inject: [CONFIG] }, Uploads],
  exports: [Uploads, ATTACHMENT_STORAGE],
})
export class AttachmentsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(Uploads) private readonly uploads: Uploads,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  onModuleInit(): void {
    this.runtime.registerProjection(ticketAttachmentsProjection);
    this.runtime.registerTimer(UPLOAD_EXPIRY_TIMER, (timer) => this.uploads.expire(timer));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
