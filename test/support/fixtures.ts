import type { TestPlatform } from './test-platform.js';

/** Building blocks for end-to-end tests: each call goes through the public GraphQL API as an ADMIN. */
export async function mustData<T = Record<string, any>>(promise: Promise<{ data?: any; errors?: unknown[] }>): Promise<T> {
  const result = await promise;
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

export const SHANGHAI_5X8 = {
  name: 'Shanghai 5x8',
  timeZone: 'Asia/Shanghai',
  weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
  holidayRegion: 'CN',
};

export async function defineCalendar(platform: TestPlatform, admin: string, input: Record<string, unknown> = SHANGHAI_5X8): Promise<string> {
  const data = await mustData(
    platform.gql('mutation($input: DefineCalendarInput!) { defineCalendar(input: $input) { id } }', { input }, admin),
  );
  return data.defineCalendar.id;
}

export async function registerAccount(platform: TestPlatform, admin: string, input: Record<string, unknown> = {}): Promise<string> {
  const data = await mustData(
    platform.gql(
      'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { id } }',
      { input: { name: 'Livestream Co', region: 'APAC', timeZone: 'Asia/Shanghai', ...input } },
      admin,
    ),
  );
  return data.registerAccount.id;
}

export async function registerStaff(
  platform: TestPlatform,
  admin: string,
  input: { name?: string; role: 'ENGINEER' | 'TAM'; regions?: string[]; skills?: string[]; calendarId?: string },
): Promise<string> {
  const data = await mustData(
    platform.gql(
      'mutation($input: RegisterStaffInput!) { registerStaff(input: $input) { id } }',
      { input: { name: `${input.role} person`, regions: ['APAC'], skills: [], ...input } },
      admin,
    ),
  );
  return data.registerStaff.id;
}

export function standardContract(accountId: string, calendarId: string, overrides: Record<string, unknown> = {}) {
  return {
    accountId,
    plan: 'Enterprise 7x24',
    calendarId,
    targets: [
      { severity: 'P0', coverage: 'ALWAYS', firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
      { severity: 'P1', coverage: 'ALWAYS', firstResponseMinutes: 60, nextUpdateMinutes: 240, resolutionMinutes: 1440 },
      { severity: 'P2', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 240, resolutionMinutes: 2400 },
      { severity: 'P3', coverage: 'BUSINESS_HOURS', firstResponseMinutes: 480 },
    ],
    channels: ['PORTAL', 'EMAIL', 'IM', 'PHONE'],
    pauseWhenWaitingOnCustomer: true,
    monthlyFee: 10000,
    currency: 'USD',
    credits: [
      { severity: 'P0', metric: 'FIRST_RESPONSE', percentOfMonthlyFee: 5 },
      { severity: 'P0', metric: 'RESOLUTION', percentOfMonthlyFee: 10 },
    ],
    creditCapPercent: 30,
    effectiveFrom: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export async function signContract(platform: TestPlatform, admin: string, input: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const data = await mustData(
    platform.gql('mutation($input: SignContractInput!) { signContract(input: $input) { id version } }', { input }, admin),
  );
  return data.signContract;
}

/** How many events the log holds: "a bad input writes nothing" compares it before and after. */
export async function eventCount(platform: TestPlatform): Promise<number> {
  let count = 0;
  let after = null;
  for (;;) {
    const page = await platform.runtime.store.readAll({ after, maxCount: 1000 });
    count += page.length;
    if (page.length < 1000) return count;
    after = page[page.length - 1]!.position;
  }
}
