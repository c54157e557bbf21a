import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3AttachmentStorage } from '../libs/attachments/storage/s3-storage.js';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

/**
 * The S3 adapter against a real S3-compatible server: s3rver (a devDependency; Docker images of MinIO cannot be
 * pulled here), run in process on a temporary directory. It parses S3's REST API and XML as a server does and refuses
 * an unknown access key id (its built-in one is S3RVER), though it does not check SigV4 signatures. The in-memory
 * stand-in of attachments-s3.spec.ts answers only what the adapter asks.
 */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'ledgerdesk-files';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('attachments in an S3-compatible server (s3rver)', () => {
  let server: S3rver;
  let endpoint: string;
  let dirs: string[] = [];
  let listing: S3Client;
  const keys = async (prefix: string) => {
    const answer = await listing.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (answer.Contents ?? []).map((object) => object.Key!).sort();
  };
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `ledgerdesk-s3rver-${name}-`));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: tempDir('bucket'), configureBuckets: [{ name: BUCKET }] });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    listing = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  });
  afterAll(async () => {
    listing?.destroy();
    await server?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });

  describe('the adapter', () => {
    let storage: S3AttachmentStorage;
    beforeAll(() => {
      storage = new S3AttachmentStorage({ bucket: BUCKET, prefix: 'adapter/', endpoint, region: 'us-east-1', stagingDir: tempDir('staging'), credentials: CREDENTIALS });
    });
    afterAll(async () => {
      await storage?.close();
    });

    it('streams a file in, visible only once committed, and reads back the exact bytes', async () => {
      const data = randomBytes(6 * 1024 * 1024 + 5);
      // Many small chunks: the adapter hashes while it stages, never holding the whole file.
      const chunks = Array.from({ length: Math.ceil(data.length / 65_536) }, (_, i) => data.subarray(i * 65_536, (i + 1) * 65_536));
      const staged = await storage.stage(Readable.from(chunks), 10 * 1024 * 1024);
      expect(staged).toMatchObject({ sha256: sha256(data), size: data.length, tooLarge: false });
      expect(await storage.open(staged.sha256)).toBeNull();
      expect(await keys('adapter/')).toEqual([]);
      await staged.commit();
      expect(await keys('adapter/')).toEqual([`adapter/sha256/${staged.sha256.slice(0, 2)}/${staged.sha256}`]);
      const opened = await storage.open(staged.sha256);
      expect(opened?.size).toBe(data.length);
      expect((await bytesOf(opened!.stream)).equals(data)).toBe(true);

      // The same content again is the same one object.
      await (await storage.stage(Readable.from([data]), 10 * 1024 * 1024)).commit();
      expect(await keys('adapter/')).toHaveLength(1);
      await storage.remove(staged.sha256);
      expect(await storage.open(staged.sha256)).toBeNull();
      expect(await keys('adapter/')).toEqual([]);
    });

    it('answers null for a missing object and stores nothing for a file over the limit or a discarded one', async () => {
      expect(await storage.open('f'.repeat(64))).toBeNull();
      const big = await storage.stage(Readable.from([randomBytes(4096)]), 1000);
      expect(big.tooLarge).toBe(true);
      const dropped = await storage.stage(Readable.from([Buffer.from('draft')]), 1000);
      await dropped.discard();
      expect(await keys('adapter/')).toEqual([]);
    });
  });

  describe('the platform with LEDGERDESK_ATTACHMENTS_S3_*', () => {
    let platform: TestPlatform;
    let customer: string;
    let accountId: string;
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    const upload = (body: Uint8Array, query = '') =>
      fetch(`${platform.url}/attachments${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${customer}` }, body });

    beforeAll(async () => {
      // The platform takes its credentials from the AWS SDK's default chain, as in production.
      process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
      platform = await startTestPlatform({
        env: { LEDGERDESK_ATTACHMENTS_S3_BUCKET: BUCKET, LEDGERDESK_ATTACHMENTS_S3_ENDPOINT: endpoint, LEDGERDESK_ATTACHMENTS_S3_PREFIX: 'platform/', LEDGERDESK_ATTACHMENT_MAX_BYTES: '3000000' },
      });
      const admin = await platform.token('ADMIN');
      const calendarId = await defineCalendar(platform, admin);
      accountId = await registerAccount(platform, admin);
      await signContract(platform, admin, standardContract(accountId, calendarId));
      customer = await platform.token('CUSTOMER', { id: 'dev-s3', accountId });
    });
    afterAll(async () => {
      await platform?.close();
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('uploads to the bucket, attaches on openTicket and downloads the exact bytes', async () => {
      const data = randomBytes(2_500_000);
      const response = await upload(data, `?fileName=sdk.log&sha256=${sha256(data)}&size=${data.length}`);
      expect(response.status).toBe(201);
      const receipt = (await response.json()) as { id: string; sha256: string; size: number };
      expect(receipt).toMatchObject({ sha256: sha256(data), size: data.length });
      expect(await keys('platform/')).toEqual([`platform/sha256/${receipt.sha256.slice(0, 2)}/${receipt.sha256}`]);
      const input = { accountId, channel: 'PORTAL', subject: 'Audio drops', description: 'log attached', claimedSeverity: 'P2', attachmentIds: [receipt.id] };
      const opened = await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id attachments { id sha256 size } } }', { input }, customer));
      expect(opened.openTicket.attachments).toEqual([{ id: receipt.id, sha256: receipt.sha256, size: data.length }]);
      const download = await fetch(`${platform.url}/attachments/${receipt.id}`, { headers: { authorization: `Bearer ${customer}` } });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    });

    it('puts nothing in the bucket and records nothing for a size or hash mismatch or an oversized file', async () => {
      const before = await keys('platform/');
      const data = randomBytes(10_000);
      expect((await upload(data, `?sha256=${'0'.repeat(64)}`)).status).toBe(422);
      expect((await upload(data, `?size=${data.length - 1}`)).status).toBe(422);
      expect((await upload(randomBytes(3_000_001))).status).toBe(413);
      expect(await keys('platform/')).toEqual(before);
      const rows = await platform.runtime.readDb.query<{ n: number }>('SELECT count(*)::int AS n FROM attachments.uploads WHERE sha256 = $1', [sha256(data)]);
      expect(rows[0]!.n).toBe(0);
    });
  });
});
