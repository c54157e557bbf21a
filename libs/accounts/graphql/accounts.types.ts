import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { Channel, Coverage, Severity, SlaMetric } from '#contracts';
import { ChannelEnum, CoverageEnum, DecimalScalar, formatCents, NodeInterface, DateScalar, DateTimeScalar, PageInfoType, RoleEnum, SeverityEnum, SlaMetricEnum } from '#platform-kit';

// ---------- calendars ----------

@InputType('WorkingPeriodInput')
export class WorkingPeriodInput {
  @Field(() => Int, { description: '1=Monday..7=Sunday' }) weekday!: number;
  @Field(() => String, { description: '"HH:MM" local' }) start!: string;
  @Field(() => String, { description: '"HH:MM" local, may be "24:00"' }) end!: string;
}

@InputType('DefineCalendarInput')
export class DefineCalendarInput {
  @Field(() => String) name!: string;
  @Field(() => String) timeZone!: string;
  @Field(() => [WorkingPeriodInput]) weeklyHours!: WorkingPeriodInput[];
  @Field(() => String, { nullable: true }) holidayRegion?: string | null;
  @Field(() => [DateScalar], { nullable: true }) holidays?: string[] | null;
  @Field(() => [DateScalar], { nullable: true }) workingDays?: string[] | null;
}

@InputType('AmendCalendarInput')
export class AmendCalendarInput {
  @Field(() => [DateScalar], { nullable: true }) addHolidays?: string[] | null;
  @Field(() => [DateScalar], { nullable: true }) removeHolidays?: string[] | null;
  @Field(() => [DateScalar], { nullable: true }) addWorkingDays?: string[] | null;
  @Field(() => [DateScalar], { nullable: true }) removeWorkingDays?: string[] | null;
}

@ObjectType('WorkingPeriod')
export class WorkingPeriodType {
  @Field(() => Int) weekday!: number;
  @Field(() => String) start!: string;
  @Field(() => String) end!: string;
}

@ObjectType('BusinessCalendar')
export class BusinessCalendarType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: 'tickets pin the version in force when they open' }) version!: number;
  @Field(() => String) timeZone!: string;
  @Field(() => [WorkingPeriodType]) weeklyHours!: WorkingPeriodType[];
  @Field(() => String, { nullable: true }) holidayRegion!: string | null;
  @Field(() => [DateScalar], { description: 'the calendar’s own extra closed days' }) holidays!: string[];
  @Field(() => [DateScalar], { description: 'extra open days (Monday’s hours)' }) workingDays!: string[];
}

// ---------- staff ----------

@InputType('RegisterStaffInput')
export class RegisterStaffInput {
  @Field(() => String) name!: string;
  @Field(() => RoleEnum, { description: 'ENGINEER or TAM' }) role!: string;
  @Field(() => [String]) regions!: string[];
  @Field(() => [String]) skills!: string[];
  @Field(() => ID, { nullable: true, description: 'their shift' }) calendarId?: string | null;
}

@ObjectType('StaffMember', { implements: () => [NodeInterface] })
export class StaffMemberType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => RoleEnum) role!: string;
  @Field(() => [String]) regions!: string[];
  @Field(() => [String]) skills!: string[];
  @Field(() => ID, { nullable: true, description: 'their shift calendar (none: always available)' }) calendarId!: string | null;
  @Field(() => Boolean, { description: 'false once deactivated: never routed to nor assigned' }) active!: boolean;
}

@InputType('UpdateStaffMemberInput', { description: 'Their regions, skills and shift calendar from now on (each left out stays as it is)' })
export class UpdateStaffMemberInput {
  @Field(() => [String], { nullable: true }) regions?: string[] | null;
  @Field(() => [String], { nullable: true }) skills?: string[] | null;
  @Field(() => ID, { nullable: true, description: 'a shift calendar; null removes it (always available); left out: unchanged' }) calendarId?: string | null;
}

@ObjectType('StaffMemberEdge')
export class StaffMemberEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => StaffMemberType) node!: StaffMemberType;
}

@ObjectType('StaffMemberConnection', { description: 'Staff, by id' })
export class StaffMemberConnectionType {
  @Field(() => [StaffMemberEdgeType]) edges!: StaffMemberEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many match the filters' }) totalCount!: number;
}

// ---------- accounts ----------

@InputType('ImChannelInput')
export class ImChannelInput {
  @Field(() => String, { description: 'e.g. the Slack team id' }) workspaceId!: string;
  @Field(() => String) channelId!: string;
}

@InputType('RegisterAccountInput')
export class RegisterAccountInput {
  @Field(() => String) name!: string;
  @Field(() => String) region!: string;
  @Field(() => String, { description: 'IANA zone, e.g. Asia/Shanghai' }) timeZone!: string;
  @Field(() => [String], { nullable: true, description: 'mail from these domains opens tickets for this account' }) emailDomains?: string[] | null;
  @Field(() => [ImChannelInput], { nullable: true, description: 'IM channels whose messages belong to this account' }) imChannels?: ImChannelInput[] | null;
}

