import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { DeliveryOutcome } from '../domain/delivery.decider.js';
import { refusedAddress } from '../domain/target-address.js';

export interface TransportOptions {
  allowLoopback: boolean;
  timeoutMs: number;
}

/** At most this much of an answer is read (the rest is discarded). */
const MAX_RESPONSE_BYTES = 4096;

/** Refused before any connection: the address the name resolves to, checked at every send (DNS can change). */
class RefusedTarget extends Error {
  override readonly name = 'RefusedTarget';
}

/**
 * The DNS lookup every webhook connection goes through: the name's addresses are resolved here, and any one of
 * them that may not be reached (private, loopback, link-local…) refuses the connection, so a name pointing at
 * an internal address cannot be used to reach it (SSRF), whatever it resolved to at registration.
 */
export function guardedLookup(options: { allowLoopback: boolean }): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.map((entry) => refusedAddress(entry.address, options)).find((reason) => reason !== null);
      if (refused || list.length === 0) return callback(new RefusedTarget(`refused: ${hostname} resolves to ${refused ?? 'no address'}`), '', 0);
      if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** POSTs one delivery: a 2xx answer is success; anything else (another status, no answer in time, a refusal) a failure. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, options: TransportOptions): Promise<DeliveryOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // A literal address is never looked up: it is checked here.
  if (isIP(host) !== 0) {
    const refused = refusedAddress(host, options);
    if (refused) return { ok: false, responseStatus: null, responseBody: null, error: `refused: ${refused}`, durationMs: elapsed() };
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<DeliveryOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const request = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options),
        timeout: options.timeoutMs,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', (error) => finish({ ok: false, responseStatus: response.statusCode ?? null, responseBody: null, error: error.message, durationMs: elapsed() }));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
          if (status >= 200 && status < 300) finish({ ok: true, responseStatus: status, responseBody: text, durationMs: elapsed() });
          else finish({ ok: false, responseStatus: status, responseBody: text, error: `HTTP ${status}`, durationMs: elapsed() });
        });
      },
    );
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error) => finish({ ok: false, responseStatus: null, responseBody: null, error: error.message, durationMs: elapsed() }));
    request.on('close', () => clearTimeout(timer));
    request.end(body);
  });
}
