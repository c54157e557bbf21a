import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

const CHECKS = `query($filter: HealthCheckFilter) { healthChecks(filter: $filter, first: 200) { totalCount edges { node { id kind status dueAt reason agenda tam { id } account { id } } } } }`;
const PEAK = 'mutation($input: DeclareTrafficPeakInput!) { declareTrafficPeak(input: $input) { id name startsAt endsAt expectedPeakUsers account { id } healthCheck { kind dueAt reason status } } }';
const ADVISORY = 'mutation($input: PublishSdkAdvisoryInput!) { publishSdkAdvisory(input: $input) { id sdkName affectedVersions fixedIn severity affectedAccounts { id } } }';
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));

// China 2026: Mid-Autumn Festival Fri 25 Sep; National Day 1–7 Oct with make-up working days Sun 20 Sep and Sat 10 Oct.
const CN_CALENDAR = {
  name: 'Shanghai 5x8, golden week',
  timeZone: 'Asia/Shanghai',
  weeklyHours: weekdays('09:00', '18:00'),
  holidayRegion: 'CN',
  holidays: ['2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workingDays: ['2026-09-20', '2026-10-10'],
};
const US_CALENDAR = { name: 'New York 5x8', timeZone: 'America/New_York', weeklyHours: weekdays('09:00', '17:00'), holidayRegion: 'US' };

describe.each(TEST_BACKENDS)('pre-holiday checks, driven by the clock (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let cnAccount: string;
  let usAccount: string;
  let plainAccount: string;
  let tamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-08-20T00:00:00Z' });
    admin = await platform.token('ADMIN');
    tamId = await registerStaff(platform, admin, { role: 'TAM' });
    const cnCalendar = await defineCalendar(platform, admin, CN_CALENDAR);
    const usCalendar = await defineCalendar(platform, admin, US_CALENDAR);
    cnAccount = await registerAccount(platform, admin, { name: 'Shanghai Live', timeZone: 'Asia/Shanghai' });
    usAccount = await registerAccount(platform, admin, { name: 'NY Streams', region: 'NA', timeZone: 'America/New_York' });
    plainAccount = await registerAccount(platform, admin, { name: 'No proactive checks' });
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: cnAccount, t: tamId }, admin));
    await signContract(platform, admin, standardContract(cnAccount, cnCalendar, { proactiveChecks: true }));
    await signContract(platform, admin, standardContract(usAccount, usCalendar, { proactiveChecks: true }));
    await signContract(platform, admin, standardContract(plainAccount, cnCalendar));
  });
  afterAll(async () => {
    await platform?.close();
  });

  const preHoliday = async (accountId: string) =>
    (await mustData(platform.gql(CHECKS, { filter: { accountId, kind: ['PRE_HOLIDAY'] } }, admin))).healthChecks.edges.map((e: any) => e.node);
  const advance = (to: string) => mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin));

  it('schedules each holiday period once, when it comes within 30 days, 5 business days ahead at 10:00 account time', async () => {
    await advance('2026-08-25T12:00:00Z'); // 25 Aug, Shanghai: Mid-Autumn (25 Sep) is 31 days away
    expect(await preHoliday(cnAccount)).toEqual([]);

    await advance('2026-08-26T12:00:00Z'); // the sweep at Shanghai midnight of 26 Aug sees 25 Sep within 30 days
    const midAutumn = await preHoliday(cnAccount);
    // 24, 23, 22, 21 Sep and the make-up Sunday 20 Sep: 10:00 Shanghai on 20 Sep.
    expect(midAutumn).toEqual([
      expect.objectContaining({ status: 'SCHEDULED', dueAt: '2026-09-20T02:00:00.000Z', tam: { id: tamId }, reason: 'Holiday period 2026-09-25 – 2026-09-27 (holidays: 2026-09-25)' }),
    ]);

    await advance('2026-09-10T12:00:00Z');
    const both = await preHoliday(cnAccount);
    // National Day week 1–7 Oct: 30, 29, 28, 24, 23 Sep (25–27 closed) → 10:00 Shanghai on 23 Sep. Never twice.
    expect(both.map((c: any) => [c.dueAt, c.reason])).toEqual([
      ['2026-09-20T02:00:00.000Z', 'Holiday period 2026-09-25 – 2026-09-27 (holidays: 2026-09-25)'],
      ['2026-09-23T02:00:00.000Z', expect.stringMatching(/^Holiday period 2026-10-01 – 2026-10-07 \(holidays: 2026-10-01, /)],
    ]);
    expect(await preHoliday(plainAccount), 'no proactive checks in the contract, none scheduled').toEqual([]);
  });

  it('schedules US Thanksgiving in New York time, and Veterans Day before it', async () => {
    const us = await preHoliday(usAccount);
    // By 10 Sep the sweep saw the Labor Day and Columbus Day weekends (Sat–Mon) come within 30 days; a
    // period starts on its first closed day, the Saturday.
    expect(us.map((c: any) => c.reason.slice(15, 38))).toEqual(['2026-09-05 – 2026-09-07', '2026-10-10 – 2026-10-12']);
    await advance('2026-10-28T12:00:00Z');
    const later = await preHoliday(usAccount);
    expect(later.map((c: any) => [c.reason.slice(15, 25), c.dueAt])).toEqual([
      ['2026-09-05', '2026-08-31T14:00:00.000Z'], // 4, 3, 2, 1 Sep, 31 Aug: Mon 31 Aug 10:00 EDT
      ['2026-10-10', '2026-10-05T14:00:00.000Z'], // 9, 8, 7, 6, 5 Oct: Mon 5 Oct 10:00 EDT
      ['2026-11-11', '2026-11-04T15:00:00.000Z'], // 10, 9, 6, 5, 4 Nov: Wed 4 Nov 10:00 EST
      ['2026-11-26', '2026-11-19T15:00:00.000Z'], // 25, 24, 23, 20, 19 Nov: Thu 19 Nov 10:00 EST
    ]);
  });

  it('marks pre-holiday checks nobody completed MISSED a day after they were due', async () => {
    const statuses = (await preHoliday(cnAccount)).map((c: any) => c.status);
    expect(statuses).toEqual(['MISSED', 'MISSED']);
    const missed = (await mustData(platform.gql(CHECKS, { filter: { status: ['MISSED'], tamId } }, admin))).healthChecks;
    expect(missed.totalCount).toBe(2);
  });
});

