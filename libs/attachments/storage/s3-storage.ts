import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { AttachmentStorage, StagedFile } from './attachment-storage.port.js';
import { SHA256_HEX, stageToFile } from './directory-storage.js';

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix, e.g. `ledgerdesk/` (default none). */
  prefix?: string;
  /** An S3-compatible endpoint (MinIO, Ceph, R2…): path-style addressing; unset: AWS itself. */
  endpoint?: string | null;
  region: string;
  /** Local directory uploads are staged in while they are hashed (the key is their SHA-256). */
  stagingDir: string;
  /** Explicit credentials (tests); unset: the SDK's default chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Content-addressed objects in an S3-compatible bucket: `<prefix>sha256/ab/abcd…`. An upload is streamed to a
 * local staging file while it is hashed (the key is its hash), and only on commit streamed to the bucket with a
 * single PUT of known length (never buffered whole); an object is visible only once its PUT completed. Downloads
 * stream the GET's body.
 */
export class S3AttachmentStorage implements AttachmentStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    this.client = new S3Client({
      region: options.region,
      // No aws-chunked bodies with checksum trailers: plain PUTs of known length, which every S3-compatible store takes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  private keyOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return `${this.options.prefix ?? ''}sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  async stage(source: Readable, maxBytes: number): Promise<StagedFile> {
    const { temp, sha256, size, tooLarge } = await stageToFile(source, maxBytes, this.options.stagingDir);
    if (tooLarge) return { sha256, size, tooLarge: true, commit: () => Promise.reject(new Error('too large')), discard: async () => undefined };
    const discard = () => rm(temp, { force: true });
    return {
      sha256,
      size,
      tooLarge: false,
      commit: async () => {
        const Key = this.keyOf(sha256);
        try {
          // The same content stored twice is one object.
          if (!(await this.exists(Key))) {
            await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key, Body: createReadStream(temp), ContentLength: size, ContentType: 'application/octet-stream' }));
          }
        } finally {
          await discard();
        }
      },
      discard,
    };
  }

  private async exists(Key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }

  async open(sha256: string): Promise<{ stream: Readable; size: number } | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
      return { stream: answer.Body as Readable, size: Number(answer.ContentLength ?? 0) };
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  async remove(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function notFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');
}
