import type { AccountRow, CalendarRow, ContractRow, StaffRow } from '../application/accounts.queries.js';
import type { AccountType, BusinessCalendarType, ContractType, StaffMemberType } from './accounts.types.js';

export const contractId = (accountId: string, version: number) => `${accountId}:v${version}`;

export function toAccountType(row: AccountRow): AccountType {
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    timeZone: row.timeZone,
    emailDomains: row.emailDomains,
    imChannels: (row.imChannels ?? []).map(({ workspaceId, channelId }) => ({ workspaceId, channelId })),
    tamId: row.tamId,
  };
}

export function toStaffType(row: StaffRow): StaffMemberType {
  return { id: row.id, name: row.name, role: row.role, regions: row.regions, skills: row.skills, calendarId: row.calendarId, active: row.active };
}

export function toCalendarType(row: CalendarRow): BusinessCalendarType {
  const { definition } = row;
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    timeZone: definition.timeZone,
    weeklyHours: definition.weeklyHours,
    holidayRegion: definition.holidayRegion ?? null,
    holidays: definition.holidays ?? [],
    workingDays: definition.workingDays ?? [],
  };
}

export function toContractType(row: ContractRow): ContractType {
  return {
    id: contractId(row.accountId, row.version),
    version: row.version,
    accountId: row.accountId,
    calendarId: row.calendarId,
    plan: row.plan,
    targets: row.targets,
    channels: row.channels,
    pauseWhenWaitingOnCustomer: row.pauseWhenWaitingOnCustomer,
    warningAtPercent: row.warningAtPercent,
    monthlyFee: { amount: row.monthlyFee, currency: row.currency },
    credits: row.credits,
    creditCapPercent: row.creditCapPercent,
    proactiveChecks: row.proactiveChecks,
    autoLinkIncidents: row.autoLinkIncidents ?? false,
    effectiveFrom: new Date(row.effectiveFrom),
    signedAt: new Date(row.signedAt),
  };
}