describe.each(TEST_BACKENDS)('pre-peak checks and SDK advisories (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let tam: string;
  let otherTam: string;
  let customer: string;
  let stranger: string;
  let proactiveA: string;
  let proactiveB: string;
  let plainC: string;
  let tamId: string;

  beforeAll(async () => {
    // Tue 20 Oct 2026, 10:00 Shanghai.
    platform = await startTestPlatform({ backend, clockStart: '2026-10-20T02:00:00Z' });
    admin = await platform.token('ADMIN');
    tamId = await registerStaff(platform, admin, { role: 'TAM' });
    const otherTamId = await registerStaff(platform, admin, { role: 'TAM', name: 'Other TAM' });
    const calendar = await defineCalendar(platform, admin, CN_CALENDAR);
    proactiveA = await registerAccount(platform, admin, { name: 'A' });
    proactiveB = await registerAccount(platform, admin, { name: 'B' });
    plainC = await registerAccount(platform, admin, { name: 'C' });
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: proactiveA, t: tamId }, admin));
    await signContract(platform, admin, standardContract(proactiveA, calendar, { proactiveChecks: true }));
    await signContract(platform, admin, standardContract(proactiveB, calendar, { proactiveChecks: true }));
    await signContract(platform, admin, standardContract(plainC, calendar));
    tam = await platform.token('TAM', { id: tamId });
    otherTam = await platform.token('TAM', { id: otherTamId });
    customer = await platform.token('CUSTOMER', { accountId: proactiveA });
    stranger = await platform.token('CUSTOMER', { accountId: plainC });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const singlesDay = { name: 'Singles’ Day live sale', startsAt: '2026-11-10T16:00:00Z', endsAt: '2026-11-11T16:00:00Z', expectedPeakUsers: 2_000_000 };

  it('schedules a PRE_PEAK check at 10:00 on the last business day at least 3 days before the peak', async () => {
    const peak = (await mustData(platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay } }, customer))).declareTrafficPeak;
    // 11 Nov minus 3 days is Sun 8 Nov: Fri 6 Nov, 10:00 Shanghai.
    expect(peak).toMatchObject({ name: 'Singles’ Day live sale', expectedPeakUsers: 2_000_000, account: { id: proactiveA }, healthCheck: { kind: 'PRE_PEAK', status: 'SCHEDULED', dueAt: '2026-11-06T02:00:00.000Z' } });
    expect(peak.healthCheck.reason).toContain('Singles’ Day live sale');
    const peaks = (await mustData(platform.gql('query($id: ID!) { account(id: $id) { trafficPeaks { id name healthCheck { dueAt } } } }', { id: proactiveA }, customer))).account.trafficPeaks;
    expect(peaks).toEqual([{ id: peak.id, name: 'Singles’ Day live sale', healthCheck: { dueAt: '2026-11-06T02:00:00.000Z' } }]);
  });

  it('falls back to one business day from now when that moment has passed, and records no check without proactive checks', async () => {
    // Declared Mon 9 Nov 12:00 Shanghai for a peak on 11 Nov: 6 Nov has passed, so Tue 10 Nov 12:00.
    await mustData(platform.gql('mutation { advanceClock(to: "2026-11-09T04:00:00Z") }', {}, admin));
    const late = (await mustData(platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay, name: 'Flash sale' } }, tam))).declareTrafficPeak;
    expect(late.healthCheck).toMatchObject({ kind: 'PRE_PEAK', dueAt: '2026-11-10T04:00:00.000Z' });
    const plain = (await mustData(platform.gql(PEAK, { input: { accountId: plainC, ...singlesDay } }, stranger))).declareTrafficPeak;
    expect(plain.healthCheck).toBeNull();
  });

  it('refuses bad peaks and other people’s accounts, recording nothing', async () => {
    const before = await eventCount(platform);
    expect(codeOf(await platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay, endsAt: singlesDay.startsAt } }, customer))).toBe('BAD_USER_INPUT');
    expect(codeOf(await platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay, startsAt: '2026-11-01T00:00:00Z' } }, customer))).toBe('BAD_USER_INPUT');
    expect(codeOf(await platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay, name: ' ' } }, customer))).toBe('BAD_USER_INPUT');
    expect(codeOf(await platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay } }, stranger))).toBe('NOT_FOUND');
    expect(codeOf(await platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay } }, otherTam))).toBe('FORBIDDEN');
    expect(codeOf(await platform.gql(PEAK, { input: { accountId: proactiveA, ...singlesDay } }, await platform.token('ENGINEER')))).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);
    const seen = (await mustData(platform.gql('query($id: ID!) { account(id: $id) { trafficPeaks { id } } }', { id: proactiveA }, stranger))).account;
    expect(seen).toBeNull();
  });

  it('matches an advisory’s semver range against the versions tickets report, and schedules SDK_UPGRADE checks', async () => {
    const open = (accountId: string, sdkVersion: string, sdkName = 'Agora RTC SDK') =>
      mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: `Audio drops on ${sdkVersion}`, description: 'd', claimedSeverity: 'P2', diagnostics: { sdkName, sdkVersion } } }, admin));
    await open(proactiveA, '4.1.2');
    await open(proactiveB, '4.3.0');
    await open(plainC, 'v4.1.0');
    await open(proactiveB, '4.1.0', 'Other SDK');
    await platform.runtime.settleReactions();

    const before = await eventCount(platform);
    const bad = await platform.gql(ADVISORY, { input: { sdkName: 'Agora RTC SDK', affectedVersions: 'banana', severity: 'P1', summary: 's' } }, admin);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'affectedVersions' });
    expect(codeOf(await platform.gql(ADVISORY, { input: { sdkName: 'Agora RTC SDK', affectedVersions: '<4.2.3', severity: 'P1', summary: 's' } }, tam))).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);

    // Mon 9 Nov 12:00 Shanghai; a P1 advisory: due in one business day.
    const advisory = (await mustData(platform.gql(ADVISORY, { input: { sdkName: 'agora rtc sdk', affectedVersions: '>=4.0.0 <4.2.3', fixedIn: '4.2.3', severity: 'P1', summary: 'Audio drops on network switch' } }, admin))).publishSdkAdvisory;
    expect(advisory.affectedAccounts.map((a: any) => a.id).sort()).toEqual([proactiveA, plainC].sort());
    const upgrades = async () =>
      (await mustData(platform.gql(CHECKS, { filter: { kind: ['SDK_UPGRADE'] } }, admin))).healthChecks.edges.map((e: any) => e.node);
    const first = await upgrades();
    expect(first).toEqual([expect.objectContaining({ account: { id: proactiveA }, dueAt: '2026-11-10T04:00:00.000Z', status: 'SCHEDULED', tam: { id: tamId } })]);
    expect(first[0].reason).toContain('>=4.0.0 <4.2.3');
    expect(first[0].agenda).toContain('4.2.3');

    // A later ticket on an affected version: B gets one; A already has one open, so no second.
    await open(proactiveB, '4.2.0');
    await open(proactiveA, '4.1.2');
    await platform.runtime.settleReactions(); // health checks react to the tickets from the log
    const second = await upgrades();
    expect(second.map((c: any) => c.account.id).sort()).toEqual([proactiveA, proactiveB].sort());
    const again = (await mustData(platform.gql('query { sdkAdvisories(sdkName: "Agora RTC SDK") { id affectedAccounts { id } } }', {}, admin))).sdkAdvisories;
    expect(again[0].affectedAccounts.map((a: any) => a.id).sort()).toEqual([proactiveA, proactiveB, plainC].sort());
    // Customers read their own account's checks only.
    const mine = (await mustData(platform.gql(CHECKS, { filter: { kind: ['SDK_UPGRADE'] } }, customer))).healthChecks;
    expect(mine.edges.map((e: any) => e.node.account.id)).toEqual([proactiveA]);

    // B had no TAM, so its check had none; the TAM it gets takes the check over.
    expect(second.find((c: any) => c.account.id === proactiveB).tam).toBeNull();
    await mustData(platform.gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: proactiveB, t: tamId }, admin));
    await platform.runtime.settleReactions();
    const assigned = (await upgrades()).find((c: any) => c.account.id === proactiveB);
    expect(assigned.tam).toEqual({ id: tamId });
  });

  it('lets the daily sweep schedule what no reactor did yet (health checks down), and the reactor catching up adds none', async () => {
    const calendarId = await defineCalendar(platform, admin, CN_CALENDAR);
    const accountD = await registerAccount(platform, admin, { name: 'D' });
    await signContract(platform, admin, standardContract(accountD, calendarId, { proactiveChecks: true }));
    // As apps/intake alone records it while the health-checks reactors are down.
    const ticketId = '6f0c1d3e-0000-4000-8000-00000000000d';
    const now = (await mustData(platform.gql('{ now }', {}, admin))).now;
    const diagnostics = { sdkName: 'Agora RTC SDK', sdkVersion: '4.2.2', platform: null, osVersion: null, deviceModel: null, networkType: null, errorCode: null, reproSteps: null, logUrls: [] };
    const opened = { ticketId, accountId: accountD, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P2', diagnostics, externalId: null, receivedAt: now, openedBy: { id: 'admin-1', role: 'ADMIN' }, openedAt: now };
    await platform.runtime.reactorRunner.stop();
    await platform.runtime.store.append(`ticket-${ticketId}`, [{ id: ticketId, type: 'TicketOpened', data: opened, metadata: { occurredAt: now, actor: { id: 'admin-1', role: 'ADMIN' }, correlationId: ticketId, causationId: null, schemaVersion: 1 } }], 'no_stream');
    await platform.runtime.settleAll();
    const forD = async () =>
      (await mustData(platform.gql(CHECKS, { filter: { accountId: accountD, kind: ['SDK_UPGRADE'] } }, admin))).healthChecks.edges.map((e: any) => e.node);
    expect(await forD()).toEqual([]);
    const before = (await mustData(platform.gql(CHECKS, { filter: { kind: ['SDK_UPGRADE'] } }, admin))).healthChecks.totalCount;
    await mustData(platform.gql('mutation { advanceClock(to: "2026-11-10T17:00:00Z") }', {}, admin)); // past Shanghai midnight
    expect(await forD()).toEqual([expect.objectContaining({ status: 'SCHEDULED', reason: expect.stringMatching(/agora rtc sdk >=4.0.0 <4.2.3/i) })]);
    const after = (await mustData(platform.gql(CHECKS, { filter: { kind: ['SDK_UPGRADE'] } }, admin))).healthChecks.totalCount;
    expect(after, 'the accounts that had one get no second').toBe(before + 1);
    await platform.runtime.reactorRunner.start();
    await platform.runtime.settleReactions();
    expect(await forD(), 'the reactor finds the check the sweep scheduled').toHaveLength(1);
  });
});
