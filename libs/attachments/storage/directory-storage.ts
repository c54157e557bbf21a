import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentStorage, StagedFile } from './attachment-storage.port.js';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Streams `source` into a new file in `staging` while hashing and counting it (the directory and S3 adapters'
 * common first step). Past `maxBytes` the rest is read and dropped (the client gets its answer instead of a reset
 * connection) and the file is removed: `tooLarge`, and `temp` no longer exists.
 */
export async function stageToFile(source: Readable, maxBytes: number, staging: string): Promise<{ temp: string; sha256: string; size: number; tooLarge: boolean }> {
  await mkdir(staging, { recursive: true });
  const temp = join(staging, randomUUID());
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done();
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(temp, { flags: 'wx', flush: true }));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const sha256 = hash.digest('hex');
  if (size > maxBytes) {
    await rm(temp, { force: true });
    return { temp, sha256, size, tooLarge: true };
  }
  return { temp, sha256, size, tooLarge: false };
}

/**
 * Content-addressed files in a directory: `<root>/sha256/ab/abcd…`. Uploads are written to `<root>/staging/`
 * (same file system) and renamed into place, so a reader never sees a partial file.
 */
export class DirectoryAttachmentStorage implements AttachmentStorage {
  constructor(
    readonly root: string,
    /** Removes the whole directory on close (the throwaway one of a memory:// platform). */
    private readonly removeOnClose = false,
  ) {}

  private pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async stage(source: Readable, maxBytes: number): Promise<StagedFile> {
    const { temp, sha256, size, tooLarge } = await stageToFile(source, maxBytes, join(this.root, 'staging'));
    const discard = () => rm(temp, { force: true });
    if (tooLarge) return { sha256, size, tooLarge: true, commit: () => Promise.reject(new Error('too large')), discard: async () => undefined };
    const target = this.pathOf(sha256);
    return {
      sha256,
      size,
      tooLarge: false,
      commit: async () => {
        await mkdir(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
        await rename(temp, target);
      },
      discard,
    };
  }

  async open(sha256: string): Promise<{ stream: Readable; size: number } | null> {
    const path = this.pathOf(sha256);
    try {
      const { size } = await stat(path);
      return { stream: createReadStream(path), size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  async close(): Promise<void> {
    if (this.removeOnClose) await rm(this.root, { recursive: true, force: true });
  }
}
