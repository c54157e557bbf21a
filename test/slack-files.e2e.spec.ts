import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../libs/intake/channels/channel-signatures.js';
import { defineCalendar, eventCount, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BOT_TOKEN = 'xoxb-test-bot-token';
const WORKSPACE = 'T0FILES';
const CHANNEL = 'C0FILES';
const MAX_BYTES = 65_536;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const TICKET = `query($id: ID!) { ticket(id: $id) {
  description replies { id body } attachments { id sha256 size fileName contentType visibility replyId } } }`;

describe.each(TEST_BACKENDS)('Slack files become attachments (%s)', (backend) => {
  let platform: TestPlatform;
  let files: Server;
  let origin: string;
  let admin: string;
  let sequence = 0;
  /** What the stand-in for files.slack.com serves, by path. */
  const served = new Map<string, { body: Buffer; type: string }>();
  /** Each request the stand-in received: path and Authorization header. */
  const requests: { path: string; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    files = createServer((request, response) => {
      requests.push({ path: request.url ?? '', authorization: request.headers.authorization });
      const file = served.get(request.url ?? '');
      if (request.headers.authorization !== `Bearer ${BOT_TOKEN}`) {
        // Slack's answer to a missing or wrong token: its sign-in page.
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html>Sign in to Slack</html>');
      } else if (!file) {
        response.writeHead(404).end('not found');
      } else {
        response.writeHead(200, { 'content-type': file.type, 'content-length': String(file.body.length) }).end(file.body);
      }
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    platform = await startTestPlatform({
      backend,
      clockStart: '2026-02-13T09:00:00Z',
      env: {
        LEDGERDESK_SLACK_SIGNING_SECRET: SLACK_SECRET,
        LEDGERDESK_SLACK_BOT_TOKEN: BOT_TOKEN,
        LEDGERDESK_SLACK_FILES_ORIGIN: origin,
        LEDGERDESK_ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      },
    });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin, { name: 'Slack Files Ltd', imChannels: [{ workspaceId: WORKSPACE, channelId: CHANNEL }] });
    await signContract(platform, admin, standardContract(accountId, calendarId, { channels: ['IM'] }));
  });
  afterAll(async () => {
    await platform?.close();
    await new Promise((resolve) => files?.close(resolve));
  });

  const post = (payload: unknown): Promise<Omit<Response, 'json'> & { json(): Promise<any> }> => {
    const raw = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(`${platform.url}/channels/im`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SLACK_SECRET, timestamp, raw) },
      body: raw,
    });
  };
  const message = (event: Record<string, unknown>) => {
    sequence += 1;
    return {
      team_id: WORKSPACE,
      type: 'event_callback',
      event_id: `EvF${backend}${String(sequence).padStart(6, '0')}`,
      event: { type: 'message', subtype: 'file_share', channel: CHANNEL, user: 'U0WEI', text: 'SDK log attached', ts: `1772000000.${String(sequence).padStart(6, '0')}`, ...event },
    };
  };
  /** A file on the stand-in, described as the Events API describes it. */
  const slackFile = (name: string, body: Buffer, mimetype: string, path = `/files-pri/${WORKSPACE}-F${++sequence}/download/${encodeURIComponent(name)}`) => {
    served.set(path, { body, type: mimetype });
    return { id: `F${sequence}`, name, title: name, mimetype, size: body.length, url_private: `${origin}${path.replace('/download', '')}`, url_private_download: `${origin}${path}` };
  };
  const ticket = async (id: string) => (await mustData(platform.gql(TICKET, { id }, admin))).ticket;
  const download = async (id: string) => {
    const response = await fetch(`${platform.url}/attachments/${id}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  it('attaches each file of an opening message and of a thread reply, binary-exact; a redelivery fetches and records nothing', async () => {
    const log = randomBytes(40_000);
    const screenshot = randomBytes(3_000);
    const root = message({ text: 'Audio drops, log and screenshot attached', files: [slackFile('agora sdk 日志.log', log, 'text/plain'), slackFile('shot.png', screenshot, 'image/png')] });
    const response = await post(root);
    expect(response.status).toBe(201);
    const opened = await response.json();
    expect(opened).toMatchObject({ created: true, action: 'opened' });
    const view = await ticket(opened.ticketId);
    expect(view.description).toBe('Audio drops, log and screenshot attached');
    expect(view.attachments).toEqual([
      { id: expect.any(String), sha256: sha256(log), size: 40_000, fileName: 'agora sdk 日志.log', contentType: 'text/plain', visibility: 'PUBLIC', replyId: null },
      { id: expect.any(String), sha256: sha256(screenshot), size: 3_000, fileName: 'shot.png', contentType: 'image/png', visibility: 'PUBLIC', replyId: null },
    ]);
    expect(await download(view.attachments[0].id)).toEqual(log);
    expect(await download(view.attachments[1].id)).toEqual(screenshot);
    expect(requests.filter((r) => r.authorization !== `Bearer ${BOT_TOKEN}`)).toEqual([]);

    const fetched = requests.length;
    const events = await eventCount(platform);
    const redelivered = await post(root);
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toEqual({ ticketId: opened.ticketId, created: false, action: 'duplicate' });
    expect(requests.length).toBe(fetched);
    expect(await eventCount(platform)).toBe(events);
    expect((await ticket(opened.ticketId)).attachments.map((a: { id: string }) => a.id)).toEqual(view.attachments.map((a: { id: string }) => a.id));

    const trace = Buffer.from('E/AgoraRTC: connection lost\n'.repeat(100));
    const reply = message({ text: '', user: 'U0LI', thread_ts: root.event.ts, files: [slackFile('trace.txt', trace, 'text/plain')] });
    expect(await (await post(reply)).json()).toMatchObject({ ticketId: opened.ticketId, action: 'replied' });
    const after = await ticket(opened.ticketId);
    expect(after.attachments).toHaveLength(3);
    expect(after.attachments[2]).toMatchObject({ sha256: sha256(trace), fileName: 'trace.txt', replyId: after.replies[0].id });
    expect(await download(after.attachments[2].id)).toEqual(trace);
  });

  it('notes on the ticket each file it could not attach (not found, over the size limit, off the Slack file host, no URL), keeping the rest', async () => {
    const good = randomBytes(1_000);
    const missing = { id: 'F0GONE', name: 'gone.log', mimetype: 'text/plain', size: 10, url_private_download: `${origin}/files-pri/${WORKSPACE}-F0GONE/download/gone.log` };
    const elsewhere = { id: 'F0ELSE', name: 'elsewhere.log', mimetype: 'text/plain', size: 10, url_private_download: 'http://127.0.0.2:9/steal-token/elsewhere.log' };
    // What Slack serves for a file the token may not read: its sign-in page, with 200.
    served.set('/files-pri/signin', { body: Buffer.from('<html>Sign in to Slack</html>'), type: 'text/html; charset=utf-8' });
    const signIn = { id: 'F0SIGNIN', name: 'private.log', mimetype: 'text/plain', url_private_download: `${origin}/files-pri/signin` };
    const fetchedBefore = requests.length;
    const response = await post(
      message({
        text: 'Six files',
        files: [slackFile('ok.bin', good, 'application/octet-stream'), missing, slackFile('huge.log', randomBytes(MAX_BYTES + 1), 'text/plain'), elsewhere, { id: 'F0NOURL', name: 'nourl.txt' }, signIn],
      }),
    );
    expect(response.status).toBe(201);
    const { ticketId } = await response.json();
    const view = await ticket(ticketId);
    expect(view.attachments).toEqual([expect.objectContaining({ sha256: sha256(good), fileName: 'ok.bin', size: 1_000 })]);
    expect(view.description).toBe(
      [
        'Six files',
        '[Slack file "gone.log" not attached: Slack answered HTTP 404]',
        `[Slack file "huge.log" not attached: an attachment must be at most ${MAX_BYTES} bytes]`,
        `[Slack file "elsewhere.log" not attached: the download URL is not on ${origin}]`,
        '[Slack file "nourl.txt" not attached: the event names no download URL]',
        '[Slack file "private.log" not attached: Slack answered with a web page instead of the file (is the bot token valid, with files:read?)]',
      ].join('\n'),
    );
    // The off-host file was never requested (with or without the token); the four on-host ones were.
    expect(requests.length - fetchedBefore).toBe(4);
  });
});
