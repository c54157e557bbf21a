import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineCalendar,
  eventCount,
  mustData,
  registerAccount,
  registerStaff,
  SHANGHAI_5X8,
  signContract,
  standardContract,
} from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

describe.each(TEST_BACKENDS)('accounts, contracts, calendars, staff and TAM handover over GraphQL (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let auditor: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-02-13T09:00:00Z' });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    auditor = await platform.token('AUDITOR');
  });
  afterAll(async () => {
    await platform?.close();
  });

  async function expectRefused(query: string, variables: Record<string, unknown>, token: string, code: string, field?: RegExp) {
    const before = await eventCount(platform);
    const result = await platform.gql(query, variables, token);
    expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result.errors)).toBe(code);
    if (field) expect(String(result.errors?.[0]?.extensions?.['field'] ?? result.errors?.[0]?.message)).toMatch(field);
    expect(result.data?.[Object.keys(result.data ?? {})[0] ?? ''] ?? null).toBeNull();
    expect(await eventCount(platform), 'a refused write records nothing').toBe(before);
  }

  describe('business calendars', () => {
    const define = 'mutation($input: DefineCalendarInput!) { defineCalendar(input: $input) { id version } }';

    it('defines a calendar, computes with it, and versions amendments', async () => {
      const id = await defineCalendar(platform, admin);
      const query = `query($id: ID!) { calendar(id: $id) {
        id name version timeZone holidayRegion weeklyHours { weekday start end }
        closedDays(from: "2026-09-30", to: "2026-10-05")
        openFriday: isOpenAt(at: "2026-03-06T02:00:00Z")
        closedNight: isOpenAt(at: "2026-03-06T12:00:00Z")
        springFestival: closedDays(from: "2026-02-16", to: "2026-02-18")
        addBusinessMinutes(from: "2026-03-06T09:30:00Z", minutes: 60)
        businessMinutesBetween(from: "2026-03-06T00:00:00Z", to: "2026-03-09T02:00:00Z") } }`;
      const { calendar } = await mustData(platform.gql(query, { id }, engineer));
      expect(calendar).toMatchObject({
        id,
        name: 'Shanghai 5x8',
        version: 1,
        timeZone: 'Asia/Shanghai',
        holidayRegion: 'CN',
        openFriday: true,
        closedNight: false,
        // Friday 17:30 Shanghai + 60 business minutes: 30 on Friday, 30 from Monday 09:00.
        addBusinessMinutes: '2026-03-09T01:30:00.000Z',
        // Friday 08:00-18:00 Shanghai counts 9 hours; Monday 09:00-10:00 one more.
        businessMinutesBetween: 600,
      });
      expect(calendar.closedDays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']));
      expect(calendar.closedDays).not.toContain('2026-09-30');
      expect(calendar.weeklyHours).toHaveLength(5);
      // Spring Festival 2026 (date-holidays' CN data): the Monday before it is open, the festival days closed.
      expect(calendar.springFestival).toEqual(expect.arrayContaining(['2026-02-17', '2026-02-18']));

      const amended = await mustData(
        platform.gql(
          'mutation($id: ID!) { amendCalendar(id: $id, input: { addHolidays: ["2026-02-16"], addWorkingDays: ["2026-02-14"] }) { version holidays workingDays isOpenAt(at: "2026-02-14T02:00:00Z") } }',
          { id },
          admin,
        ),
      );
      expect(amended.amendCalendar).toEqual({ version: 2, holidays: ['2026-02-16'], workingDays: ['2026-02-14'], isOpenAt: true });
    });

    it.each([
      ['an unknown zone', { timeZone: 'Mars/Olympus' }, /timeZone/],
      ['25:00', { weeklyHours: [{ weekday: 1, start: '09:00', end: '25:00' }] }, /weeklyHours\[0\]\.end/],
      ['weekday 8', { weeklyHours: [{ weekday: 8, start: '09:00', end: '17:00' }] }, /weeklyHours\[0\]\.weekday/],
      ['end before start', { weeklyHours: [{ weekday: 1, start: '17:00', end: '09:00' }] }, /weeklyHours\[0\]/],
      ['an unknown holiday region', { holidayRegion: 'XX' }, /holidayRegion/],
      ['a blank name', { name: '  ' }, /name/],
    ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_, change, field) => {
      await expectRefused(define, { input: { ...SHANGHAI_5X8, ...change } }, admin, 'BAD_USER_INPUT', field);
    });

    it('refuses a malformed date at the edge', async () => {
      await expectRefused(define, { input: { ...SHANGHAI_5X8, holidays: ['2026-13-01'] } }, admin, 'BAD_USER_INPUT');
    });

    it('lets only an ADMIN define or amend, and answers NOT_FOUND for an unknown calendar', async () => {
      await expectRefused(define, { input: SHANGHAI_5X8 }, engineer, 'FORBIDDEN');
      await expectRefused(
        'mutation { amendCalendar(id: "nope", input: { addHolidays: ["2026-05-01"] }) { id } }',
        {},
        admin,
        'NOT_FOUND',
      );
      expect((await platform.gql('{ calendar(id: "nope") { id } }', {}, engineer)).data).toEqual({ calendar: null });
    });
  });

  describe('accounts, staff, TAMs and contracts', () => {
    let calendarId: string;
    let accountId: string;
    let otherAccountId: string;
    let tamA: string;
    let tamB: string;

    beforeAll(async () => {
      calendarId = await defineCalendar(platform, admin);
      accountId = await registerAccount(platform, admin, { name: 'Live Commerce Ltd', emailDomains: ['LiveCommerce.example'] });
      otherAccountId = await registerAccount(platform, admin, { name: 'Other Tenant', region: 'EMEA', timeZone: 'Europe/London' });
      tamA = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam A' });
      tamB = await registerStaff(platform, admin, { role: 'TAM', name: 'Tam B' });
    });

    it('registers an account and shows it to staff and to its own customer only', async () => {
      const query = 'query($id: ID!) { account(id: $id) { id name region timeZone emailDomains } }';
      const own = await platform.token('CUSTOMER', { accountId });
      expect((await mustData(platform.gql(query, { id: accountId }, own))).account).toEqual({
        id: accountId,
        name: 'Live Commerce Ltd',
        region: 'APAC',
        timeZone: 'Asia/Shanghai',
        emailDomains: ['livecommerce.example'],
      });
      const stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
      const denied = await platform.gql(query, { id: accountId }, stranger);
      expect(denied.errors).toBeUndefined();
      expect(denied.data).toEqual({ account: null });
      expect((await mustData(platform.gql(query, { id: accountId }, auditor))).account.id).toBe(accountId);
    });

    it('pages through accounts for staff with stable cursors; customers are refused', async () => {
      const page = 'query($after: String) { accounts(first: 1, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
      const first = (await mustData(platform.gql(page, {}, engineer))).accounts;
      expect(first.totalCount).toBeGreaterThanOrEqual(2);
      expect(first.edges).toHaveLength(1);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = (await mustData(platform.gql(page, { after: first.pageInfo.endCursor }, engineer))).accounts;
      expect(second.edges[0].node.id).not.toBe(first.edges[0].node.id);
      const customer = await platform.token('CUSTOMER', { accountId });
      expect((await platform.gql(page, {}, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await platform.gql(page, { after: 'garbage' }, engineer)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('refuses bad account input and non-admins', async () => {
      const register = 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { id } }';
      await expectRefused(register, { input: { name: 'X', region: 'APAC', timeZone: 'Asia/Beijing' } }, admin, 'BAD_USER_INPUT', /timeZone/);
      await expectRefused(register, { input: { name: 'X', region: 'APAC', timeZone: 'UTC', emailDomains: ['not a domain'] } }, admin, 'BAD_USER_INPUT', /emailDomains/);
      await expectRefused(register, { input: { name: 'X', region: 'APAC', timeZone: 'UTC' } }, engineer, 'FORBIDDEN');
    });

    it('registers staff and refuses other roles, unknown calendars and non-admins', async () => {
      const query = 'query($id: ID!) { staffMember(id: $id) { id name role regions skills } }';
      const engineerId = await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Eng', skills: ['iOS', 'Android'], calendarId });
      expect((await mustData(platform.gql(query, { id: engineerId }, engineer))).staffMember).toEqual({
        id: engineerId,
        name: 'Eng',
        role: 'ENGINEER',
        regions: ['APAC'],
        skills: ['iOS', 'Android'],
      });
      const register = 'mutation($input: RegisterStaffInput!) { registerStaff(input: $input) { id } }';
      await expectRefused(register, { input: { name: 'A', role: 'AUDITOR', regions: [], skills: [] } }, admin, 'BAD_USER_INPUT', /role/);
      await expectRefused(register, { input: { name: 'A', role: 'ENGINEER', regions: [], skills: [], calendarId: 'nope' } }, admin, 'BAD_USER_INPUT', /calendarId/);
      await expectRefused(register, { input: { name: 'A', role: 'ENGINEER', regions: [], skills: [] } }, engineer, 'FORBIDDEN');
      const customer = await platform.token('CUSTOMER', { accountId });
      expect((await platform.gql(query, { id: engineerId }, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('assigns a TAM and hands the account over with notes only staff can read', async () => {
      const assign = 'mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { tam { id name } } }';
      expect((await mustData(platform.gql(assign, { a: accountId, t: tamA }, admin))).assignTam.tam).toEqual({ id: tamA, name: 'Tam A' });
      const engineerId = await registerStaff(platform, admin, { role: 'ENGINEER' });
      await expectRefused(assign, { a: accountId, t: engineerId }, admin, 'BAD_USER_INPUT', /tamId/);
      await expectRefused(assign, { a: accountId, t: tamB }, engineer, 'FORBIDDEN');

      const handOver = 'mutation($a: ID!, $t: ID!, $n: String!) { handOverAccount(accountId: $a, toTamId: $t, notes: $n) { tam { id } } }';
      const tamBToken = await platform.token('TAM', { id: tamB });
      await expectRefused(handOver, { a: accountId, t: tamB, n: 'taking it' }, tamBToken, 'FORBIDDEN');
      await expectRefused(handOver, { a: accountId, t: tamB, n: '   ' }, admin, 'BAD_USER_INPUT', /notes/);
      const tamAToken = await platform.token('TAM', { id: tamA });
      const notes = 'Singles’ Day peak on 11-11; their Android SDK is pinned to 4.1.2; escalate audio issues to the media team.';
      expect((await mustData(platform.gql(handOver, { a: accountId, t: tamB, n: notes }, tamAToken))).handOverAccount.tam.id).toBe(tamB);

      const history = 'query($id: ID!) { account(id: $id) { tamHistory { tam { id } from to handoverNotes } } }';
      const seenByStaff = (await mustData(platform.gql(history, { id: accountId }, auditor))).account.tamHistory;
      expect(seenByStaff).toEqual([
        { tam: { id: tamA }, from: '2026-02-13T09:00:00.000Z', to: '2026-02-13T09:00:00.000Z', handoverNotes: null },
        { tam: { id: tamB }, from: '2026-02-13T09:00:00.000Z', to: null, handoverNotes: notes },
      ]);
      const customer = await platform.token('CUSTOMER', { accountId });
      const seenByCustomer = (await mustData(platform.gql(history, { id: accountId }, customer))).account.tamHistory;
      expect(seenByCustomer.map((row: { handoverNotes: string | null }) => row.handoverNotes)).toEqual([null, null]);
    });

    it('signs versioned contracts; the one in force is the latest already effective', async () => {
      const v1 = await signContract(platform, admin, standardContract(accountId, calendarId));
      expect(v1.version).toBe(1);
      const v2 = await signContract(platform, admin, standardContract(accountId, calendarId, { plan: 'Next year', effectiveFrom: '2027-01-01T00:00:00Z' }));
      expect(v2.version).toBe(2);
      const query = `query($id: ID!) { account(id: $id) {
        contract { version plan warningAtPercent proactiveChecks monthlyFee { amount currency } calendar { id } account { id }
          targets { severity channel coverage firstResponseMinutes nextUpdateMinutes resolutionMinutes } channels credits { severity metric percentOfMonthlyFee } }
        contracts { version plan effectiveFrom } } }`;
      const { account } = await mustData(platform.gql(query, { id: accountId }, admin));
      expect(account.contract).toMatchObject({
        version: 1,
        plan: 'Enterprise 7x24',
        warningAtPercent: 75,
        proactiveChecks: false,
        monthlyFee: { amount: 10000, currency: 'USD' },
        calendar: { id: calendarId },
        account: { id: accountId },
      });
      expect(account.contract.targets[0]).toEqual({ severity: 'P0', channel: null, coverage: 'ALWAYS', firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 });
      expect(account.contracts.map((c: { version: number }) => c.version)).toEqual([1, 2]);
      const stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
      expect((await platform.gql(query, { id: accountId }, stranger)).data).toEqual({ account: null });
    });

    it.each([
      ['a missing P3 target', (c: any) => ({ ...c, targets: c.targets.filter((t: { severity: string }) => t.severity !== 'P3') }), /targets/],
      ['zero minutes', (c: any) => ({ ...c, targets: [{ ...c.targets[0], firstResponseMinutes: 0 }, ...c.targets.slice(1)] }), /targets\[0\]\.firstResponseMinutes/],
      ['warningAtPercent 100', (c: any) => ({ ...c, warningAtPercent: 100 }), /warningAtPercent/],
      ['a credit over 100%', (c: any) => ({ ...c, credits: [{ severity: 'P0', metric: 'RESOLUTION', percentOfMonthlyFee: 120 }] }), /credits\[0\]/],
      ['a cap over 100%', (c: any) => ({ ...c, creditCapPercent: 101 }), /creditCapPercent/],
      ['no channels', (c: any) => ({ ...c, channels: [] }), /channels/],
      ['an unknown currency', (c: any) => ({ ...c, currency: 'XYZ' }), /currency/],
      ['an unknown calendar', (c: any) => ({ ...c, calendarId: 'nope' }), /calendarId/],
      ['a repeated target', (c: any) => ({ ...c, targets: [...c.targets, c.targets[0]] }), /targets\[4\]/],
    ])('refuses a contract with %s, naming the field, writing nothing', async (_, change, field) => {
      const input = change(standardContract(accountId, calendarId));
      await expectRefused('mutation($input: SignContractInput!) { signContract(input: $input) { id } }', { input }, admin, 'BAD_USER_INPUT', field);
    });

    it('refuses contracts for unknown accounts and from non-admins', async () => {
      const sign = 'mutation($input: SignContractInput!) { signContract(input: $input) { id } }';
      await expectRefused(sign, { input: standardContract('nope', calendarId) }, admin, 'NOT_FOUND');
      await expectRefused(sign, { input: standardContract(accountId, calendarId) }, await platform.token('TAM', { id: tamB }), 'FORBIDDEN');
    });
  });
});
