import { Directive, Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { Channel, Coverage, Severity, SlaMetric } from '#contracts';
import { ActorType, ChannelEnum, CoverageEnum, MoneyType, NodeInterface, registerEntityType, DateScalar, DateTimeScalar, PageInfoType, RoleEnum, SeverityEnum, SlaMetricEnum } from '#platform-kit';

// ---------- calendars ----------

@InputType('WorkingPeriodInput', { description: 'One opening period of a weekday, in the calendar’s own time zone' })
export class WorkingPeriodInput {
  @Field(() => Int, { description: '1=Monday..7=Sunday' }) weekday!: number;
  @Field(() => String, { description: '"HH:MM" local' }) start!: string;
  @Field(() => String, { description: '"HH:MM" local, may be "24:00"' }) end!: string;
}

@InputType('DefineCalendarInput', { description: 'A new business calendar: weekly opening hours in one time zone, minus holidays, plus make-up working days' })
export class DefineCalendarInput {
  @Field(() => String, { description: 'display name, e.g. "Shanghai 5x8"' }) name!: string;
  @Field(() => String, { description: 'IANA zone the weekly hours and dates are read in, e.g. Asia/Shanghai' }) timeZone!: string;
  @Field(() => [WorkingPeriodInput], { description: 'the opening periods of a normal week' }) weeklyHours!: WorkingPeriodInput[];
  @Field(() => String, { description: 'region whose public holidays close the calendar (e.g. CN); null: none', nullable: true }) holidayRegion?: string | null;
  @Field(() => [DateScalar], { description: 'extra closed dates (local dates in the calendar’s zone)', nullable: true }) holidays?: string[] | null;
  @Field(() => [DateScalar], { description: 'make-up working dates, open with Monday’s hours even on a weekend or holiday', nullable: true }) workingDays?: string[] | null;
}

@InputType('AmendCalendarInput', { description: 'Changes to a calendar’s closed and working dates; the change makes a new calendar version, used by tickets opened afterwards' })
export class AmendCalendarInput {
  @Field(() => [DateScalar], { description: 'dates to close', nullable: true }) addHolidays?: string[] | null;
  @Field(() => [DateScalar], { description: 'listed holidays to remove', nullable: true }) removeHolidays?: string[] | null;
  @Field(() => [DateScalar], { description: 'make-up working dates to add (open with Monday’s hours)', nullable: true }) addWorkingDays?: string[] | null;
  @Field(() => [DateScalar], { description: 'listed working dates to remove', nullable: true }) removeWorkingDays?: string[] | null;
}

@ObjectType('WorkingPeriod', { description: 'One opening period of a weekday, in the calendar’s own time zone' })
export class WorkingPeriodType {
  @Field(() => Int, { description: '1=Monday..7=Sunday' }) weekday!: number;
  @Field(() => String, { description: '"HH:MM" local' }) start!: string;
  @Field(() => String, { description: '"HH:MM" local, may be "24:00"' }) end!: string;
}

@ObjectType('BusinessCalendar', { description: 'When a BUSINESS_HOURS SLA clock counts: weekly hours in a time zone, minus holidays, plus make-up working days' })
export class BusinessCalendarType {
  @Field(() => ID, { description: 'the calendar id' }) id!: string;
  @Field(() => String, { description: 'display name' }) name!: string;
  @Field(() => Int, { description: 'tickets pin the version in force when they open' }) version!: number;
  @Field(() => String, { description: 'IANA zone the hours and dates are read in' }) timeZone!: string;
  @Field(() => [WorkingPeriodType], { description: 'the opening periods of a normal week' }) weeklyHours!: WorkingPeriodType[];
  @Field(() => String, { description: 'region whose public holidays close the calendar; null: none', nullable: true }) holidayRegion!: string | null;
  @Field(() => [DateScalar], { description: 'the calendar’s own extra closed days' }) holidays!: string[];
  @Field(() => [DateScalar], { description: 'extra open days (Monday’s hours)' }) workingDays!: string[];
}

// ---------- staff ----------

@InputType('RegisterStaffInput', { description: 'A new staff member (engineer or TAM)' })
export class RegisterStaffInput {
  @Field(() => String, { description: 'display name' }) name!: string;
  @Field(() => RoleEnum, { description: 'ENGINEER or TAM' }) role!: string;
  @Field(() => [String], { description: 'regions they serve; routing matches them with the account’s region' }) regions!: string[];
  @Field(() => [String], { description: 'skills routing matches with a ticket’s needs' }) skills!: string[];
  @Field(() => ID, { nullable: true, description: 'their shift' }) calendarId?: string | null;
}

// An entity of the federated graph: other subgraphs extend it by id (apps/gateway, docs/architecture.md).
@Directive('@key(fields: "id")')
@ObjectType('StaffMember', { description: 'An engineer or TAM (staff only)', implements: () => [NodeInterface] })
export class StaffMemberType {
  @Field(() => ID, { description: 'the staff member id' }) id!: string;
  @Field(() => String, { description: 'display name' }) name!: string;
  @Field(() => RoleEnum, { description: 'ENGINEER or TAM' }) role!: string;
  @Field(() => [String], { description: 'regions they serve' }) regions!: string[];
  @Field(() => [String], { description: 'their skills' }) skills!: string[];
  @Field(() => ID, { nullable: true, description: 'their shift calendar (none: always available)' }) calendarId!: string | null;
  @Field(() => Boolean, { description: 'false once deactivated: never routed to nor assigned' }) active!: boolean;
}

@InputType('UpdateStaffMemberInput', { description: 'Their regions, skills and shift calendar from now on (each left out stays as it is)' })
export class UpdateStaffMemberInput {
  @Field(() => [String], { description: 'regions they serve from now on; left out: unchanged', nullable: true }) regions?: string[] | null;
  @Field(() => [String], { description: 'their skills from now on; left out: unchanged', nullable: true }) skills?: string[] | null;
  @Field(() => ID, { nullable: true, description: 'a shift calendar; null removes it (always available); left out: unchanged' }) calendarId?: string | null;
}

@ObjectType('StaffMemberEdge', { description: 'One staff member in a page' })
export class StaffMemberEdgeType {
  @Field(() => String, { description: 'pass as `after` (or `before`) to page on from here' }) cursor!: string;
  @Field(() => StaffMemberType, { description: 'the staff member' }) node!: StaffMemberType;
}

@ObjectType('StaffMemberConnection', { description: 'Staff, by id' })
export class StaffMemberConnectionType {
  @Field(() => [StaffMemberEdgeType], { description: 'this page' }) edges!: StaffMemberEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there are more pages, and their cursors' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many match the filters' }) totalCount!: number;
}

