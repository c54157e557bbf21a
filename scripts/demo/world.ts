/**
 * The demo's world, built through the platform's own GraphQL API (so through its commands, deciders and
 * reactors), as the people in it would: an admin sets up calendars, accounts, contracts and staff; customers
 * open tickets; engineers triage and answer; the manual clock moves so that SLAs warn and breach.
 *
 * Used by `npm run demo` (scripts/demo.cli.ts) against the platform it starts, and by test/demo.e2e.spec.ts.
 */

export type DemoRole = 'ADMIN' | 'AUDITOR' | 'CUSTOMER' | 'ENGINEER' | 'TAM';
export interface DemoPrincipal {
  id: string;
  role: DemoRole;
  accountId?: string | null;
}

export interface DemoApi {
  /** Runs a GraphQL operation with a bearer token; resolves `data`, rejects on any error. */
  gql<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T>;
  /** Mints a token for a principal (the demo prints them; the builder acts with them). */
  token(principal: DemoPrincipal): Promise<string>;
}

/** Monday 28 September 2026, 08:30 in Shanghai (Sunday 20:30 in New York): the week before China's National Day. */
export const DEMO_CLOCK_START = '2026-09-28T00:30:00Z';
/** Where the builder leaves the clock: 10:00 in Shanghai, 22:00 the evening before in New York. */
export const DEMO_NOW = '2026-09-28T02:00:00Z';

export interface DemoTicket {
  key: string;
  id: string;
  account: 'shanghai' | 'newYork';
  subject: string;
  /** What the builder left it as (the test checks the platform agrees). */
  expect: { status: string; disputeStatus?: string; escalated?: boolean; breached?: boolean; claimStatus?: string };
}

export interface DemoWorld {
  accounts: { shanghai: string; newYork: string };
  calendars: Record<string, string>;
  staff: Record<string, { id: string; name: string; role: 'ENGINEER' | 'TAM' }>;
  tickets: DemoTicket[];
  claims: { id: string; ticketKey: string; status: string }[];
  /** A token for each role (customers: one per account), with who it is. */
  tokens: { label: string; env: string; principal: DemoPrincipal; token: string }[];
}

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));

const OPEN_TICKET = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const TICKET_STATE = 'query($id: ID!) { ticket(id: $id) { status } }';

