import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAttachmentFiles, checkEvidenceBundle, type EvidenceBundle } from '#audit';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(TEST_BACKENDS)('attachments: upload, attach, download (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let stranger: string;
  let accountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, env: { LEDGERDESK_ATTACHMENT_MAX_BYTES: '65536', LEDGERDESK_TICKET_ATTACHMENTS_MAX_BYTES: '100000' } });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER', { id: 'eng-1' });
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    const other = await registerAccount(platform, admin, { name: 'Other' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    await signContract(platform, admin, standardContract(other, calendarId));
    customer = await platform.token('CUSTOMER', { id: 'dev-1', accountId });
    stranger = await platform.token('CUSTOMER', { id: 'dev-2', accountId: other });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const upload = (token: string | null, body: Uint8Array | Blob, query = '', contentType = 'application/octet-stream') =>
    fetch(`${platform.url}/attachments${query}`, { method: 'POST', headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const download = (token: string | null, id: string) => fetch(`${platform.url}/attachments/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const uploaded = async (token: string, bytes: Uint8Array, fileName = 'sdk.log') => {
    const response = await upload(token, bytes, `?fileName=${encodeURIComponent(fileName)}`);
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; sha256: string; size: number };
  };
  const openTicket = (token: string, attachmentIds: string[]) =>
    platform.gql(
      'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id attachments { id sha256 size fileName contentType visibility downloadPath } } }',
      { input: { accountId, channel: 'PORTAL', subject: 'Audio drops', description: 'see log', claimedSeverity: 'P1', attachmentIds } },
      token,
    );

  it('round-trips binary content exactly, raw and multipart, and records it on the ticket', async () => {
    const bytes = new Uint8Array(randomBytes(50_000));
    bytes[0] = 0;
    bytes[1] = 0xff;
    const raw = await uploaded(customer, bytes, 'agora sdk 日志.log');
    expect(raw).toEqual({ id: expect.any(String), sha256: sha256(bytes), size: 50_000 });

    const form = new FormData();
    form.append('sha256', sha256(bytes.slice(0, 1000)));
    form.append('file', new Blob([bytes.slice(0, 1000)], { type: 'image/png' }), 'screen.png');
    const multipart = await fetch(`${platform.url}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${customer}` }, body: form });
    expect(multipart.status).toBe(201);
    const part = (await multipart.json()) as { id: string; size: number };
    expect(part.size).toBe(1000);

    const opened = (await mustData(openTicket(customer, [raw.id, part.id]))).openTicket;
    expect(opened.attachments).toEqual([
      { id: raw.id, sha256: raw.sha256, size: 50_000, fileName: 'agora sdk 日志.log', contentType: 'application/octet-stream', visibility: 'PUBLIC', downloadPath: `/attachments/${raw.id}` },
      expect.objectContaining({ id: part.id, fileName: 'screen.png', contentType: 'image/png' }),
    ]);
    const events = await platform.runtime.store.readStream(`ticket-${opened.id}`);
    expect(events.filter((e) => e.type === 'AttachmentAdded').map((e) => (e.data as { sha256: string }).sha256)).toEqual([raw.sha256, sha256(bytes.slice(0, 1000))]);

    const response = await download(customer, raw.id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
    expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''agora%20sdk%20%E6%97%A5%E5%BF%97.log");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('attaches to replies and diagnostics; internal ones are staff-only; other accounts and anonymous callers are refused', async () => {
    const ticketId = (await mustData(openTicket(customer, []))).openTicket.id;
    const internal = await uploaded(engineer, new TextEncoder().encode('pcap summary'), 'pcap.txt');
    const reply = await platform.gql(
      'mutation($id: ID!, $files: [ID!]) { addReply(ticketId: $id, body: "", visibility: INTERNAL, attachmentIds: $files) { attachments { id visibility replyId } } }',
      { id: ticketId, files: [internal.id] },
      engineer,
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.addReply.attachments).toEqual([{ id: internal.id, visibility: 'INTERNAL', replyId: expect.any(String) }]);
    const log = await uploaded(customer, new TextEncoder().encode('[RTC] ICE failed'), 'rtc.log');
    const diag = await mustData(
      platform.gql('mutation($id: ID!, $files: [ID!]) { addDiagnostics(ticketId: $id, diagnostics: {}, attachmentIds: $files) { attachments { id } } }', { id: ticketId, files: [log.id] }, customer),
    );
    // The customer sees their log, not the engineer's internal file.
    expect(diag.addDiagnostics.attachments).toEqual([{ id: log.id }]);
    expect((await download(customer, internal.id)).status).toBe(404);
    expect((await download(engineer, internal.id)).status).toBe(200);
    expect((await download(stranger, log.id)).status).toBe(404);
    expect((await download(null, log.id)).status).toBe(401);
    expect((await download(customer, 'not-an-id')).status).toBe(404);
  });

  it('refuses someone else’s upload, a repeated one, and an upload over the ticket’s limit, recording nothing', async () => {
    const mine = await uploaded(customer, new Uint8Array(60_000));
    const before = await eventCount(platform);
    const theirs = await openTicket(stranger, [mine.id]);
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const first = (await mustData(openTicket(customer, [mine.id]))).openTicket.id;
    const again = await platform.gql('mutation($id: ID!, $files: [ID!]) { addReply(ticketId: $id, body: "again", attachmentIds: $files) { id } }', { id: first, files: [mine.id] }, customer);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const more = await uploaded(customer, new Uint8Array(50_000).fill(1));
    const over = await platform.gql('mutation($id: ID!, $files: [ID!]) { addReply(ticketId: $id, body: "more", attachmentIds: $files) { id } }', { id: first, files: [more.id] }, customer);
    expect(over.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(over.errors?.[0]?.message).toMatch(/at most 100000 bytes/);
    // Only the one opening (TicketOpened, its attachment, perhaps an assignment) was recorded.
    const recorded = (await platform.runtime.store.readStream(`ticket-${first}`)).length;
    expect(await eventCount(platform)).toBe(before + recorded + 1 /* the SLA pin */);
  });

  it('stores nothing for a size or hash mismatch, an oversized file, or a caller without a token', async () => {
    const bytes = new TextEncoder().encode('hello log');
    const wrongHash = await upload(customer, bytes, `?sha256=${'0'.repeat(64)}`);
    expect(wrongHash.status).toBe(422);
    expect(await wrongHash.json()).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/sha256 mismatch.*nothing was stored/) });
    const wrongSize = await upload(customer, bytes, '?size=3');
    expect(wrongSize.status).toBe(422);
    const tooLarge = await upload(customer, new Uint8Array(70_000));
    expect(tooLarge.status).toBe(413);
    expect((await upload(null, bytes)).status).toBe(401);
    const rows = await platform.runtime.readDb.query<{ n: number }>('SELECT count(*)::int AS n FROM attachments.uploads WHERE sha256 = $1', [sha256(bytes)]);
    expect(rows[0]!.n).toBe(0);
  });

  it('removes an upload left unattached for 24 hours (platform clock), and it can no longer be attached', async () => {
    const left = await uploaded(customer, new TextEncoder().encode(`forgotten ${backend}`));
    const kept = await uploaded(customer, new TextEncoder().encode(`kept ${backend}`));
    const ticketId = (await mustData(openTicket(customer, [kept.id]))).openTicket.id;
    const now = (await mustData(platform.gql('{ now }', {}, admin))).now as string;
    await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: new Date(Date.parse(now) + 24 * 3_600_000 + 60_000).toISOString() }, admin));
    const late = await platform.gql('mutation($id: ID!, $files: [ID!]) { addReply(ticketId: $id, body: "late", attachmentIds: $files) { id } }', { id: ticketId, files: [left.id] }, customer);
    expect(late.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const rows = await platform.runtime.readDb.query<{ id: string }>('SELECT id FROM attachments.uploads WHERE id = ANY($1)', [[left.id, kept.id]]);
    expect(rows.map((r) => r.id)).toEqual([kept.id]);
    expect((await download(customer, kept.id)).status).toBe(200);
  });

  it('lists attachments with their hashes in the evidence bundle; the files are verified offline against it', async () => {
    const log = new Uint8Array(randomBytes(4096));
    const file = await uploaded(customer, log, 'voice.log');
    const note = await uploaded(engineer, new TextEncoder().encode('internal capture'), 'internal.pcap');
    const ticketId = (await mustData(openTicket(customer, [file.id]))).openTicket.id;
    await mustData(platform.gql('mutation($id: ID!, $files: [ID!]) { addReply(ticketId: $id, body: "capture", visibility: INTERNAL, attachmentIds: $files) { id } }', { id: ticketId, files: [note.id] }, engineer));
    const exportAs = async (token: string) => (await (await fetch(`${platform.url}/audit/tickets/${ticketId}/export`, { headers: { authorization: `Bearer ${token}` } })).json()) as EvidenceBundle;

    const bundle = await exportAs(admin);
    expect(bundle.attachments).toEqual([
      expect.objectContaining({ id: file.id, sha256: sha256(log), size: 4096, fileName: 'voice.log', revision: 1 }),
      expect.objectContaining({ id: note.id, fileName: 'internal.pcap' }),
    ]);
    expect(checkEvidenceBundle(bundle).ok).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'ledgerdesk-bundle-files-'));
    try {
      writeFileSync(join(dir, 'voice.log'), log);
      writeFileSync(join(dir, sha256(new TextEncoder().encode('internal capture'))), 'internal capture');
      const held = await checkAttachmentFiles(bundle, dir);
      expect(held.ok).toBe(true);
      expect(held.lines[0]).toMatch(/^HOLDS   attachment .*voice\.log.*supplied at revision 1/);
      writeFileSync(join(dir, 'voice.log'), 'not what was sent');
      const altered = await checkAttachmentFiles(bundle, dir);
      expect(altered.ok).toBe(false);
      expect(altered.lines[0]).toMatch(/^DIFFERS attachment/);
      // A list that does not match the events is caught by the bundle check itself.
      const lied = structuredClone(bundle);
      lied.attachments[0]!.sha256 = sha256(new TextEncoder().encode('not what was sent'));
      expect(checkEvidenceBundle(lied).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The customer's bundle withholds the internal file and still holds.
    const theirs = await exportAs(customer);
    expect(theirs.attachments.map((a) => a.id)).toEqual([file.id]);
    expect(JSON.stringify(theirs)).not.toContain('internal.pcap');
    expect(checkEvidenceBundle(theirs).ok).toBe(true);
  });
});
