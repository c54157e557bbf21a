import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HttpException, Inject, Injectable } from '@nestjs/common';
import { badUserInput, conflict, notFound, type AttachmentRef, type Principal } from '#contracts';
import type { SqlClient, SqlExecutor } from '#event-store';
import { CLOCK, CONFIG, READ_DB, scheduleTimer, type Clock, type LedgerdeskConfig, type Timer } from '#platform-kit';
import { checkAttachmentIds, contentMismatch, UPLOAD_TTL_MS, type ExpectedContent } from '../domain/upload-rules.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage, type StagedFile } from '../storage/attachment-storage.port.js';

export const UPLOAD_EXPIRY_TIMER = 'attachment-upload-expiry';

export interface UploadReceipt {
  id: string;
  sha256: string;
  size: number;
  fileName: string;
  contentType: string;
}

export interface AttachedFile {
  fileName: string;
  contentType: string;
  size: number;
  stream: Readable;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Uploads and downloads. An upload is stored, then recorded with a 24 h expiry timer; a ticket command naming it
 * in `attachmentIds` records AttachmentAdded, after which the expiry leaves it alone. Both the commit of a file
 * and its removal hold a lock on its hash, so a sweep never removes a file a concurrent upload has just stored.
 */
@Injectable()
export class Uploads {
  constructor(
    @Inject(READ_DB) private readonly db: SqlClient,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Streams a file aside (never whole in memory); nothing is visible until `record`. */
  async stage(source: Readable): Promise<StagedFile> {
    const staged = await this.storage.stage(source, this.config.maxAttachmentBytes);
    if (staged.tooLarge) {
      throw new HttpException({ code: 'BAD_USER_INPUT', message: `an attachment must be at most ${this.config.maxAttachmentBytes} bytes`, field: 'file' }, 413);
    }
    return staged;
  }

  /** Checks what arrived against what the client announced, then makes it visible and records the upload. */
  async record(principal: Principal, staged: StagedFile, meta: { fileName: string; contentType: string; expected: ExpectedContent }): Promise<UploadReceipt> {
    const mismatch = contentMismatch(meta.expected, staged);
    if (mismatch) {
      await staged.discard();
      throw badUserInput(`${mismatch}; nothing was stored`, mismatch.startsWith('size') ? 'size' : 'sha256');
    }
    const id = randomUUID();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + UPLOAD_TTL_MS);
    try {
      await this.db.transaction(async (tx) => {
        await lockContent(tx, staged.sha256);
        await staged.commit();
        await tx.query(
          `INSERT INTO attachments.uploads (id, sha256, size, file_name, content_type, uploaded_by, account_id, uploaded_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [id, staged.sha256, staged.size, meta.fileName, meta.contentType, principal.id, principal.accountId, now, expiresAt],
        );
        await scheduleTimer(tx, { id: `${UPLOAD_EXPIRY_TIMER}:${id}`, kind: UPLOAD_EXPIRY_TIMER, dueAt: expiresAt, payload: { uploadId: id } });
      });
    } finally {
      await staged.discard();
    }
    return { id, sha256: staged.sha256, size: staged.size, fileName: meta.fileName, contentType: meta.contentType };
  }

  /**
   * The uploads a ticket command names, as AttachmentAdded will record them: each made by this caller, not
   * expired, not on a ticket already. Anything else is refused before the command records anything.
   */
  async forAttaching(principal: Principal, ids: readonly string[]): Promise<AttachmentRef[]> {
    if (ids.length === 0) return [];
    checkAttachmentIds(ids);
    const wellFormed = ids.filter((id) => UUID.test(id));
    const rows = await this.db.query<{ id: string; sha256: string; size: string; file_name: string; content_type: string; uploaded_by: string; expires_at: Date; attached: boolean }>(
      `SELECT u.*, EXISTS (SELECT 1 FROM attachments.ticket_attachments a WHERE a.id = u.id) AS attached
       FROM attachments.uploads u WHERE u.id = ANY($1)`,
      [wellFormed],
    );
    const now = this.clock.now();
    return ids.map((id) => {
      const row = rows.find((candidate) => candidate.id === id);
      // Someone else's upload reads as absent, like another tenant's ticket.
      if (!row || row.uploaded_by !== principal.id || new Date(row.expires_at) <= now) throw notFound(`Upload ${id}`);
      if (row.attached) throw conflict(`Upload ${id} is already attached to a ticket`);
      return { id: row.id, sha256: row.sha256, size: Number(row.size), fileName: row.file_name, contentType: row.content_type };
    });
  }

  /** The file of an attachment, for a caller who may see its ticket: customers their own account's public ones only. */
  async attachedFile(principal: Principal, id: string): Promise<AttachedFile> {
    if (!UUID.test(id)) throw notFound('Attachment');
    const [row] = await this.db.query<{ sha256: string; account_id: string; file_name: string; content_type: string; visibility: string }>(
      'SELECT sha256, account_id, file_name, content_type, visibility FROM attachments.ticket_attachments WHERE id = $1',
      [id],
    );
    if (!row || (principal.role === 'CUSTOMER' && (row.account_id !== principal.accountId || row.visibility !== 'PUBLIC'))) throw notFound('Attachment');
    const file = await this.storage.open(row.sha256);
    if (!file) throw notFound('Attachment file');
    return { fileName: row.file_name, contentType: row.content_type, size: file.size, stream: file.stream };
  }

  /** The expiry timer: an upload still on no ticket is forgotten, and its file removed unless another upload has it. */
  async expire(timer: Timer): Promise<null> {
    const uploadId = String(timer.payload['uploadId']);
    const [upload] = await this.db.query<{ sha256: string }>('SELECT sha256 FROM attachments.uploads WHERE id = $1', [uploadId]);
    if (!upload) return null;
    await this.db.transaction(async (tx) => {
      await lockContent(tx, upload.sha256);
      const removed = await tx.query(
        `DELETE FROM attachments.uploads u WHERE u.id = $1 AND NOT EXISTS (SELECT 1 FROM attachments.ticket_attachments a WHERE a.id = u.id) RETURNING id`,
        [uploadId],
      );
      if (removed.length === 0) return;
      const [others] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM attachments.uploads WHERE sha256 = $1', [upload.sha256]);
      if (Number(others?.n ?? 0) === 0) await this.storage.remove(upload.sha256);
    });
    return null;
  }
}

async function lockContent(tx: SqlExecutor, sha256: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledgerdesk:attachment:' || $1))`, [sha256]);
}