export async function buildDemoWorld(api: DemoApi): Promise<DemoWorld> {
  const admin = await api.token({ id: 'admin', role: 'ADMIN' });
  const gql = api.gql.bind(api);
  const advance = (to: string) => gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin);

  // Calendars: the customer's Shanghai office (CN holidays, a make-up working Saturday), New York business
  // hours, and the three support shifts that follow the sun.
  const defineCalendar = async (input: Record<string, unknown>) =>
    (await gql<{ defineCalendar: { id: string } }>('mutation($input: DefineCalendarInput!) { defineCalendar(input: $input) { id } }', { input }, admin)).defineCalendar.id;
  const calendars = {
    shanghai5x8: await defineCalendar({ name: 'Shanghai 5x8', timeZone: 'Asia/Shanghai', weeklyHours: weekdays('09:00', '18:00'), holidayRegion: 'CN', workingDays: ['2026-10-10'] }),
    newYorkBusiness: await defineCalendar({ name: 'New York business hours', timeZone: 'America/New_York', weeklyHours: weekdays('09:00', '18:00'), holidayRegion: 'US' }),
    shiftApac: await defineCalendar({ name: 'Shift APAC (Shanghai 09-18)', timeZone: 'Asia/Shanghai', weeklyHours: weekdays('09:00', '18:00') }),
    shiftEmea: await defineCalendar({ name: 'Shift EMEA (Dublin 09-18)', timeZone: 'Europe/Dublin', weeklyHours: weekdays('09:00', '18:00') }),
    shiftAmer: await defineCalendar({ name: 'Shift AMER (New York 09-18)', timeZone: 'America/New_York', weeklyHours: weekdays('09:00', '18:00') }),
  };
  // 2026-10-01..07 are CN holidays already (holidayRegion); the company also keeps 8 October off.
  await gql('mutation($id: ID!, $input: AmendCalendarInput!) { amendCalendar(id: $id, input: $input) { id } }', { id: calendars.shanghai5x8, input: { addHolidays: ['2026-10-08'] } }, admin);

  const registerAccount = async (input: Record<string, unknown>) =>
    (await gql<{ registerAccount: { id: string } }>('mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { id } }', { input }, admin)).registerAccount.id;
  const accounts = {
    shanghai: await registerAccount({ name: 'Huaxia Live', region: 'APAC', timeZone: 'Asia/Shanghai', emailDomains: ['huaxia-live.example.cn'] }),
    newYork: await registerAccount({ name: 'Gotham Streaming', region: 'AMER', timeZone: 'America/New_York', emailDomains: ['gotham-streaming.example.com'] }),
  };

  const registerStaff = async (key: string, input: { name: string; role: 'ENGINEER' | 'TAM'; regions: string[]; skills: string[]; calendarId: string }) => {
    const id = (await gql<{ registerStaff: { id: string } }>('mutation($input: RegisterStaffInput!) { registerStaff(input: $input) { id } }', { input }, admin)).registerStaff.id;
    return [key, { id, name: input.name, role: input.role }] as const;
  };
  const staff = Object.fromEntries([
    await registerStaff('tamShanghai', { name: 'Lin Wei', role: 'TAM', regions: ['APAC'], skills: ['live-streaming'], calendarId: calendars.shiftApac }),
    await registerStaff('tamNewYork', { name: 'Maria Alvarez', role: 'TAM', regions: ['AMER'], skills: ['rtc'], calendarId: calendars.shiftAmer }),
    await registerStaff('engApac', { name: 'Chen Jing', role: 'ENGINEER', regions: ['APAC'], skills: ['android', 'live-streaming', 'rtmp'], calendarId: calendars.shiftApac }),
    await registerStaff('engEmea', { name: 'Aoife Byrne', role: 'ENGINEER', regions: ['APAC', 'AMER'], skills: ['ios', 'webrtc', 'audio'], calendarId: calendars.shiftEmea }),
    await registerStaff('engAmer', { name: 'Jamal Carter', role: 'ENGINEER', regions: ['AMER'], skills: ['web', 'audio', 'recording'], calendarId: calendars.shiftAmer }),
  ]) as DemoWorld['staff'];
  await gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accounts.shanghai, t: staff.tamShanghai!.id }, admin);
  await gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accounts.newYork, t: staff.tamNewYork!.id }, admin);

  const signContract = (input: Record<string, unknown>) => gql('mutation($input: SignContractInput!) { signContract(input: $input) { id } }', { input }, admin);
  await signContract({
    accountId: accounts.shanghai,
    plan: 'Business 5x8',
    calendarId: calendars.shanghai5x8,
    targets: [
      { severity: 'P0', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 30, nextUpdateMinutes: 120, resolutionMinutes: 960 },
      { severity: 'P1', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 60, nextUpdateMinutes: 240, resolutionMinutes: 1920 },
      { severity: 'P2', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 240, resolutionMinutes: 4800 },
      { severity: 'P3', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480 },
    ],
    channels: ['PORTAL', 'EMAIL', 'IM'],
    pauseWhenWaitingOnCustomer: true,
    monthlyFee: 60000,
    currency: 'CNY',
    credits: [{ severity: 'P1', metric: 'FIRST_RESPONSE', percentOfMonthlyFee: 3 }],
    creditCapPercent: 20,
    effectiveFrom: '2026-01-01T00:00:00Z',
  });
  await signContract({
    accountId: accounts.newYork,
    plan: 'Enterprise 7x24 P0',
    calendarId: calendars.newYorkBusiness,
    targets: [
      { severity: 'P0', coverage: 'ALWAYS', firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
      { severity: 'P1', coverage: 'ALWAYS', firstResponseMinutes: 60, nextUpdateMinutes: 240, resolutionMinutes: 1440 },
      { severity: 'P2', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 240, resolutionMinutes: 2400 },
      { severity: 'P3', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480 },
    ],
    channels: ['PORTAL', 'EMAIL', 'IM', 'PHONE'],
    pauseWhenWaitingOnCustomer: true,
    monthlyFee: 25000,
    currency: 'USD',
    credits: [
      { severity: 'P0', metric: 'FIRST_RESPONSE', percentOfMonthlyFee: 5 },
      { severity: 'P0', metric: 'RESOLUTION', percentOfMonthlyFee: 10 },
      { severity: 'P1', metric: 'FIRST_RESPONSE', percentOfMonthlyFee: 2 },
    ],
    creditCapPercent: 30,
    effectiveFrom: '2026-01-01T00:00:00Z',
  });

  const principals: { label: string; env: string; principal: DemoPrincipal }[] = [
    { label: 'ADMIN', env: 'ADMIN', principal: { id: 'admin', role: 'ADMIN' } },
    { label: 'AUDITOR', env: 'AUDITOR', principal: { id: 'auditor', role: 'AUDITOR' } },
    { label: 'CUSTOMER Huaxia Live (Shanghai)', env: 'CUSTOMER_SH', principal: { id: 'ops@huaxia-live.example.cn', role: 'CUSTOMER', accountId: accounts.shanghai } },
    { label: 'CUSTOMER Gotham Streaming (New York)', env: 'CUSTOMER_NY', principal: { id: 'noc@gotham-streaming.example.com', role: 'CUSTOMER', accountId: accounts.newYork } },
    { label: `TAM ${staff.tamShanghai!.name}`, env: 'TAM_SH', principal: { id: staff.tamShanghai!.id, role: 'TAM' } },
    { label: `TAM ${staff.tamNewYork!.name}`, env: 'TAM_NY', principal: { id: staff.tamNewYork!.id, role: 'TAM' } },
    { label: `ENGINEER ${staff.engApac!.name} (APAC shift)`, env: 'ENG_APAC', principal: { id: staff.engApac!.id, role: 'ENGINEER' } },
    { label: `ENGINEER ${staff.engEmea!.name} (EMEA shift)`, env: 'ENG_EMEA', principal: { id: staff.engEmea!.id, role: 'ENGINEER' } },
    { label: `ENGINEER ${staff.engAmer!.name} (AMER shift)`, env: 'ENG_AMER', principal: { id: staff.engAmer!.id, role: 'ENGINEER' } },
  ];
  const tokens = await Promise.all(principals.map(async (entry) => ({ ...entry, token: await api.token(entry.principal) })));
  const tokenOf = (role: DemoRole, id?: string) => tokens.find((t) => t.principal.role === role && (id === undefined || t.principal.id === id || t.principal.accountId === id))!.token;
  const customerSh = tokenOf('CUSTOMER', accounts.shanghai);
  const customerNy = tokenOf('CUSTOMER', accounts.newYork);
  const engApac = tokenOf('ENGINEER', staff.engApac!.id);
  const engEmea = tokenOf('ENGINEER', staff.engEmea!.id);
  const engAmer = tokenOf('ENGINEER', staff.engAmer!.id);

  const tickets: DemoTicket[] = [];
  const open = async (key: string, account: 'shanghai' | 'newYork', token: string, input: Record<string, unknown>, expected: DemoTicket['expect']) => {
    const data = await gql<{ openTicket: { id: string } }>(OPEN_TICKET, { input: { accountId: accounts[account], channel: 'PORTAL', ...input } }, token);
    const ticket: DemoTicket = { key, id: data.openTicket.id, account, subject: String(input['subject']), expect: expected };
    tickets.push(ticket);
    return ticket.id;
  };
  const reply = (id: string, body: string, token: string, visibility: 'PUBLIC' | 'INTERNAL' = 'PUBLIC') =>
    gql('mutation($id: ID!, $body: String!, $v: Visibility) { addReply(ticketId: $id, body: $body, visibility: $v) { id } }', { id, body, v: visibility }, token);
  const assign = (id: string, assigneeId: string, token: string) => gql('mutation($id: ID!, $a: ID!) { assignTicket(ticketId: $id, assigneeId: $a) { id } }', { id, a: assigneeId }, token);
  const assess = (id: string, severity: string, reason: string, token: string) =>
    gql('mutation($id: ID!, $s: Severity!, $r: String!) { assessSeverity(ticketId: $id, severity: $s, reason: $r) { id } }', { id, s: severity, r: reason }, token);
  const resolve = (id: string, resolution: string, rootCause: string, token: string) =>
    gql('mutation($id: ID!, $res: String!, $rc: String) { resolveTicket(ticketId: $id, resolution: $res, rootCause: $rc) { id } }', { id, res: resolution, rc: rootCause }, token);

  // --- 00:30Z (New York, Sunday evening): a P0 nobody answers in time, and another for the claim to be decided.
  const webinar = await open('ny-p0-breached-claim-pending', 'newYork', customerNy, {
    subject: 'Webinar audio drops for 10k participants',
    description: 'Since 20:20 ET every attendee in the 10k-seat webinar loses audio for 5-10 s each minute. Event ends at 23:00.',
    claimedSeverity: 'P0',
    diagnostics: { sdkName: 'web-sdk', sdkVersion: '4.21.0', platform: 'web', errorCode: 'AUDIO_TRACK_ENDED' },
  }, { status: 'IN_PROGRESS', breached: true, claimStatus: 'PENDING' });
  const ingest = await open('ny-p0-breached-claim-approved', 'newYork', customerNy, {
    subject: 'RTMP ingest refuses new streams in us-east-1',
    description: 'Encoders get "connection reset" on publish; existing streams keep running.',
    claimedSeverity: 'P0',
    channel: 'PHONE',
  }, { status: 'RESOLVED', breached: true, claimStatus: 'APPROVED' });
  const hls = await open('ny-p1-escalated', 'newYork', customerNy, {
    subject: 'HLS playback stalls on iOS 18 after 20 minutes',
    description: 'Players stall with buffer empty; reproduces on iPhone 15, iOS 18.0.1.',
    claimedSeverity: 'P1',
    diagnostics: { sdkName: 'ios-sdk', sdkVersion: '4.19.2', platform: 'ios', osVersion: '18.0.1', deviceModel: 'iPhone 15' },
  }, { status: 'IN_PROGRESS', escalated: true });
  const recording = await open('ny-dispute-rejected', 'newYork', customerNy, {
    subject: 'Cloud recording files missing for two sessions',
    description: 'Recordings for yesterday’s 14:00 and 16:00 sessions are not in the bucket.',
    claimedSeverity: 'P0',
  }, { status: 'OPEN', disputeStatus: 'REJECTED' });
  const tokenServer = await open('ny-waiting-on-customer', 'newYork', customerNy, {
    subject: 'Token server returns 401 intermittently',
    description: 'About 1% of join attempts fail with 401 from our token endpoint integration.',
    claimedSeverity: 'P2',
    channel: 'EMAIL',
  }, { status: 'WAITING_ON_CUSTOMER' });
  const echo = await open('ny-resolved', 'newYork', customerNy, {
    subject: 'Echo on Android speakerphone',
    description: 'Remote side hears their own voice when the Android user is on speaker.',
    claimedSeverity: 'P1',
    diagnostics: { sdkName: 'android-sdk', sdkVersion: '4.20.1', platform: 'android', deviceModel: 'Pixel 8' },
  }, { status: 'RESOLVED' });

  await advance('2026-09-28T00:34:00Z');
  await assign(hls, staff.engAmer!.id, engAmer);
  await reply(hls, 'Looking at it now: can you share a player log with the stall?', engAmer);
  await assign(echo, staff.engAmer!.id, engAmer);
  await reply(echo, 'Reproduced on a Pixel 8 with AEC off; please confirm you pass audioScenario=CHATROOM.', engAmer);
  await assign(tokenServer, staff.engAmer!.id, engAmer);
  await gql('mutation($id: ID!, $b: String!) { requestInformation(ticketId: $id, body: $b) { id } }', { id: tokenServer, b: 'Please send the failing token payloads (with the signature removed) and your server clock offset.' }, engAmer);
  await assess(recording, 'P2', 'Live traffic unaffected; two recordings delayed, none lost: P2 per the severity guide', engAmer);
  await gql('mutation($id: ID!, $r: String!) { disputeSeverity(ticketId: $id, reason: $r) { id } }', { id: recording, r: 'Missing recordings break our compliance archive: this is P0 for us' }, customerNy);
  await gql('mutation($id: ID!, $r: String!) { escalateTicket(ticketId: $id, reason: $r) { id } }', { id: hls, r: 'Our launch is on Tuesday; we need a fix or workaround before then' }, customerNy);

  // --- 00:50Z: both P0 first responses (15 min, 7x24) were missed; answers come late.
  await advance('2026-09-28T00:50:00Z');
  await assign(webinar, staff.engAmer!.id, engAmer);
  await reply(webinar, 'Sorry for the delay: we see packet loss on one media edge and are draining it now.', engAmer);
  await reply(ingest, 'Confirmed: an ingest node rejected publishes after a config push; rolled back.', engAmer);
  await resolve(ingest, 'Rolled back the ingest configuration in us-east-1; publishing works again.', 'A config push set the max-connections limit to 0 on one ingest pool', engAmer);
  await resolve(echo, 'Fixed by passing audioScenario=CHATROOM; documented for speakerphone use.', 'AEC disabled by the default audio scenario', engAmer);
  await gql('mutation($id: ID!, $o: DisputeOutcome!, $r: String!) { resolveSeverityDispute(ticketId: $id, outcome: $o, reason: $r) { id } }', { id: recording, o: 'REJECTED', r: 'Recordings were delayed, not lost; P2 stands. A fix is tracked.' }, admin);

  const fileClaim = async (ticketId: string, statement: string) =>
    (await gql<{ fileBreachClaim: { id: string } }>('mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id status } }', { input: { ticketId, metric: 'FIRST_RESPONSE', statement } }, customerNy)).fileBreachClaim.id;
  const webinarClaim = await fileClaim(webinar, 'First response came 20 minutes after a P0 report during a live event.');
  const ingestClaim = await fileClaim(ingest, 'Nobody answered our P0 ingest outage for 20 minutes.');
  await gql('mutation($id: ID!, $d: ClaimDecision!, $r: String!) { decideBreachClaim(claimId: $id, decision: $d, reason: $r) { id } }', { id: ingestClaim, d: 'APPROVE', r: 'First response 20 min against a 15 min target; credit per the contract' }, admin);

  // --- 01:00Z (09:00 in Shanghai, Monday): the Shanghai office starts its week.
  await advance('2026-09-28T01:00:00Z');
  const danmaku = await open('sh-dispute-open', 'shanghai', customerSh, {
    subject: 'Danmaku (bullet comments) delayed by 30 s in big rooms',
    description: 'Rooms above 50k viewers show comments 30 s late; smaller rooms are fine.',
    claimedSeverity: 'P1',
    channel: 'IM',
  }, { status: 'IN_PROGRESS', disputeStatus: 'OPEN' });
  await open('sh-open', 'shanghai', customerSh, {
    subject: 'Beauty filter crashes on Huawei Mate 60',
    description: 'App crashes when enabling the beauty filter; only Mate 60 on HarmonyOS 4.2.',
    claimedSeverity: 'P2',
    diagnostics: { sdkName: 'android-sdk', sdkVersion: '4.20.1', platform: 'android', deviceModel: 'Huawei Mate 60', osVersion: 'HarmonyOS 4.2' },
  }, { status: 'OPEN' });
  const docs = await open('sh-closed', 'shanghai', customerSh, {
    subject: 'Screen-sharing sample in the docs is outdated',
    description: 'The sample still calls startScreenCapture with the 3.x signature.',
    claimedSeverity: 'P3',
  }, { status: 'CLOSED' });
  const pk = await open('sh-reopened', 'shanghai', customerSh, {
    subject: 'Co-host PK battle drops one host’s audio',
    description: 'When two hosts start a PK battle, the invited host’s audio is muted for the audience.',
    claimedSeverity: 'P2',
  }, { status: 'IN_PROGRESS' });
  const logs = await open('sh-waiting-on-customer', 'shanghai', customerSh, {
    subject: 'How do we upload SDK logs from the field?',
    description: 'Our field team needs a way to send logs from user devices.',
    claimedSeverity: 'P3',
    channel: 'EMAIL',
  }, { status: 'WAITING_ON_CUSTOMER' });
  const rtmp = await open('sh-in-progress', 'shanghai', customerSh, {
    subject: 'RTMP push fails behind a corporate proxy',
    description: 'Push to rtmp:// fails with timeout from the Pudong office; works from home networks.',
    claimedSeverity: 'P2',
    diagnostics: { sdkName: 'android-sdk', sdkVersion: '4.18.0', platform: 'android', networkType: 'wifi' },
  }, { status: 'IN_PROGRESS' });

  await advance('2026-09-28T01:20:00Z');
  await assign(danmaku, staff.engApac!.id, engApac);
  await assess(danmaku, 'P2', 'Delay only in rooms above 50k viewers, messages are delivered: P2', engApac);
  await reply(danmaku, '已收到 — we are checking the message fan-out for large rooms.', engApac);
  await gql('mutation($id: ID!, $r: String!) { disputeSeverity(ticketId: $id, reason: $r) { id } }', { id: danmaku, r: 'Our biggest streamers are affected during prime time: P1' }, customerSh);
  await assign(rtmp, staff.engApac!.id, engApac);
  await reply(rtmp, 'Please try RTMPS on port 443; many proxies block 1935.', engApac);
  await reply(rtmp, 'Internal: the customer’s proxy is likely Blue Coat; see the KB on CONNECT tunnelling.', engApac, 'INTERNAL');
  await assign(logs, staff.engEmea!.id, engEmea);
  await gql('mutation($id: ID!, $b: String!) { requestInformation(ticketId: $id, body: $b) { id } }', { id: logs, b: 'Which SDK versions does the field team run? The upload API differs before 4.19.' }, engEmea);
  await assign(docs, staff.engEmea!.id, engEmea);
  await reply(docs, 'Thanks, the sample is updated for the 4.x signature.', engEmea);
  await resolve(docs, 'Docs sample updated to the 4.x startScreenCapture signature.', 'Sample not updated in the 4.0 migration', engEmea);
  await gql('mutation($id: ID!) { closeTicket(ticketId: $id) { id } }', { id: docs }, customerSh);
  await assign(pk, staff.engApac!.id, engApac);
  await reply(pk, 'Fixed in 4.20.2: the invited host’s stream was subscribed muted.', engApac);
  await resolve(pk, 'Upgrade to 4.20.2.', 'Invited host subscribed with audio muted by default', engApac);

  await advance(DEMO_NOW);
  await gql('mutation($id: ID!, $r: String!) { reopenTicket(ticketId: $id, reason: $r) { id } }', { id: pk, r: 'Still happens on 4.20.2 when the PK starts within 5 s of joining' }, customerSh);

  const claims = [
    { id: webinarClaim, ticketKey: 'ny-p0-breached-claim-pending', status: 'PENDING' },
    { id: ingestClaim, ticketKey: 'ny-p0-breached-claim-approved', status: 'APPROVED' },
  ];
  // Waits until each ticket's read model shows its last command (projections catch up asynchronously).
  for (const ticket of tickets) await settle(() => gql<{ ticket: { status: string } | null }>(TICKET_STATE, { id: ticket.id }, admin), (data) => data.ticket?.status === ticket.expect.status);
  return { accounts, calendars, staff, tickets, claims, tokens };
}

async function settle<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 100): Promise<T> {
  let value = await read();
  for (let attempt = 1; attempt < attempts && !done(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
