import { describe, expect, it } from 'vitest';
import { canonicalJson, dataCommitment, eventHash, eventHashOfCanonical, eventHashOfCommitment } from './hash-chain.js';

describe('hash chain', () => {
  it('hashes the same from canonical strings as from objects, whatever the key order', () => {
    const metadata = { occurredAt: '2026-02-13T09:50:00.000Z', actor: { role: 'ADMIN' as const, id: 'a' }, correlationId: 'c', causationId: null, schemaVersion: 1 };
    const data = { z: 1, a: [1.5, 'ü', { y: null, b: true }], n: -0.000001 };
    const fromObjects = eventHash({ stream: 'ticket-1', revision: 3, type: 'ReplyAdded', data, metadata, previousHash: 'ab' });
    const fromCanonical = eventHashOfCanonical('ticket-1', 3, 'ReplyAdded', canonicalJson({ n: -0.000001, a: data.a, z: 1 }), canonicalJson(metadata), 'ab');
    expect(fromCanonical).toBe(fromObjects);
  });

  it('keeps its definition: SHA-256 of the JCS envelope {dataHash, metadata, previousHash, revision, stream, type}', async () => {
    const { createHash } = await import('node:crypto');
    const metadata = { occurredAt: 't', actor: { id: 'a', role: 'ADMIN' as const }, correlationId: 'c', causationId: null, schemaVersion: 1 };
    const dataHash = createHash('sha256').update('{"n":1}').digest('hex');
    const envelope =
      `{"dataHash":"${dataHash}","metadata":{"actor":{"id":"a","role":"ADMIN"},"causationId":null,"correlationId":"c","occurredAt":"t","schemaVersion":1},"previousHash":null,"revision":0,"stream":"s","type":"T"}`;
    expect(eventHash({ stream: 's', revision: 0, type: 'T', data: { n: 1 }, metadata, previousHash: null })).toBe(
      createHash('sha256').update(envelope).digest('hex'),
    );
  });

  it('verifies from the data commitment alone, and the commitment changes with any change of the data', () => {
    const metadata = { occurredAt: 't', actor: { id: 'a', role: 'ADMIN' as const }, correlationId: 'c', causationId: null, schemaVersion: 1 };
    const data = { body: 'internal: customer is on 4.2.1', visibility: 'INTERNAL' };
    const full = eventHash({ stream: 's', revision: 2, type: 'ReplyAdded', data, metadata, previousHash: 'p' });
    expect(eventHashOfCommitment('s', 2, 'ReplyAdded', dataCommitment(data), canonicalJson(metadata), 'p')).toBe(full);
    expect(dataCommitment({ ...data, body: 'internal: customer is on 4.2.2' })).not.toBe(dataCommitment(data));
  });
});
