import { badUserInput } from '#contracts';

/** An upload not attached to a ticket within this long is removed (its file too, unless another upload shares it). */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
/** At most this many `attachmentIds` in one call. */
export const MAX_ATTACHMENTS_PER_CALL = 20;
export const MAX_FILE_NAME_CHARS = 255;

const SHA256_HEX = /^[0-9a-f]{64}$/;
// type/subtype of RFC 6838's restricted-name characters; parameters are dropped.
const MEDIA_TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;

/**
 * A file name safe to store and to send back in Content-Disposition: the last path segment, without control
 * characters, at most 255 characters; `attachment` when nothing is left.
 */
export function uploadFileName(raw: string | null | undefined): string {
  const lastSegment = (raw ?? '').split(/[\\/]/).at(-1) ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = lastSegment.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!cleaned || cleaned === '.' || cleaned === '..') return 'attachment';
  return [...cleaned].slice(0, MAX_FILE_NAME_CHARS).join('');
}

/** The declared media type when it is a plain `type/subtype`, else application/octet-stream. */
export function uploadContentType(raw: string | null | undefined): string {
  const essence = (raw ?? '').split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(essence) ? essence : 'application/octet-stream';
}

/** The client's optional claim about what it sent, checked against what arrived. */
export interface ExpectedContent {
  sha256: string | null;
  size: number | null;
}

export function expectedContent(sha256: string | null | undefined, size: string | null | undefined): ExpectedContent {
  const digest = sha256?.trim().toLowerCase() || null;
  if (digest !== null && !SHA256_HEX.test(digest)) throw badUserInput('sha256 must be 64 hexadecimal digits', 'sha256');
  const sizeText = size?.trim() || null;
  if (sizeText !== null && !/^\d{1,16}$/.test(sizeText)) throw badUserInput('size must be a whole number of bytes', 'size');
  return { sha256: digest, size: sizeText === null ? null : Number(sizeText) };
}

/** Why what arrived is not what the client said it sent, or null. */
export function contentMismatch(expected: ExpectedContent, actual: { sha256: string; size: number }): string | null {
  if (expected.size !== null && expected.size !== actual.size) return `size mismatch: ${expected.size} bytes announced, ${actual.size} received`;
  if (expected.sha256 !== null && expected.sha256 !== actual.sha256) return `sha256 mismatch: the received content hashes to ${actual.sha256}`;
  return null;
}

/** `attachmentIds` as given: at most MAX_ATTACHMENTS_PER_CALL, no repeats. */
export function checkAttachmentIds(ids: readonly string[], field = 'attachmentIds'): void {
  if (ids.length > MAX_ATTACHMENTS_PER_CALL) throw badUserInput(`at most ${MAX_ATTACHMENTS_PER_CALL} attachmentIds at once`, field);
  if (new Set(ids).size !== ids.length) throw badUserInput('attachmentIds names the same upload twice', field);
}
