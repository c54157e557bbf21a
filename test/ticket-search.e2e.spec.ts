import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { TEST_BACKENDS } from './support/test-databases.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const SEARCH = `query($q: String!, $f: TicketFilter, $first: Int, $after: String) {
  searchTickets(query: $q, filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor score node { id subject } highlights { field replyId snippet matches { start end } } }
  }
}`;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(TEST_BACKENDS)('searchTickets and the SDK version range filter (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let customerA: string;
  let accountA: string;
  let accountB: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-02-13T09:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountA = await registerAccount(platform, admin, { name: 'Stream A' });
    accountB = await registerAccount(platform, admin, { name: 'Stream B' });
    for (const account of [accountA, accountB]) await signContract(platform, admin, standardContract(account, calendarId));
    customerA = await platform.token('CUSTOMER', { id: 'customer-a', accountId: accountA });
    const open = async (name: string, accountId: string, subject: string, description: string, diagnostics: Record<string, string> = {}) => {
      const input = { accountId, channel: 'PORTAL', subject, description, claimedSeverity: 'P2', diagnostics };
      ids[name] = (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input }, admin))).openTicket.id;
    };
    await open('zh', accountA, '音频卡顿严重', '直播时音频卡顿，观众听到回声', { errorCode: '1003', sdkName: 'Agora RTC', sdkVersion: '4.2.1' });
    await open('en', accountA, 'Audio stutters during live stream', 'Viewers hear echo and the audio drops after a reconnect', { errorCode: '17', sdkVersion: 'v4.1.0' });
    await open('login', accountA, 'Login fails', 'Token error on join; audio is fine', { sdkVersion: '3.7' });
    await open('billing', accountA, 'Billing question', 'A question about the invoice');
    await open('other', accountB, '音频卡顿 on B', 'Our audio stutters too', { errorCode: '1003', sdkVersion: '4.2.0' });
    const reply = (id: string, body: string, visibility: string) =>
      mustData(platform.gql('mutation($id: ID!, $body: String!, $v: Visibility) { addReply(ticketId: $id, body: $body, visibility: $v) { id } }', { id, body, v: visibility }, admin));
    await reply(ids['billing']!, 'We also checked the audio pipeline for you.', 'PUBLIC');
    await reply(ids['billing']!, 'Internal: customer mentioned xylophone test tones', 'INTERNAL');
    await mustData(platform.gql('mutation($id: ID!) { resolveTicket(ticketId: $id, resolution: "Rotated the expired token", rootCause: "clock skew") { id } }', { id: ids['login'] }, admin));
  });
  afterAll(async () => {
    await platform?.close();
  });

  const search = async (q: string, token = admin, extra: Record<string, unknown> = {}) => {
    const result = await platform.gql(SEARCH, { q, ...extra }, token);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!.searchTickets;
  };
  const found = async (q: string, token = admin, extra: Record<string, unknown> = {}) => (await search(q, token, extra)).edges.map((e: any) => nameOf(e.node.id));
  const nameOf = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0] ?? id;

  it('finds Chinese text by any part of it, with highlights', async () => {
    expect((await found('卡顿')).sort()).toEqual(['other', 'zh']);
    expect((await found('音频卡顿')).sort()).toEqual(['other', 'zh']);
    expect(await found('卡顿严重')).toEqual(['zh']);
    expect(await found('回声')).toEqual(['zh']);
    expect((await found('卡')).sort()).toEqual(['other', 'zh']);
    expect(await found('严重卡顿')).toEqual([]);
    const edge = (await search('卡顿严重')).edges[0];
    const subject = edge.highlights.find((h: any) => h.field === 'subject');
    expect(subject.snippet).toBe('音频卡顿严重');
    expect(subject.matches.map((m: any) => subject.snippet.slice(m.start, m.end))).toEqual(['卡顿严重']);
  });

  it('finds English words (prefixes of three letters or more) and phrases', async () => {
    expect((await found('audio stutters')).sort()).toEqual(['en', 'other']);
    expect((await found('stutter')).sort()).toEqual(['en', 'other']);
    expect(await found('"audio drops"')).toEqual(['en']);
    expect(await found('"drops audio"')).toEqual([]);
    expect(await found('rotated token')).toEqual(['login']);
    const highlights = (await search('rotated')).edges[0].highlights;
    expect(highlights.map((h: any) => h.field)).toEqual(['resolution']);
  });

  it('ranks a subject match above a description match above a reply match', async () => {
    const result = await search('audio', admin, { f: { accountId: accountA } });
    expect(result.edges.map((e: any) => nameOf(e.node.id))).toEqual(['en', 'login', 'billing']);
    const scores = result.edges.map((e: any) => e.score);
    expect(scores[0]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[2]);
    expect(result.totalCount).toBe(3);
    expect(result.edges[2].highlights).toEqual([
      { field: 'reply', replyId: expect.any(String), snippet: 'We also checked the audio pipeline for you.', matches: [{ start: 20, end: 25 }] },
    ]);
  });

  it('pages through hits with cursors in the same order', async () => {
    const all = (await search('audio', admin, { first: 10 })).edges.map((e: any) => e.node.id);
    expect(all).toHaveLength(4);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await search('audio', admin, { first: 1, after });
      expect(page.totalCount).toBe(4);
      paged.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
  });

  it('takes fielded terms: errorCode, sdk version prefix or name, status', async () => {
    expect((await found('errorCode:1003')).sort()).toEqual(['other', 'zh']);
    expect(await found('errorCode:1003', admin, { f: { accountId: accountA } })).toEqual(['zh']);
    expect((await found('sdk:4.2')).sort()).toEqual(['other', 'zh']);
    expect(await found('sdk:4.2.1')).toEqual(['zh']);
    expect(await found('audio sdk:4.1')).toEqual(['en']);
    expect(await found('sdk:agora')).toEqual(['zh']);
    expect(await found('status:RESOLVED')).toEqual(['login']);
    // The public reply moved the billing ticket on from OPEN.
    expect(await found('audio status:open', admin, { f: { accountId: accountA } })).toEqual(['en']);
    expect(await found('audio status:IN_PROGRESS')).toEqual(['billing']);
  });

  it('keeps a customer to their own account and away from internal notes', async () => {
    expect(await found('卡顿', customerA)).toEqual(['zh']);
    expect(await found('stutters', customerA)).toEqual(['en']);
    expect(await found('errorCode:1003', customerA)).toEqual(['zh']);
    expect((await search('卡顿', customerA, { f: { accountId: accountB } })).totalCount).toBe(0);
    // Staff find the internal note; the customer does not, and never sees it highlighted.
    const staff = await search('xylophone');
    expect(staff.edges.map((e: any) => nameOf(e.node.id))).toEqual(['billing']);
    expect(staff.edges[0].highlights.map((h: any) => h.field)).toEqual(['reply']);
    expect(await search('xylophone', customerA)).toMatchObject({ totalCount: 0, edges: [] });
    const billing = (await search('audio pipeline', customerA)).edges[0];
    expect(JSON.stringify(billing.highlights)).not.toContain('xylophone');
  });

  it('refuses bad queries, page sizes and cursors with BAD_USER_INPUT', async () => {
    for (const [q, extra] of [
      ['', {}],
      ['  !!! ', {}],
      ['status:NOPE', {}],
      ['"unclosed', {}],
      ['errorCode:', {}],
      ['audio', { first: 0 }],
      ['audio', { after: 'not-a-cursor' }],
    ] as const) {
      const result = await platform.gql(SEARCH, { q, ...extra }, admin);
      expect(result.errors?.[0]?.extensions?.code, `${q} ${JSON.stringify(extra)}`).toBe('BAD_USER_INPUT');
    }
  });

  it('filters tickets by a semver range on the reported SDK version', async () => {
    const subjects = async (range: string) =>
      (await mustData(platform.gql('query($f: TicketFilter) { tickets(filter: $f, orderBy: OPENED_AT) { totalCount edges { node { id } } } }', { f: { sdkVersionRange: range, accountId: accountA } }, admin))).tickets.edges.map((e: any) => nameOf(e.node.id)).sort();
    expect(await subjects('>=4.2.0')).toEqual(['zh']);
    expect(await subjects('^4')).toEqual(['en', 'zh']);
    expect(await subjects('<4')).toEqual(['login']);
    expect(await subjects('>=5')).toEqual([]);
    const bad = await platform.gql('query { tickets(filter: {sdkVersionRange: "not a range"}) { totalCount } }', {}, admin);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // And inside search's filter.
    expect(await found('audio', admin, { f: { sdkVersionRange: '~4.1' } })).toEqual(['en']);
  });
  it('filters tickets and search by a linked platform incident, following links and unlinks', async () => {
    const input = { title: 'Audio outage', severity: 'SEV2', regions: ['ap-east-1'], components: ['media-server'], startedAt: '2026-02-13T08:00:00Z', publicSummary: 'Audio drops' };
    const incidentId = (await mustData(platform.gql('mutation($input: DeclarePlatformIncidentInput!) { declarePlatformIncident(input: $input) { id } }', { input }, admin))).declarePlatformIncident.id;
    await mustData(platform.gql('mutation($id: ID!, $ids: [ID!]!) { linkTicketsToIncident(incidentId: $id, ticketIds: $ids) { id } }', { id: incidentId, ids: [ids['en'], ids['other']] }, admin));
    const listed = async () =>
      (await mustData(platform.gql('query($f: TicketFilter) { tickets(filter: $f) { edges { node { id } } } }', { f: { incidentId } }, admin))).tickets.edges.map((e: any) => nameOf(e.node.id)).sort();
    await until(async () => (await listed()).length === 2, 'the links to reach triage.incident_links');
    expect(await listed()).toEqual(['en', 'other']);
    expect((await found('audio', admin, { f: { incidentId } })).sort()).toEqual(['en', 'other']);
    expect(await found('audio', customerA, { f: { incidentId } })).toEqual(['en']);
    expect(await found('audio', admin, { f: { incidentId: 'no-such-incident' } })).toEqual([]);
    await mustData(platform.gql('mutation($id: ID!, $t: ID!) { unlinkTicket(incidentId: $id, ticketId: $t) { id } }', { id: incidentId, t: ids['other'] }, admin));
    await until(async () => (await listed()).length === 1, 'the unlink to reach triage.incident_links');
    expect(await found('audio', admin, { f: { incidentId } })).toEqual(['en']);
  });
});

describe.each(TEST_BACKENDS)('searchTickets past its candidate bound (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let customer: string;
  let boundAccount: string;
  const names = new Map<string, string>();

  beforeAll(async () => {
    // Three candidates at most, so a handful of tickets is "too many hits".
    platform = await startTestPlatform({ backend, clockStart: '2026-02-13T09:00:00Z', env: { LEDGERDESK_SEARCH_CANDIDATES: '3' } });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin, { name: 'Bound' });
    boundAccount = accountId;
    customer = await platform.token('CUSTOMER', { id: 'customer-bound', accountId });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    let minute = 0;
    const open = async (name: string, subject: string, description: string, reply?: string) => {
      minute += 1;
      await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: new Date(Date.parse('2026-02-13T09:00:00Z') + minute * 60_000).toISOString() }, admin));
      const input = { accountId, channel: 'PORTAL', subject, description, claimedSeverity: 'P3' };
      const id = (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input }, admin))).openTicket.id;
      names.set(id, name);
      if (reply) await mustData(platform.gql('mutation($id: ID!, $body: String!) { addReply(ticketId: $id, body: $body) { id } }', { id, body: reply }, admin));
    };
    // Oldest first: one ticket with "webinar" in its subject, then four that mention it only in a reply.
    await open('subject', 'Webinar audio drops', 'It drops');
    for (const name of ['reply1', 'reply2', 'reply3', 'reply4']) await open(name, `Ticket ${name}`, 'Something else', 'Is this the webinar room?');
    await open('lone', 'Metronome clicks', 'A lone word');
    // Four tickets that say 摄像头 (camera) in a reply, then, newest, one whose subject holds its two bigrams apart.
    for (const name of ['cam1', 'cam2', 'cam3', 'cam4']) await open(name, `Device ${name}`, 'Something else', '摄像头坏了');
    await open('decoy', '摄像机和像头', 'Something else');
  });
  afterAll(async () => {
    await platform?.close();
  });

  const page = async (q: string, first: number, after: string | null = null, token = admin, f: Record<string, string> | null = null) => {
    const result = await platform.gql(SEARCH, { q, first, after, f }, token);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!.searchTickets;
  };

  it('counts up to the bound and pages the best candidates: opening matches first, then the newest others', async () => {
    const capped = await platform.gql('query { searchTickets(query: "webinar") { totalCount totalCountCapped } }', {}, admin);
    expect(capped.data?.searchTickets).toEqual({ totalCount: 3, totalCountCapped: true });
    const first = await page('webinar', 2);
    const second = await page('webinar', 2, first.pageInfo.endCursor);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const seen = [...first.edges, ...second.edges].map((e: any) => names.get(e.node.id));
    // The subject match is a candidate although it is the oldest; the other two are the newest reply-only hits.
    expect(seen).toEqual(['subject', 'reply4', 'reply3']);
    expect(first.edges[0].score).toBeGreaterThan(first.edges[1].score);
  });

  it('caps on the opening matches alone when they exceed the bound, and pages their best', async () => {
    // Four subjects hold "ticket" (equal scores): more opening matches than the bound of three.
    const first = await page('ticket', 2);
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const capped = await platform.gql('query { searchTickets(query: "ticket") { totalCountCapped } }', {}, admin);
    expect(capped.data?.searchTickets.totalCountCapped).toBe(true);
    const second = await page('ticket', 2, first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    // Equal scores: newest first, and only the three candidates.
    expect([...first.edges, ...second.edges].map((e: any) => names.get(e.node.id))).toEqual(['reply4', 'reply3', 'reply2']);
  });

  it('checks a sequence (a CJK run, a phrase) on each candidate, so a newer ticket holding its parts apart is not one', async () => {
    // 摄像头 is the sequence 摄像 <1> 像头: the index finds the decoy by the two bigrams; its vector does not match.
    const first = await page('摄像头', 2);
    const second = await page('摄像头', 2, first.pageInfo.endCursor);
    expect(first.totalCount).toBe(3);
    expect([...first.edges, ...second.edges].map((e: any) => names.get(e.node.id))).toEqual(['cam4', 'cam3', 'cam2']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const phrase = await page('"webinar room"', 5);
    expect(phrase.edges.map((e: any) => names.get(e.node.id))).toEqual(['reply4', 'reply3', 'reply2']);
    // The loosened query alone would have the decoy first.
    const loose = await page('摄像 像头', 5);
    expect(names.get(loose.edges[0].node.id)).toBe('decoy');
  });

  it('counts and ranks exactly under the bound', async () => {
    const result = await platform.gql('query { searchTickets(query: "metronome") { totalCount totalCountCapped edges { node { id } } } }', {}, admin);
    expect(result.data?.searchTickets.totalCount).toBe(1);
    expect(result.data?.searchTickets.totalCountCapped).toBe(false);
    expect(names.get(result.data?.searchTickets.edges[0].node.id)).toBe('lone');
  });

  // A search pinned to one account (a customer's, or staff filtering by account) counts and ranks in one scan;
  // past the bound it takes the same candidate path as an unpinned search.
  it.each([
    ['a customer', () => [customer, null] as const],
    ['staff filtering by account', () => [admin, { accountId: boundAccount }] as const],
  ])('bounds and pages a search pinned to one account the same way (%s)', async (_who, who) => {
    const [token, f] = who();
    const capped = await platform.gql('query($f: TicketFilter) { searchTickets(query: "webinar", filter: $f) { totalCount totalCountCapped } }', { f }, token);
    expect(capped.data?.searchTickets).toEqual({ totalCount: 3, totalCountCapped: true });
    const first = await page('webinar', 2, null, token, f);
    const second = await page('webinar', 2, first.pageInfo.endCursor, token, f);
    expect([...first.edges, ...second.edges].map((e: any) => names.get(e.node.id))).toEqual(['subject', 'reply4', 'reply3']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    // Under the bound: exact count and ranking.
    const one = await page('drops', 1, null, token, f);
    expect(one.totalCount).toBe(1);
    expect(names.get(one.edges[0].node.id)).toBe('subject');
  });
});
