import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const CHECK_FIELDS = 'id kind status dueAt recurrence agenda reason completedAt summary tam { id } account { id } findings { severity summary recommendation ticket { id channel claimedSeverity } }';
const SCHEDULE = `mutation($input: ScheduleHealthCheckInput!) { scheduleHealthCheck(input: $input) { ${CHECK_FIELDS} } }`;
const COMPLETE = `mutation($id: ID!, $input: CompleteHealthCheckInput!) { completeHealthCheck(id: $id, input: $input) { ${CHECK_FIELDS} } }`;
const CHECKS = `query($filter: HealthCheckFilter, $first: Int, $after: String) { healthChecks(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${CHECK_FIELDS} } } } }`;
const AGENDA = 'query($tamId: ID!, $from: DateTime!, $to: DateTime!) { tamAgenda(tamId: $tamId, from: $from, to: $to) { id dueAt kind } }';

describe.each(TEST_BACKENDS)('health checks: scheduling, recurrence, completion, missed, handover, agenda (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let tamA: string;
  let tamB: string;
  let tamAId: string;
  let tamBId: string;
  let engineer: string;
  let customer: string;
  let stranger: string;
  let accountId: string;
  let otherAccountId: string;

  beforeAll(async () => {
    // Mon 2 Nov 2026, 09:00 Shanghai.
    platform = await startTestPlatform({ backend, clockStart: '2026-11-02T01:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin, { name: 'Livestream Co' });
    otherAccountId = await registerAccount(platform, admin, { name: 'Other Co' });
    await signContract(platform, admin, standardContract(accountId, calendarId, { effectiveFrom: '2026-01-01T00:00:00Z' }));
    await signContract(platform, admin, standardContract(otherAccountId, calendarId, { effectiveFrom: '2026-01-01T00:00:00Z' }));
    tamAId = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam A' });
    tamBId = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam B' });
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accountId, t: tamAId }, admin));
    tamA = await platform.token('TAM', { id: tamAId });
    tamB = await platform.token('TAM', { id: tamBId });
    engineer = await platform.token('ENGINEER');
    customer = await platform.token('CUSTOMER', { accountId });
    stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const schedule = (token: string, input: Record<string, unknown>) =>
    platform.gql(SCHEDULE, { input: { accountId, kind: 'PERIODIC', dueAt: '2026-11-03T02:00:00Z', agenda: 'Quarterly review', ...input } }, token);
  const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

  it('lets the account’s TAM or an ADMIN schedule, and refuses everyone else and bad input, writing nothing', async () => {
    const before = await eventCount(platform);
    expect(codeOf(await schedule(tamB, {}))).toBe('FORBIDDEN'); // not this account's TAM
    expect(codeOf(await schedule(engineer, {}))).toBe('FORBIDDEN');
    expect(codeOf(await schedule(customer, {}))).toBe('FORBIDDEN');
    expect(codeOf(await schedule(tamA, { recurrence: 'FREQ=SOMETIMES' }))).toBe('BAD_USER_INPUT');
    expect((await schedule(tamA, { recurrence: 'FREQ=HOURLY' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'recurrence' });
    // Rules that would spin the timer loop, never occur, or slip below daily: refused naming the part, nothing scheduled.
    for (const [recurrence, part] of [['FREQ=DAILY;INTERVAL=-1', 'INTERVAL'], ['FREQ=MONTHLY;COUNT=0', 'COUNT'], ['FREQ=DAILY;BYHOUR=9,17', 'BYHOUR'], ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'BYMONTHDAY'], ['FREQ=WEEKLY;UNTIL=20200101T000000Z', 'UNTIL']]) {
      const refused = (await schedule(tamA, { recurrence })).errors?.[0];
      expect(refused?.extensions, recurrence).toMatchObject({ code: 'BAD_USER_INPUT', field: 'recurrence' });
      expect(refused?.message, recurrence).toContain(part);
    }
    // Rules no static check catches (a Tuesday series stepping 7 days never meets Monday; February has no
    // 30th-from-last day): rrule would scan to the year 9999 on the event loop. The search runs off it, bounded.
    for (const recurrence of ['FREQ=DAILY;INTERVAL=7;BYDAY=MO', 'FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=-30']) {
      const order: string[] = [];
      const refusal = schedule(tamA, { recurrence }).then((result) => (order.push('refused'), result));
      await fetch(`${platform.url}/health/live`).then(() => order.push('health answered'));
      const refused = (await refusal).errors?.[0];
      expect(refused?.extensions, recurrence).toMatchObject({ code: 'BAD_USER_INPUT', field: 'recurrence' });
      expect(refused?.message, recurrence).toMatch(/no occurrence after the first check/);
      expect(order, 'the platform answers while the rule is searched').toEqual(['health answered', 'refused']);
    }
    expect(codeOf(await schedule(tamA, { agenda: '   ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await schedule(tamA, { dueAt: '2026-11-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await schedule(admin, { accountId: 'no-such-account' }))).toBe('NOT_FOUND');
    expect(await eventCount(platform), 'refused schedules record nothing').toBe(before);
  });

  it('completes a recurring check with findings: tickets for the findings asked, the next occurrence in the account’s zone', async () => {
    // First Tuesday of November, 10:00 Shanghai.
    const check = (await mustData(schedule(tamA, { recurrence: 'FREQ=MONTHLY;BYDAY=1TU', agenda: 'Monthly health review' }))).scheduleHealthCheck;
    expect(check).toMatchObject({ kind: 'PERIODIC', status: 'SCHEDULED', dueAt: '2026-11-03T02:00:00.000Z', recurrence: 'FREQ=MONTHLY;BYDAY=+1TU', tam: { id: tamAId } });

    const input = {
      summary: 'Reviewed dashboards and SDK versions',
      findings: [
        { severity: 'P1', summary: 'Android clients on 4.1.2 drop audio on network switch', recommendation: 'Upgrade to 4.2.3', openTicket: true },
        { severity: 'P3', summary: 'Logs not uploaded', recommendation: 'Enable log upload' },
      ],
    };
    expect(codeOf(await platform.gql(COMPLETE, { id: check.id, input }, tamB))).toBe('FORBIDDEN');
    expect(codeOf(await platform.gql(COMPLETE, { id: check.id, input }, engineer))).toBe('FORBIDDEN');
    const before = await eventCount(platform);
    expect(codeOf(await platform.gql(COMPLETE, { id: check.id, input: { ...input, findings: [{ ...input.findings[0], recommendation: '' }] } }, tamA))).toBe('BAD_USER_INPUT');
    expect(await eventCount(platform), 'a refused completion opens no ticket').toBe(before);
    // Text no store can keep (a NUL in the summary): refused before anything runs, so before any finding's ticket.
    const unstorable = await platform.gql(COMPLETE, { id: check.id, input: { ...input, summary: 'Reviewed\u0000 dashboards' } }, tamA);
    expect(unstorable.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.input.summary' });
    expect(await eventCount(platform), 'a completion with unstorable text opens no ticket').toBe(before);

    const done = (await mustData(platform.gql(COMPLETE, { id: check.id, input }, tamA))).completeHealthCheck;
    expect(done).toMatchObject({ status: 'COMPLETED', completedAt: '2026-11-02T01:00:00.000Z', summary: 'Reviewed dashboards and SDK versions' });
    expect(done.findings[0]).toMatchObject({ severity: 'P1', ticket: { channel: 'HEALTH_CHECK', claimedSeverity: 'P1' } });
    const [opened] = await platform.runtime.store.readStream(`ticket-${done.findings[0].ticket.id}`);
    expect(opened!.data).toMatchObject({ subject: 'Android clients on 4.1.2 drop audio on network switch', openedBy: { id: tamAId, role: 'TAM' } });
    expect(done.findings[1]).toMatchObject({ severity: 'P3', ticket: null });
    expect(codeOf(await platform.gql(COMPLETE, { id: check.id, input }, tamA))).toBe('BAD_USER_INPUT');

    const scheduled = (await mustData(platform.gql(CHECKS, { filter: { accountId, status: ['SCHEDULED'] } }, admin))).healthChecks;
    expect(scheduled.edges.map((e: any) => [e.node.dueAt, e.node.agenda, e.node.recurrence])).toEqual([
      ['2026-12-01T02:00:00.000Z', 'Monthly health review', 'FREQ=MONTHLY;BYDAY=+1TU'],
    ]);
    // The customer sees the finding's ticket: it is their own account's.
    const asCustomer = (await mustData(platform.gql(`query($id: ID!) { healthCheck(id: $id) { findings { ticket { id } } } }`, { id: check.id }, customer))).healthCheck;
    expect(asCustomer.findings[0].ticket.id).toBe(done.findings[0].ticket.id);
  });

  it('shows customers their own account’s checks only, agenda text included', async () => {
    const mine = (await mustData(platform.gql(CHECKS, {}, customer))).healthChecks;
    expect(mine.totalCount).toBe(2);
    expect(mine.edges.every((e: any) => e.node.account.id === accountId && e.node.agenda === 'Monthly health review')).toBe(true);
    expect((await mustData(platform.gql(CHECKS, {}, stranger))).healthChecks.totalCount).toBe(0);
    expect((await mustData(platform.gql(CHECKS, { filter: { accountId } }, stranger))).healthChecks.edges).toEqual([]);
    const id = mine.edges[0].node.id;
    expect((await mustData(platform.gql('query($id: ID!) { healthCheck(id: $id) { id } }', { id }, stranger))).healthCheck).toBeNull();
    expect(codeOf(await platform.gql(COMPLETE, { id, input: { summary: 's', findings: [] } }, stranger))).toBe('FORBIDDEN');
  });

  it('pages by due time with stable cursors', async () => {
    for (const day of ['10', '11', '12']) await mustData(schedule(tamA, { dueAt: `2026-11-${day}T02:00:00Z`, agenda: `Check ${day}` }));
    const first = (await mustData(platform.gql(CHECKS, { filter: { accountId, status: ['SCHEDULED'] }, first: 2 }, admin))).healthChecks;
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await mustData(platform.gql(CHECKS, { filter: { accountId, status: ['SCHEDULED'] }, first: 2, after: first.pageInfo.endCursor }, admin))).healthChecks;
    expect([...first.edges, ...second.edges].map((e: any) => e.node.dueAt)).toEqual([
      '2026-11-10T02:00:00.000Z',
      '2026-11-11T02:00:00.000Z',
      '2026-11-12T02:00:00.000Z',
      '2026-12-01T02:00:00.000Z',
    ]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const dueBefore = (await mustData(platform.gql(CHECKS, { filter: { accountId, dueBefore: '2026-11-11T02:00:00Z', status: ['SCHEDULED'] } }, admin))).healthChecks;
    expect(dueBefore.totalCount).toBe(1);
  });

  it('serves the TAM’s agenda to that TAM or an ADMIN, and shows the next check-in in the account’s health', async () => {
    const range = { tamId: tamAId, from: '2026-11-01T00:00:00Z', to: '2026-12-31T00:00:00Z' };
    const agenda = (await mustData(platform.gql(AGENDA, range, tamA))).tamAgenda;
    expect(agenda.map((c: any) => c.dueAt)).toEqual(['2026-11-10T02:00:00.000Z', '2026-11-11T02:00:00.000Z', '2026-11-12T02:00:00.000Z', '2026-12-01T02:00:00.000Z']);
    expect((await mustData(platform.gql(AGENDA, { ...range, to: '2026-11-11T02:00:00Z' }, admin))).tamAgenda).toHaveLength(1);
    expect(codeOf(await platform.gql(AGENDA, range, tamB))).toBe('FORBIDDEN');
    expect(codeOf(await platform.gql(AGENDA, range, customer))).toBe('FORBIDDEN');
    expect(codeOf(await platform.gql(AGENDA, { ...range, to: range.from }, admin))).toBe('BAD_USER_INPUT');
    const health = (await mustData(platform.gql('query($id: ID!) { account(id: $id) { health { nextCheckIn { dueAt agenda } } } }', { id: accountId }, customer))).account.health;
    expect(health.nextCheckIn).toEqual({ dueAt: '2026-11-10T02:00:00.000Z', agenda: 'Check 10' });
    const other = (await mustData(platform.gql('query($id: ID!) { account(id: $id) { health { nextCheckIn { id } } } }', { id: otherAccountId }, admin))).account.health;
    expect(other.nextCheckIn).toBeNull();
  });

  it('serves the agenda as iCalendar with a bearer token or a revocable feed token, and to nobody else', async () => {
    const ics = (token?: string, query = '') =>
      fetch(`${platform.url}/tams/${tamAId}/agenda.ics${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const response = await ics(tamA);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
    expect(events.map((event) => event.startDate.toJSDate().toISOString())).toEqual([
      '2026-11-10T02:00:00.000Z',
      '2026-11-11T02:00:00.000Z',
      '2026-11-12T02:00:00.000Z',
      '2026-12-01T02:00:00.000Z',
    ]);
    expect(events[0]!.summary).toBe('Check-in: Livestream Co');
    expect(events[0]!.description).toContain('Check 10');
    expect(events[3]!.description).toContain('Repeats: FREQ=MONTHLY;BYDAY=+1TU');
    expect(new Set(events.map((event) => event.uid)).size).toBe(4);

    expect((await ics(admin)).status).toBe(200);
    expect((await ics()).status).toBe(401);
    expect((await ics(tamB)).status).toBe(403);
    expect((await ics(customer)).status).toBe(403);
    expect((await fetch(`${platform.url}/tams/no-such-tam/agenda.ics`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(404);

    expect(codeOf(await platform.gql('mutation($t: ID!) { issueAgendaFeedToken(tamId: $t) { id } }', { t: tamAId }, tamB))).toBe('FORBIDDEN');
    const issued = (await mustData(platform.gql('mutation($t: ID!) { issueAgendaFeedToken(tamId: $t) { id token url } }', { t: tamAId }, tamA))).issueAgendaFeedToken;
    expect(issued.token).toMatch(/^ldf_[A-Za-z0-9_-]{43}$/);
    const viaFeed = await fetch(`${platform.url}${issued.url}`);
    expect(viaFeed.status).toBe(200);
    expect(await viaFeed.text()).toContain('BEGIN:VCALENDAR');
    // The log keeps the token's hash, never the token.
    const log = JSON.stringify((await platform.runtime.store.readStream(`agendafeed-${tamAId}`)).map((event) => event.data));
    expect(log).not.toContain(issued.token);
    // Another TAM's feed or a guessed token reveal nothing.
    expect((await fetch(`${platform.url}/tams/${tamBId}/agenda.ics?token=${issued.token}`)).status).toBe(404);
    expect((await ics(undefined, '?token=ldf_guess')).status).toBe(404);
    const listed = (await mustData(platform.gql('query($t: ID!) { agendaFeedTokens(tamId: $t) { id token revokedAt } }', { t: tamAId }, admin))).agendaFeedTokens;
    expect(listed).toEqual([{ id: issued.id, token: null, revokedAt: null }]);
    await mustData(platform.gql('mutation($t: ID!, $id: ID!) { revokeAgendaFeedToken(tamId: $t, id: $id) { id revokedAt } }', { t: tamAId, id: issued.id }, tamA));
    expect((await fetch(`${platform.url}${issued.url}`)).status).toBe(404);
  });

  it('moves every SCHEDULED check to the new TAM on handover; completed ones stay with who did them', async () => {
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { handOverAccount(accountId: $a, toTamId: $t, notes: "Tam A moves to EMEA") { id } }', { a: accountId, t: tamBId }, tamA));
    await platform.runtime.settleReactions(); // the handover reactor moves them, from the log
    const all = (await mustData(platform.gql(CHECKS, { filter: { accountId } }, admin))).healthChecks.edges.map((e: any) => e.node);
    expect(all.filter((c: any) => c.status === 'SCHEDULED').every((c: any) => c.tam.id === tamBId)).toBe(true);
    expect(all.filter((c: any) => c.status === 'COMPLETED').map((c: any) => c.tam.id)).toEqual([tamAId]);
    expect((await mustData(platform.gql(AGENDA, { tamId: tamBId, from: '2026-11-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }, tamB))).tamAgenda).toHaveLength(4);
    expect((await mustData(platform.gql(AGENDA, { tamId: tamAId, from: '2026-11-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }, tamA))).tamAgenda).toHaveLength(0);
  });

  it('lets the check’s TAM or an ADMIN cancel a scheduled check; a series moves on unless it is ended', async () => {
    const CANCEL = 'mutation($id: ID!, $reason: String!, $end: Boolean) { cancelHealthCheck(id: $id, reason: $reason, endSeries: $end) { id status } }';
    const weekly = (await mustData(schedule(admin, { dueAt: '2026-11-20T02:00:00Z', recurrence: 'FREQ=WEEKLY', agenda: 'Weekly sync' }))).scheduleHealthCheck;
    expect(weekly.tam.id).toBe(tamBId);
    expect(codeOf(await platform.gql(CANCEL, { id: weekly.id, reason: 'not mine' }, tamA))).toBe('FORBIDDEN');
    expect(codeOf(await platform.gql(CANCEL, { id: weekly.id, reason: 'mine' }, customer))).toBe('FORBIDDEN');
    expect(codeOf(await platform.gql(CANCEL, { id: weekly.id, reason: ' ' }, tamB))).toBe('BAD_USER_INPUT');
    expect((await mustData(platform.gql(CANCEL, { id: weekly.id, reason: 'Customer on holiday' }, tamB))).cancelHealthCheck.status).toBe('CANCELLED');
    expect(codeOf(await platform.gql(CANCEL, { id: weekly.id, reason: 'again' }, tamB))).toBe('BAD_USER_INPUT');
    const series = async () =>
      (await mustData(platform.gql(CHECKS, { filter: { accountId, kind: ['PERIODIC'] } }, admin))).healthChecks.edges.map((e: any) => e.node).filter((c: any) => c.agenda === 'Weekly sync');
    const next = (await series()).find((c: any) => c.status === 'SCHEDULED');
    expect(next.dueAt).toBe('2026-11-27T02:00:00.000Z');
    await mustData(platform.gql(CANCEL, { id: next.id, reason: 'Account paused check-ins', end: true }, admin));
    expect((await series()).map((c: any) => [c.dueAt, c.status])).toEqual([
      ['2026-11-20T02:00:00.000Z', 'CANCELLED'],
      ['2026-11-27T02:00:00.000Z', 'CANCELLED'],
    ]);
  });

  it('marks a check not completed within 24 hours of its due time MISSED, by the clock, and moves a series on', async () => {
    // Due 10 Nov 02:00Z: still SCHEDULED at 11 Nov 01:59Z, MISSED from 02:00Z.
    await mustData(platform.gql('mutation { advanceClock(to: "2026-11-11T01:59:00Z") }', {}, admin));
    const missed = { filter: { accountId, status: ['MISSED'] } };
    expect((await mustData(platform.gql(CHECKS, missed, admin))).healthChecks.totalCount).toBe(0);
    await mustData(platform.gql('mutation { advanceClock(to: "2026-11-11T02:00:00Z") }', {}, admin));
    const after = (await mustData(platform.gql(CHECKS, missed, admin))).healthChecks;
    expect(after.edges.map((e: any) => [e.node.agenda, e.node.status])).toEqual([['Check 10', 'MISSED']]);
    const id = after.edges[0].node.id;
    expect(codeOf(await platform.gql(COMPLETE, { id, input: { summary: 'late', findings: [] } }, tamB))).toBe('BAD_USER_INPUT');

    // The monthly check due 1 Dec is missed too; its series continues on 5 Jan (first Tuesday), still with Tam B.
    await mustData(platform.gql('mutation { advanceClock(to: "2026-12-02T03:00:00Z") }', {}, admin));
    const series = (await mustData(platform.gql(CHECKS, { filter: { accountId, kind: ['PERIODIC'], dueBefore: '2027-02-01T00:00:00Z' } }, admin))).healthChecks.edges
      .map((e: any) => e.node)
      .filter((c: any) => c.agenda === 'Monthly health review');
    expect(series.map((c: any) => [c.dueAt, c.status])).toEqual([
      ['2026-11-03T02:00:00.000Z', 'COMPLETED'],
      ['2026-12-01T02:00:00.000Z', 'MISSED'],
      ['2027-01-05T02:00:00.000Z', 'SCHEDULED'],
    ]);
    expect(series[2].tam.id).toBe(tamBId);
  });

  it('rebuilds the health-checks read model from the log to the same rows', async () => {
    const snapshot = async () => {
      const rows: Record<string, string[]> = {};
      for (const table of ['checks', 'traffic_peaks', 'advisories', 'feed_tokens']) {
        const result = await platform.runtime.readDb.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM health_checks.${table} t`);
        rows[table] = result.map((r) => r.row).sort();
      }
      return rows;
    };
    await platform.runtime.settleAll();
    const live = await snapshot();
    expect(live.checks!.length).toBeGreaterThan(5);
    await platform.runtime.projectionRunner.rebuild('health-checks');
    expect(await snapshot()).toEqual(live);
  });
});
