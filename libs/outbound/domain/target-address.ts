import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach (SSRF): loopback, private, link-local, carrier-grade NAT, unspecified,
 * multicast, reserved and documentation ranges, in IPv4 and IPv6 (IPv4-mapped ones by their IPv4 address).
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `::ffff:10.0.0.1` and `::ffff:a00:1` are 10.0.0.1. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  const dotted = /^(?:0{0,4}:){0,5}ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower.replace(/^::/, ''));
  if (dotted) return { address: dotted[1]!, family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 'ipv4' };
  }
  return isIP(lower) === 4 ? { address: lower, family: 'ipv4' } : { address: lower, family: 'ipv6' };
}

export function isLoopbackAddress(address: string): boolean {
  const { address: plain, family } = unmapped(address);
  return LOOPBACK.check(plain, family);
}

/**
 * Why a delivery may not go to this address, or null when it may. Loopback is allowed only when the platform
 * is configured for development (`LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST`).
 */
export function refusedAddress(address: string, options: { allowLoopback: boolean }): string | null {
  const { address: plain, family } = unmapped(address);
  if (isIP(plain) === 0) return `${address} is not an IP address`;
  if (options.allowLoopback && LOOPBACK.check(plain, family)) return null;
  if (FORBIDDEN.check(plain, family)) return `${address} is a private, loopback, link-local or reserved address`;
  return null;
}

export const MAX_WEBHOOK_URL_LENGTH = 2000;

/**
 * A webhook URL's own rules, checked at registration (the address a name resolves to is checked at every send):
 * https, or plain http only to localhost when allowed for development; no credentials; no literal address that
 * may not be reached. Returns the normalized URL or a reason.
 */
export function checkWebhookUrl(raw: string, options: { allowLocalhost: boolean }): { url: string } | { refused: string } {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_WEBHOOK_URL_LENGTH) return { refused: `must be an absolute https URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { refused: `"${text.slice(0, 100)}" is not an absolute URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { refused: 'must be an https URL' };
  if (url.username || url.password) return { refused: 'must not carry credentials (user:password@); the signature authenticates the platform' };
  if (url.hash) return { refused: 'must not have a #fragment' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || (isIP(host) !== 0 && isLoopbackAddress(host));
  if (url.protocol === 'http:' && !(options.allowLocalhost && local)) {
    return { refused: options.allowLocalhost ? 'plain http is allowed only to localhost; use https' : 'must be an https URL' };
  }
  if (host === 'localhost' && !options.allowLocalhost) return { refused: 'localhost may not be a webhook target (LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST is off)' };
  if (isIP(host) !== 0) {
    const refused = refusedAddress(host, { allowLoopback: options.allowLocalhost });
    if (refused) return { refused };
  }
  return { url: url.toString() };
}
