// The bench world both intake benchmarks open tickets in (bench:intake in one process, bench:reactions through
// the gateway): created as ADMIN over GraphQL, named after the run so repeated runs on one database do not clash.

export async function gql<T = Record<string, any>>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!response.ok || body.errors?.length) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data as T;
}

/** Calendar, account, contract (PORTAL, in force since 2026-01-01), engineers — as ADMIN over GraphQL. */
export async function setUpBenchWorld(url: string, admin: string, runId: string): Promise<{ accountId: string; engineers: string[] }> {
  const calendar = await gql(url, admin, 'mutation($input: DefineCalendarInput!) { defineCalendar(input: $input) { id } }', {
    input: {
      name: `Shanghai 5x8 (bench ${runId})`,
      timeZone: 'Asia/Shanghai',
      weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
      holidayRegion: 'CN',
    },
  });
  const shift = await gql(url, admin, 'mutation($input: DefineCalendarInput!) { defineCalendar(input: $input) { id } }', {
    input: {
      name: `Follow the sun (bench ${runId})`,
      timeZone: 'UTC',
      weeklyHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
    },
  });
  const account = await gql(url, admin, 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { id } }', {
    input: { name: `Livestream Co (bench ${runId})`, region: 'APAC', timeZone: 'Asia/Shanghai' },
  });
  const accountId: string = account.registerAccount.id;
  await gql(url, admin, 'mutation($input: SignContractInput!) { signContract(input: $input) { id version } }', {
    input: {
      accountId,
      plan: 'Enterprise 7x24',
      calendarId: calendar.defineCalendar.id,
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
    },
  });
  const engineers: string[] = [];
  for (const [i, skills] of [['Android'], ['iOS'], ['Web', 'Windows']].entries()) {
    const staff = await gql(url, admin, 'mutation($input: RegisterStaffInput!) { registerStaff(input: $input) { id } }', {
      input: { name: `Engineer ${i + 1} (bench ${runId})`, role: 'ENGINEER', regions: ['APAC'], skills, calendarId: shift.defineCalendar.id },
    });
    engineers.push(staff.registerStaff.id);
  }
  return { accountId, engineers };
}
