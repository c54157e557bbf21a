import { v5 as uuidv5 } from 'uuid';
import type { CalendarDefinition } from '#calendar';
import type { Channel, ContractTerms, Severity, SlaTargetTerms } from '#contracts';
import type { Actor } from '#event-store';
import { SHANGHAI_CN } from '../sla/histories.js';

/**
 * The fixed part of the replay log: calendars (one amended), staff, accounts with their TAMs and contracts
 * (a quarter of them re-signed on new terms). Everything a ticket needs to open, route and pin a policy.
 */
export const NAMESPACE = '3b0f6f0e-8a51-4c3e-9d71-5e0c2a7b9f14';
export const id = (name: string) => uuidv5(name, NAMESPACE);

export const ADMIN: Actor = { id: 'admin-1', role: 'ADMIN' };
export const ROUTER: Actor = { id: 'router', role: 'ADMIN' };
export const SLA_ENGINE: Actor = { id: 'sla-engine', role: 'ADMIN' };

/** The log covers tickets received from LOG_START to LOG_END; "now" (the history's asOf ceiling) is NOW. */
export const LOG_START = Date.parse('2025-07-01T00:00:00Z');
export const LOG_END = Date.parse('2026-03-20T00:00:00Z');
export const NOW = Date.parse('2026-04-01T00:00:00Z');
const SETUP_AT = Date.parse('2025-06-01T00:00:00Z');

export interface CalendarVersion {
  version: number;
  definition: CalendarDefinition;
  validFrom: number;
}
export interface WorldCalendar {
  id: string;
  name: string;
  versions: CalendarVersion[];
}
export interface WorldContract extends ContractTerms {
  version: number;
}
export interface WorldAccount {
  id: string;
  index: number;
  region: 'APAC' | 'EMEA' | 'AMER';
  timeZone: string;
  tamId: string;
  contracts: WorldContract[];
  customers: Actor[];
}
export interface World {
  calendars: Map<string, WorldCalendar>;
  engineers: { id: string; region: string }[];
  tams: string[];
  accounts: WorldAccount[];
}

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));
const NEW_YORK: CalendarDefinition = { timeZone: 'America/New_York', weeklyHours: weekdays('09:00', '17:00'), holidayRegion: 'US', holidays: [], workingDays: [] };
const BERLIN: CalendarDefinition = { timeZone: 'Europe/Berlin', weeklyHours: weekdays('08:00', '18:00'), holidayRegion: 'DE', holidays: [], workingDays: [] };
const REGIONS = [
  { region: 'APAC' as const, timeZone: 'Asia/Shanghai', calendar: 'cal-shanghai' },
  { region: 'EMEA' as const, timeZone: 'Europe/Berlin', calendar: 'cal-berlin' },
  { region: 'AMER' as const, timeZone: 'America/New_York', calendar: 'cal-new-york' },
];

export function buildWorld(accountCount: number, next: () => number): World {
  const shanghaiV2 = { ...SHANGHAI_CN, holidays: ['2025-12-24', '2025-12-31'] };
  const calendars = new Map<string, WorldCalendar>([
    ['cal-shanghai', { id: id('cal-shanghai'), name: 'Shanghai 5x8', versions: [{ version: 1, definition: SHANGHAI_CN, validFrom: SETUP_AT }, { version: 2, definition: shanghaiV2, validFrom: Date.parse('2025-11-15T00:00:00Z') }] }],
    ['cal-berlin', { id: id('cal-berlin'), name: 'Berlin 5x10', versions: [{ version: 1, definition: BERLIN, validFrom: SETUP_AT }] }],
    ['cal-new-york', { id: id('cal-new-york'), name: 'New York 5x8', versions: [{ version: 1, definition: NEW_YORK, validFrom: SETUP_AT }] }],
  ]);
  const engineers = Array.from({ length: 60 }, (_, i) => ({ id: id(`engineer-${i}`), region: REGIONS[i % 3]!.region }));
  const tams = Array.from({ length: 15 }, (_, i) => id(`tam-${i}`));
  const accounts: WorldAccount[] = [];
  for (let i = 0; i < accountCount; i++) {
    const where = REGIONS[i % 3]!;
    const calendarId = calendars.get(where.calendar)!.id;
    const contracts: WorldContract[] = [contractTerms(1, calendarId, '2025-06-01T00:00:00.000Z', next)];
    if (i % 4 === 0) contracts.push(contractTerms(2, calendarId, '2026-01-01T00:00:00.000Z', next));
    accounts.push({
      id: id(`account-${i}`),
      index: i,
      region: where.region,
      timeZone: where.timeZone,
      tamId: tams[i % tams.length]!,
      contracts,
      customers: [0, 1, 2].map((c) => ({ id: `dev-${i}-${c}`, role: 'CUSTOMER' as const })),
    });
  }
  return { calendars, engineers, tams, accounts };
}

