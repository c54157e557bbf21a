import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** `whsec_` + 256 random bits: what a receiver is shown once and signs are checked with. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export const secretFingerprint = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

/**
 * Keeps webhook signing secrets in the log encrypted (AES-256-GCM under a key derived from the configured
 * key): HMAC needs the secret itself to sign, and a copy of the log without the key must not give it away.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    this.key = Buffer.from(hkdfSync('sha256', keyMaterial, 'ledgerdesk', 'webhook signing secrets v1', 32));
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(ciphertext: string): string {
    const [version, iv, sealed, tag] = ciphertext.split('.');
    if (version !== 'v1' || !iv || !sealed || !tag) throw new Error('not a sealed webhook secret');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('the webhook secret cannot be opened with the configured LEDGERDESK_WEBHOOK_SECRET_KEY (was the key changed?)');
    }
  }
}