// ---------- accounts ----------

@InputType('ImChannelInput', { description: 'An IM channel (workspace and channel) whose messages open tickets for the account' })
export class ImChannelInput {
  @Field(() => String, { description: 'e.g. the Slack team id' }) workspaceId!: string;
  @Field(() => String, { description: 'the channel id inside the workspace' }) channelId!: string;
}

@InputType('RegisterAccountInput', { description: 'A new customer account' })
export class RegisterAccountInput {
  @Field(() => String, { description: 'display name' }) name!: string;
  @Field(() => String, { description: 'the account’s region, e.g. CN; routing matches staff regions with it' }) region!: string;
  @Field(() => String, { description: 'IANA zone, e.g. Asia/Shanghai' }) timeZone!: string;
  @Field(() => [String], { nullable: true, description: 'mail from these domains opens tickets for this account' }) emailDomains?: string[] | null;
  @Field(() => [ImChannelInput], { nullable: true, description: 'IM channels whose messages belong to this account' }) imChannels?: ImChannelInput[] | null;
}

@ObjectType('TamAssignment', { description: 'One period during which a TAM looked after the account' })
export class TamAssignmentType {
  tamId!: string;
  @Field(() => DateTimeScalar, { description: 'when the assignment began' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'when it ended; null: current', nullable: true }) to!: Date | null;
  @Field(() => String, { nullable: true, description: 'notes handed over with the account (staff only)' }) handoverNotes!: string | null;
}

@ObjectType('ImChannel', { description: 'An IM channel whose messages open tickets for the account (POST /channels/im)' })
export class ImChannelType {
  @Field(() => String, { description: 'e.g. the Slack team id' }) workspaceId!: string;
  @Field(() => String, { description: 'the channel id inside the workspace' }) channelId!: string;
}

