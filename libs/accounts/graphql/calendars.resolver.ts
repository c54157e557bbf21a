import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { createCalendar, type BusinessCalendar } from '#calendar';
import { badUserInput } from '#contracts';
import { CurrentPrincipal, DateScalar, DateTimeScalar, Roles, type Principal } from '#platform-kit';
import { AccountsCommands } from '../application/accounts.commands.js';
import { AccountsQueries } from '../application/accounts.queries.js';
import { AmendCalendarInput, BusinessCalendarType, DefineCalendarInput } from './accounts.types.js';
import { toCalendarType } from './mappers.js';
import { mustExist } from './must-exist.js';

const MAX_CLOSED_DAYS_SPAN = 3 * 366;
const MAX_BUSINESS_MINUTES = 10 * 366 * 24 * 60;

@Resolver(() => BusinessCalendarType)
export class CalendarsResolver {
  /** Arithmetic objects per (calendar, version): building one loads holiday data, so keep a few. */
  private readonly arithmetic = new Map<string, BusinessCalendar>();

  constructor(
    @Inject(AccountsCommands) private readonly commands: AccountsCommands,
    @Inject(AccountsQueries) private readonly queries: AccountsQueries,
  ) {}

  @Query(() => BusinessCalendarType, { description: 'the calendar’s latest version; null when absent', nullable: true })
  async calendar(@Args('id', { description: 'the calendar id', type: () => ID }) id: string): Promise<BusinessCalendarType | null> {
    const row = await this.queries.calendar(id);
    return row ? toCalendarType(row) : null;
  }

  @Query(() => [BusinessCalendarType], { description: 'every business calendar in its latest version, by name' })
  async calendars(): Promise<BusinessCalendarType[]> {
    return (await this.queries.calendars()).map(toCalendarType);
  }

  @Roles('ADMIN')
  @Mutation(() => BusinessCalendarType, { description: 'Admins: define a business calendar' })
  async defineCalendar(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'zone, weekly hours, holiday region, holidays and working days', type: () => DefineCalendarInput }) input: DefineCalendarInput,
  ): Promise<BusinessCalendarType> {
    const id = await this.commands.defineCalendar(principal, {
      name: input.name,
      definition: {
        timeZone: input.timeZone,
        weeklyHours: input.weeklyHours.map(({ weekday, start, end }) => ({ weekday, start, end })),
        holidayRegion: input.holidayRegion ?? null,
        holidays: input.holidays ?? [],
        workingDays: input.workingDays ?? [],
      },
    });
    return toCalendarType(mustExist(await this.queries.calendar(id)));
  }

  @Roles('ADMIN')
  @Mutation(() => BusinessCalendarType, { description: 'Admins: add or remove holidays and working days; makes a new version for tickets opened afterwards' })
  async amendCalendar(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: 'the calendar id', type: () => ID }) id: string,
    @Args('input', { description: 'the dates to add and remove', type: () => AmendCalendarInput }) input: AmendCalendarInput,
  ): Promise<BusinessCalendarType> {
    await this.commands.amendCalendar(principal, id, {
      addHolidays: input.addHolidays ?? [],
      removeHolidays: input.removeHolidays ?? [],
      addWorkingDays: input.addWorkingDays ?? [],
      removeWorkingDays: input.removeWorkingDays ?? [],
    });
    return toCalendarType(mustExist(await this.queries.calendar(id)));
  }

  @ResolveField(() => [DateScalar], { description: 'the local dates from `from` to `to` on which the calendar is closed (weekends, region holidays, listed holidays)' })
  async closedDays(
    @Parent() calendar: BusinessCalendarType,
    @Args('from', { description: 'first local date', type: () => DateScalar }) from: string,
    @Args('to', { description: 'last local date; the span is bounded', type: () => DateScalar }) to: string,
  ): Promise<string[]> {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) throw badUserInput('to must not be before from', 'to');
    if (days > MAX_CLOSED_DAYS_SPAN) throw badUserInput(`at most ${MAX_CLOSED_DAYS_SPAN} days at a time`, 'to');
    return (await this.arithmeticOf(calendar)).closedDays(from, to);
  }

  @ResolveField(() => Boolean, { description: 'whether the instant falls inside business hours' })
  async isOpenAt(@Parent() calendar: BusinessCalendarType, @Args('at', { description: 'the instant', type: () => DateTimeScalar }) at: Date): Promise<boolean> {
    return (await this.arithmeticOf(calendar)).isOpenAt(at);
  }

  @ResolveField(() => DateTimeScalar, { description: 'the instant at which `minutes` business minutes have been counted from `from`' })
  async addBusinessMinutes(
    @Parent() calendar: BusinessCalendarType,
    @Args('from', { description: 'where counting starts (counting begins at the next opening if closed)', type: () => DateTimeScalar }) from: Date,
    @Args('minutes', { description: 'business minutes to count, zero or more (bounded)', type: () => Int }) minutes: number,
  ): Promise<Date> {
    if (minutes < 0 || minutes > MAX_BUSINESS_MINUTES) throw badUserInput(`minutes must be 0-${MAX_BUSINESS_MINUTES}`, 'minutes');
    try {
      return (await this.arithmeticOf(calendar)).addBusinessMinutes(from, minutes);
    } catch (error) {
      throw badUserInput((error as Error).message, 'minutes');
    }
  }

  @ResolveField(() => Int, { description: 'business minutes between two instants' })
  async businessMinutesBetween(
    @Parent() calendar: BusinessCalendarType,
    @Args('from', { description: 'start instant', type: () => DateTimeScalar }) from: Date,
    @Args('to', { description: 'end instant; the span is bounded', type: () => DateTimeScalar }) to: Date,
  ): Promise<number> {
    if (to.getTime() - from.getTime() > MAX_CLOSED_DAYS_SPAN * 86_400_000) throw badUserInput(`at most ${MAX_CLOSED_DAYS_SPAN} days at a time`, 'to');
    return (await this.arithmeticOf(calendar)).businessMinutesBetween(from, to);
  }

  private async arithmeticOf(calendar: BusinessCalendarType): Promise<BusinessCalendar> {
    const key = `${calendar.id}@${calendar.version}`;
    let arithmetic = this.arithmetic.get(key);
    if (!arithmetic) {
      const row = mustExist(await this.queries.calendarVersion(calendar.id, calendar.version));
      arithmetic = createCalendar(row.definition);
      if (this.arithmetic.size > 100) this.arithmetic.clear();
      this.arithmetic.set(key, arithmetic);
    }
    return arithmetic;
  }
}
