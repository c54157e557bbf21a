import { UnstorableText } from './errors.js';

// NUL, or a surrogate without its partner: PostgreSQL refuses both (text and jsonb), and a replacement
// character substituted on the way would silently change what was hashed.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A NUL or any surrogate at all: one character-class scan, so most strings (no emoji, no NUL) skip the exact test above. */
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const unstorable = (text: string) => SUSPECT.test(text) && UNSTORABLE.test(text);

/** Where in `value` (a JSON-like tree) a string that cannot be stored sits, keys included; null when none. */
export function unstorableTextPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return unstorable(value) ? path || '(value)' : null;
  if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableTextPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (unstorable(key)) return at;
    const found = unstorableTextPath(child, at);
    if (found) return found;
  }
  return null;
}

/**
 * The one gate every string passes on its way to a store (event appends on every adapter, every read-model
 * query's parameters): whatever channel it came from, it is refused as the client's bad input.
 */
export function assertStorableText(value: unknown, path = ''): void {
  const found = unstorableTextPath(value, path);
  if (found) throw new UnstorableText(found);
}
