import type { Readable } from 'node:stream';

/**
 * Where attachment files live, identified by their SHA-256. Writing is two-step so that a file becomes visible
 * only whole and only once its checks pass: `stage` streams the bytes aside while hashing them, then the
 * caller either `commit`s the staged file under its hash or `discard`s it.
 */
export interface AttachmentStorage {
  /** Streams `source` aside, hashing and counting; past `maxBytes` it keeps draining but stores nothing. */
  stage(source: Readable, maxBytes: number): Promise<StagedFile>;
  /** The stored file, or null when there is none with this hash. */
  open(sha256: string): Promise<{ stream: Readable; size: number } | null>;
  remove(sha256: string): Promise<void>;
  close(): Promise<void>;
}

export interface StagedFile {
  sha256: string;
  size: number;
  /** The source was longer than `maxBytes` (nothing is kept: sha256 is of the part read). */
  tooLarge: boolean;
  /** Makes the file visible under its hash (the same content stored twice is one file). */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export const ATTACHMENT_STORAGE = Symbol('AttachmentStorage');
