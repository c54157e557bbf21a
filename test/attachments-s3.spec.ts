import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAttachmentStorage } from '../libs/attachments/attachments.module.js';
import { S3AttachmentStorage } from '../libs/attachments/storage/s3-storage.js';
import { loadConfig } from '../libs/platform-kit/config/config.js';

/** Just enough of S3 for the SDK: PUT, GET, HEAD and DELETE of objects in path-style URLs, kept in memory. */
function fakeS3(): { server: Server; objects: Map<string, Buffer>; requests: string[] } {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const key = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    requests.push(`${req.method} ${key}`);
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (Number(req.headers['content-length']) !== body.length) {
          res.writeHead(400).end();
          return;
        }
        objects.set(key, body);
        res.writeHead(200, { ETag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
      });
      return;
    }
    const body = objects.get(key);
    if (req.method === 'DELETE') {
      objects.delete(key);
      res.writeHead(204).end();
      return;
    }
    if (!body) {
      res.writeHead(404, { 'Content-Type': 'application/xml' }).end(req.method === 'HEAD' ? undefined : '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>no</Message></Error>');
      return;
    }
    res.writeHead(200, { 'Content-Length': String(body.length), 'Content-Type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return { server, objects, requests };
}

const bytesOf = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('S3-compatible attachment storage', () => {
  const s3 = fakeS3();
  let endpoint: string;
  let staging: string;
  let storage: S3AttachmentStorage;

  beforeAll(async () => {
    await new Promise<void>((resolve) => s3.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(s3.server.address() as AddressInfo).port}`;
    staging = mkdtempSync(join(tmpdir(), 'ledgerdesk-s3-test-'));
    storage = new S3AttachmentStorage({ bucket: 'files', prefix: 'ld/', endpoint, region: 'us-east-1', stagingDir: staging, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });
  afterAll(async () => {
    await storage?.close();
    s3.server.close();
    rmSync(staging, { recursive: true, force: true });
  });

  it('stores a file under its SHA-256 only on commit and reads back the exact bytes', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 17);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const staged = await storage.stage(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), 10 * 1024 * 1024);
    expect(staged).toMatchObject({ sha256, size: data.length, tooLarge: false });
    expect(await storage.open(sha256)).toBeNull();
    await staged.commit();
    expect(readdirSync(staging)).toEqual([]);
    expect([...s3.objects.keys()]).toEqual([`/files/ld/sha256/${sha256.slice(0, 2)}/${sha256}`]);
    const opened = await storage.open(sha256);
    expect(opened?.size).toBe(data.length);
    expect((await bytesOf(opened!.stream)).equals(data)).toBe(true);

    // The same content again is one object: the second commit finds it and PUTs nothing.
    const puts = s3.requests.filter((r) => r.startsWith('PUT')).length;
    await (await storage.stage(Readable.from([data]), 10 * 1024 * 1024)).commit();
    expect(s3.requests.filter((r) => r.startsWith('PUT')).length).toBe(puts);

    await storage.remove(sha256);
    expect(await storage.open(sha256)).toBeNull();
  });

  it('stores nothing for a file over the limit or a discarded one', async () => {
    const before = s3.requests.length;
    const big = await storage.stage(Readable.from([randomBytes(4096)]), 1000);
    expect(big.tooLarge).toBe(true);
    const dropped = await storage.stage(Readable.from([Buffer.from('draft')]), 1000);
    await dropped.discard();
    expect(s3.requests.length).toBe(before);
    expect(readdirSync(staging)).toEqual([]);
  });

  it('is what LEDGERDESK_ATTACHMENTS_S3_BUCKET selects; without it the directory stays the default', async () => {
    const chosen = openAttachmentStorage(loadConfig({ LEDGERDESK_DATA_DIR: 'memory://', LEDGERDESK_ATTACHMENTS_S3_BUCKET: 'files', LEDGERDESK_ATTACHMENTS_S3_ENDPOINT: endpoint }));
    expect(chosen).toBeInstanceOf(S3AttachmentStorage);
    await chosen.close();
    const local = openAttachmentStorage(loadConfig({ LEDGERDESK_DATA_DIR: 'memory://' }));
    expect(local).not.toBeInstanceOf(S3AttachmentStorage);
    await local.close();
    expect(() => loadConfig({ LEDGERDESK_DATA_DIR: 'memory://', LEDGERDESK_ATTACHMENTS_S3_ENDPOINT: endpoint })).toThrow(/LEDGERDESK_ATTACHMENTS_S3_BUCKET/);
  });
});