function target(severity: Severity, coverage: 'ALWAYS' | 'BUSINESS_HOURS', first: number, next: number | null, resolution: number | null, channel: Channel | null = null): SlaTargetTerms {
  return { severity, channel, coverage, firstResponseMinutes: first, nextUpdateMinutes: next, resolutionMinutes: resolution };
}

function contractTerms(version: number, calendarId: string, effectiveFrom: string, next: () => number): WorldContract {
  const premium = next() < 0.5;
  return {
    version,
    plan: premium ? 'Enterprise 7x24' : 'Business',
    calendarId,
    targets: premium
      ? [
          target('P0', 'ALWAYS', 15, 60, 240),
          target('P1', 'ALWAYS', 60, 240, 1440),
          target('P2', 'BUSINESS_HOURS', 240, 480, 2400),
          target('P2', 'BUSINESS_HOURS', 480, null, 2400, 'EMAIL'),
          target('P3', 'BUSINESS_HOURS', 480, null, 4800),
        ]
      : [
          target('P0', 'ALWAYS', 30, 120, 480),
          target('P1', 'BUSINESS_HOURS', 120, 480, 2400),
          target('P2', 'BUSINESS_HOURS', 480, null, 4800),
          target('P3', 'BUSINESS_HOURS', 960, null, null),
        ],
    channels: ['PORTAL', 'EMAIL', 'IM', 'PHONE'],
    pauseWhenWaitingOnCustomer: version === 1 ? next() < 0.8 : true,
    warningAtPercent: 75,
    monthlyFee: premium ? 20_000 : 5_000,
    currency: 'USD',
    credits: [
      { severity: 'P0', metric: 'FIRST_RESPONSE', percentOfMonthlyFee: 5 },
      { severity: 'P0', metric: 'RESOLUTION', percentOfMonthlyFee: 10 },
      { severity: 'P1', metric: 'RESOLUTION', percentOfMonthlyFee: 5 },
    ],
    creditCapPercent: 30,
    proactiveChecks: premium,
    effectiveFrom,
  };
}

/** The contract version in force at `at`, and its calendar's latest version by then (what SlaCommands.pin does). */
export function policyAt(world: World, account: WorldAccount, at: number): { contract: WorldContract; calendar: CalendarVersion; calendarId: string } {
  const contract = [...account.contracts].reverse().find((c) => Date.parse(c.effectiveFrom) <= at)!;
  const calendar = [...world.calendars.values()].find((c) => c.id === contract.calendarId)!;
  const version = [...calendar.versions].reverse().find((v) => v.validFrom <= at)!;
  return { contract, calendar: version, calendarId: calendar.id };
}