@ObjectType('TamAssignment')
export class TamAssignmentType {
  tamId!: string;
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) to!: Date | null;
  @Field(() => String, { nullable: true, description: 'notes handed over with the account (staff only)' }) handoverNotes!: string | null;
}

@ObjectType('ImChannel', { description: 'An IM channel whose messages open tickets for the account (POST /channels/im)' })
export class ImChannelType {
  @Field(() => String, { description: 'e.g. the Slack team id' }) workspaceId!: string;
  @Field(() => String) channelId!: string;
}

@ObjectType('Account', { implements: () => [NodeInterface] })
export class AccountType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) region!: string;
  @Field(() => String) timeZone!: string;
  @Field(() => [String]) emailDomains!: string[];
  @Field(() => [ImChannelType], { description: 'IM channels whose messages belong to this account' }) imChannels!: ImChannelType[];
  tamId!: string | null;
}

@ObjectType('AccountEdge')
export class AccountEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => AccountType) node!: AccountType;
}

@ObjectType('AccountConnection')
export class AccountConnectionType {
  @Field(() => [AccountEdgeType]) edges!: AccountEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int) totalCount!: number;
}

// ---------- contracts ----------

@InputType('SlaTargetInput')
export class SlaTargetInput {
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => ChannelEnum, { nullable: true, description: 'null: every channel' }) channel?: Channel | null;
  @Field(() => CoverageEnum) coverage!: Coverage;
  @Field(() => Int) firstResponseMinutes!: number;
  @Field(() => Int, { nullable: true }) nextUpdateMinutes?: number | null;
  @Field(() => Int, { nullable: true }) resolutionMinutes?: number | null;
}

@InputType('CreditRuleInput')
export class CreditRuleInput {
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => SlaMetricEnum) metric!: SlaMetric;
  @Field(() => Float) percentOfMonthlyFee!: number;
}

@InputType('SignContractInput')
export class SignContractInput {
  @Field(() => ID) accountId!: string;
  @Field(() => String) plan!: string;
  @Field(() => ID) calendarId!: string;
  @Field(() => [SlaTargetInput]) targets!: SlaTargetInput[];
  @Field(() => [ChannelEnum]) channels!: Channel[];
  @Field(() => Boolean) pauseWhenWaitingOnCustomer!: boolean;
  @Field(() => Int, { nullable: true, defaultValue: 75 }) warningAtPercent!: number;
  @Field(() => Float) monthlyFee!: number;
  @Field(() => String) currency!: string;
  @Field(() => [CreditRuleInput]) credits!: CreditRuleInput[];
  @Field(() => Float) creditCapPercent!: number;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) proactiveChecks!: boolean;
  @Field(() => DateTimeScalar) effectiveFrom!: Date;
}

@ObjectType('SlaTarget')
export class SlaTargetType {
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => ChannelEnum, { nullable: true }) channel!: Channel | null;
  @Field(() => CoverageEnum) coverage!: Coverage;
  @Field(() => Int) firstResponseMinutes!: number;
  @Field(() => Int, { nullable: true }) nextUpdateMinutes!: number | null;
  @Field(() => Int, { nullable: true }) resolutionMinutes!: number | null;
}

@ObjectType('CreditRule')
export class CreditRuleType {
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => SlaMetricEnum) metric!: SlaMetric;
  @Field(() => Float) percentOfMonthlyFee!: number;
}

@ObjectType('Money', { description: 'An amount in a currency, kept to the cent' })
export class MoneyType {
  @Field(() => Float, { description: 'the amount as a float: for display; sum and compare `amountDecimal`' }) amount!: number;
  @Field(() => String, { description: 'ISO 4217 code' }) currency!: string;
  @Field(() => DecimalScalar, {
    description: 'the same amount as an exact decimal string with two decimals, e.g. "1234.50"',
    middleware: [({ source }) => formatCents((source as MoneyType).amount)],
  })
  amountDecimal?: string;
}

@ObjectType('Contract')
export class ContractType {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'policy version, pinned by each ticket opened under it' }) version!: number;
  accountId!: string;
  calendarId!: string;
  @Field(() => String) plan!: string;
  @Field(() => [SlaTargetType]) targets!: SlaTargetType[];
  @Field(() => [ChannelEnum]) channels!: Channel[];
  @Field(() => Boolean) pauseWhenWaitingOnCustomer!: boolean;
  @Field(() => Int) warningAtPercent!: number;
  @Field(() => MoneyType) monthlyFee!: MoneyType;
  @Field(() => [CreditRuleType]) credits!: CreditRuleType[];
  @Field(() => Float) creditCapPercent!: number;
  @Field(() => Boolean) proactiveChecks!: boolean;
  @Field(() => DateTimeScalar) effectiveFrom!: Date;
  @Field(() => DateTimeScalar) signedAt!: Date;
}