@ObjectType('AccountChannelChange', { description: 'One change of an account’s e-mail domains and IM channels (an AccountChannelsChanged event)' })
export class AccountChannelChangeType {
  @Field(() => [String], { description: 'the mail domains from then on' }) emailDomains!: string[];
  @Field(() => [ImChannelType], { description: 'the IM channels from then on' }) imChannels!: ImChannelType[];
  @Field(() => [String], { description: 'the mail domains before the change' }) previousEmailDomains!: string[];
  @Field(() => [ImChannelType], { description: 'the IM channels before the change' }) previousImChannels!: ImChannelType[];
  @Field(() => ActorType, { description: 'who changed them' }) changedBy!: ActorType;
  @Field(() => DateTimeScalar, { description: 'when' }) changedAt!: Date;
}

// An entity of the federated graph: other subgraphs extend it by id (apps/gateway, docs/architecture.md).
@Directive('@key(fields: "id")')
@ObjectType('Account', { description: 'A customer account; a CUSTOMER sees only their own (any other reads as null)', implements: () => [NodeInterface] })
export class AccountType {
  @Field(() => ID, { description: 'the account id' }) id!: string;
  @Field(() => String, { description: 'display name' }) name!: string;
  @Field(() => String, { description: 'the account’s region' }) region!: string;
  @Field(() => String, { description: 'IANA zone; monthly reports and credit caps use calendar months in it' }) timeZone!: string;
  @Field(() => [String], { description: 'mail from these domains opens tickets for this account' }) emailDomains!: string[];
  @Field(() => [ImChannelType], { description: 'IM channels whose messages belong to this account' }) imChannels!: ImChannelType[];
  tamId!: string | null;
}

@ObjectType('AccountEdge', { description: 'One account in a page' })
export class AccountEdgeType {
  @Field(() => String, { description: 'pass as `after` (or `before`) to page on from here' }) cursor!: string;
  @Field(() => AccountType, { description: 'the account' }) node!: AccountType;
}

@ObjectType('AccountConnection', { description: 'A page of accounts' })
export class AccountConnectionType {
  @Field(() => [AccountEdgeType], { description: 'this page' }) edges!: AccountEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there are more pages, and their cursors' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many accounts exist' }) totalCount!: number;
}

// ---------- contracts ----------

@InputType('SlaTargetInput', { description: 'The time targets for one severity (and optionally one channel)' })
export class SlaTargetInput {
  @Field(() => SeverityEnum, { description: 'the severity these targets apply to' }) severity!: Severity;
  @Field(() => ChannelEnum, { nullable: true, description: 'null: every channel' }) channel?: Channel | null;
  @Field(() => CoverageEnum, { description: 'ALWAYS: wall-clock minutes; BUSINESS_HOURS: minutes inside the contract’s calendar' }) coverage!: Coverage;
  @Field(() => Int, { description: 'minutes (as counted by coverage) to the first public staff reply' }) firstResponseMinutes!: number;
  @Field(() => Int, { description: 'minutes between public staff updates after the first response; null: no next-update target', nullable: true }) nextUpdateMinutes?: number | null;
  @Field(() => Int, { description: 'minutes to resolution; null: no resolution target', nullable: true }) resolutionMinutes?: number | null;
}

@InputType('CreditRuleInput', { description: 'The service credit owed when a (severity, metric) target is missed' })
export class CreditRuleInput {
  @Field(() => SeverityEnum, { description: 'the severity the rule applies to' }) severity!: Severity;
  @Field(() => SlaMetricEnum, { description: 'the SLA metric whose miss earns the credit' }) metric!: SlaMetric;
  @Field(() => Float, { description: 'the credit, in percent of the monthly fee (0-100)' }) percentOfMonthlyFee!: number;
}