/** The set-up streams (calendars, staff, accounts, contracts), as [stream, events, instant] appends in order. */
export function setupAppends(world: World): { stream: string; events: { type: string; data: Record<string, unknown>; at: number; actor: Actor }[] }[] {
  const appends: { stream: string; events: { type: string; data: Record<string, unknown>; at: number; actor: Actor }[] }[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  let at = SETUP_AT - 86_400_000;
  const tick = () => (at += 1_000);
  for (const calendar of world.calendars.values()) {
    const [first, ...later] = calendar.versions;
    const events = [{ type: 'CalendarDefined', at: tick(), actor: ADMIN, data: { calendarId: calendar.id, name: calendar.name, definition: first!.definition, definedBy: ADMIN, definedAt: iso(at) } }];
    for (const version of later) {
      const previous = calendar.versions[version.version - 2]!.definition;
      const added = (version.definition.holidays ?? []).filter((d) => !(previous.holidays ?? []).includes(d));
      events.push({
        type: 'CalendarAmended',
        at: version.validFrom,
        actor: ADMIN,
        data: {
          calendarId: calendar.id, version: version.version, addHolidays: added, removeHolidays: [], addWorkingDays: [], removeWorkingDays: [],
          definition: version.definition, amendedBy: ADMIN, amendedAt: iso(version.validFrom),
        } as Record<string, unknown> as never,
      });
    }
    appends.push({ stream: `calendar-${calendar.id}`, events });
  }
  const regionCalendar = (region: string) => world.calendars.get(REGIONS.find((r) => r.region === region)!.calendar)!.id;
  for (const [i, engineer] of world.engineers.entries()) {
    appends.push({
      stream: `staff-${engineer.id}`,
      events: [{ type: 'StaffRegistered', at: tick(), actor: ADMIN, data: { staffId: engineer.id, name: `Engineer ${i}`, role: 'ENGINEER', regions: [engineer.region], skills: [['android', 'ios', 'web'][i % 3]!, 'webrtc'], calendarId: regionCalendar(engineer.region), registeredBy: ADMIN, registeredAt: iso(at) } }],
    });
  }
  for (const [i, tam] of world.tams.entries()) {
    appends.push({ stream: `staff-${tam}`, events: [{ type: 'StaffRegistered', at: tick(), actor: ADMIN, data: { staffId: tam, name: `TAM ${i}`, role: 'TAM', regions: [REGIONS[i % 3]!.region], skills: [], calendarId: null, registeredBy: ADMIN, registeredAt: iso(at) } }] });
  }
  for (const account of world.accounts) {
    const events = [
      {
        type: 'AccountRegistered', at: tick(), actor: ADMIN,
        data: {
          accountId: account.id, name: `Streaming customer ${account.index}`, region: account.region, timeZone: account.timeZone,
          emailDomains: [`customer-${account.index}.example.com`],
          imChannels: account.index % 3 === 0 ? [{ workspaceId: `T${1000 + account.index}`, channelId: `C${5000 + account.index}` }] : [],
          registeredBy: ADMIN, registeredAt: iso(at),
        },
      },
    ];
    const firstTam = account.index % 10 === 0 ? world.tams[(account.index + 1) % world.tams.length]! : account.tamId;
    events.push({ type: 'TamAssigned', at: tick(), actor: ADMIN, data: { accountId: account.id, tamId: firstTam, previousTamId: null, assignedBy: ADMIN, assignedAt: iso(at) } as never });
    if (firstTam !== account.tamId) {
      const handover = Date.parse('2025-10-01T09:00:00Z') + account.index * 60_000;
      events.push({ type: 'AccountHandedOver', at: handover, actor: ADMIN, data: { accountId: account.id, fromTamId: firstTam, toTamId: account.tamId, notes: 'Prefers e-mail; two open escalations on Android audio.', handedOverBy: ADMIN, handedOverAt: iso(handover) } as never });
    }
    appends.push({ stream: `account-${account.id}`, events });
    appends.push({
      stream: `contract-${account.id}`,
      events: account.contracts.map((contract) => {
        const signedAt = Date.parse(contract.effectiveFrom) - 7 * 86_400_000;
        const { version, ...terms } = contract;
        return { type: 'ContractSigned', at: signedAt, actor: ADMIN, data: { ...terms, accountId: account.id, version, signedBy: ADMIN, signedAt: iso(signedAt) } };
      }),
    });
  }
  return appends;
}