@InputType('SignContractInput', { description: 'A contract version for an account; tickets received from effectiveFrom on are held to it' })
export class SignContractInput {
  @Field(() => ID, { description: 'the account' }) accountId!: string;
  @Field(() => String, { description: 'plan name, 1-200 characters' }) plan!: string;
  @Field(() => ID, { description: 'the business calendar BUSINESS_HOURS targets count in' }) calendarId!: string;
  @Field(() => [SlaTargetInput], { description: 'SLA targets; one general (channel-less) target per severity is required, channel-specific ones override it' }) targets!: SlaTargetInput[];
  @Field(() => [ChannelEnum], { description: 'channels tickets may arrive through (HEALTH_CHECK is always covered)' }) channels!: Channel[];
  @Field(() => Boolean, { description: 'whether NEXT_UPDATE and RESOLUTION pause while a ticket waits on the customer' }) pauseWhenWaitingOnCustomer!: boolean;
  @Field(() => Int, { description: 'an SLA warning fires when a clock has counted this percent of its target (1-99)', nullable: true, defaultValue: 75 }) warningAtPercent!: number;
  @Field(() => Float, { description: 'the monthly fee, in currency units (zero or more)' }) monthlyFee!: number;
  @Field(() => String, { description: 'ISO 4217 code, e.g. USD or CNY' }) currency!: string;
  @Field(() => [CreditRuleInput], { description: 'service credit rules for missed targets' }) credits!: CreditRuleInput[];
  @Field(() => Float, { description: 'credits in one calendar month (account time zone) stay within this percent of the monthly fee' }) creditCapPercent!: number;
  @Field(() => Boolean, { description: 'whether the account gets proactive health checks', nullable: true, defaultValue: false }) proactiveChecks!: boolean;
  @Field(() => DateTimeScalar, { description: 'from this instant the contract is in force' }) effectiveFrom!: Date;
}

@ObjectType('SlaTarget', { description: 'The time targets for one severity (and optionally one channel)' })
export class SlaTargetType {
  @Field(() => SeverityEnum, { description: 'the severity these targets apply to' }) severity!: Severity;
  @Field(() => ChannelEnum, { description: 'the channel they apply to; null: every channel without its own target', nullable: true }) channel!: Channel | null;
  @Field(() => CoverageEnum, { description: 'ALWAYS: wall-clock minutes; BUSINESS_HOURS: minutes inside the contract’s calendar' }) coverage!: Coverage;
  @Field(() => Int, { description: 'minutes (as counted by coverage) to the first public staff reply' }) firstResponseMinutes!: number;
  @Field(() => Int, { description: 'minutes between public staff updates after the first response; null: no such target', nullable: true }) nextUpdateMinutes!: number | null;
  @Field(() => Int, { description: 'minutes to resolution; null: no such target', nullable: true }) resolutionMinutes!: number | null;
}

@ObjectType('CreditRule', { description: 'The service credit owed when a (severity, metric) target is missed' })
export class CreditRuleType {
  @Field(() => SeverityEnum, { description: 'the severity the rule applies to' }) severity!: Severity;
  @Field(() => SlaMetricEnum, { description: 'the SLA metric whose miss earns the credit' }) metric!: SlaMetric;
  @Field(() => Float, { description: 'the credit, in percent of the monthly fee' }) percentOfMonthlyFee!: number;
}

@ObjectType('Contract', { description: 'One signed version of an account’s contract: its SLA targets, channels and credit terms' })
export class ContractType {
  @Field(() => ID, { description: 'the contract id' }) id!: string;
  @Field(() => Int, { description: 'policy version, pinned by each ticket opened under it' }) version!: number;
  accountId!: string;
  calendarId!: string;
  @Field(() => String, { description: 'plan name' }) plan!: string;
  @Field(() => [SlaTargetType], { description: 'SLA targets per severity (and channel)' }) targets!: SlaTargetType[];
  @Field(() => [ChannelEnum], { description: 'channels tickets may arrive through' }) channels!: Channel[];
  @Field(() => Boolean, { description: 'whether NEXT_UPDATE and RESOLUTION pause while a ticket waits on the customer' }) pauseWhenWaitingOnCustomer!: boolean;
  @Field(() => Int, { description: 'an SLA warning fires when a clock has counted this percent of its target' }) warningAtPercent!: number;
  @Field(() => MoneyType, { description: 'the monthly fee' }) monthlyFee!: MoneyType;
  @Field(() => [CreditRuleType], { description: 'service credit rules for missed targets' }) credits!: CreditRuleType[];
  @Field(() => Float, { description: 'credits in one calendar month (account time zone) stay within this percent of the monthly fee' }) creditCapPercent!: number;
  @Field(() => Boolean, { description: 'whether the account gets proactive health checks' }) proactiveChecks!: boolean;
  @Field(() => DateTimeScalar, { description: 'from this instant the version is in force' }) effectiveFrom!: Date;
  @Field(() => DateTimeScalar, { description: 'when it was signed' }) signedAt!: Date;
}

// The owner's classes of the entities other subgraphs extend by key (platform-kit's entityType).
registerEntityType('Account', AccountType);
registerEntityType('StaffMember', StaffMemberType);
