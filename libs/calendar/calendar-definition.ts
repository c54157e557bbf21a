/** One opening period on a weekday, in the calendar's local wall-clock time. */
export interface WeeklyPeriod {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** "HH:MM", 00:00–23:59. */
  start: string;
  /** "HH:MM" after `start`; "24:00" means the start of the next local day. */
  end: string;
}

/** A business calendar as stored and versioned; `createCalendar` turns it into arithmetic. */
export interface CalendarDefinition {
  /** IANA zone, e.g. "Asia/Shanghai". */
  timeZone: string;
  /** Several periods per weekday are allowed (split shifts); overlapping or touching ones are merged. */
  weeklyHours: WeeklyPeriod[];
  /** date-holidays code "CC", "CC-STATE" or "CC-STATE-REGION" (e.g. "CN", "US-CA"); its public days off are closed. */
  holidayRegion?: string | null;
  /** Extra closed dates, "YYYY-MM-DD" in the calendar's zone. */
  holidays?: string[];
  /** Extra open dates (e.g. China's make-up Saturdays): open during Monday's periods, even on a holiday. */
  workingDays?: string[];
}

export interface CalendarProblem {
  /** Path into the definition, e.g. "weeklyHours[2].end", "holidays[0]". */
  field: string;
  message: string;
}

export class CalendarDefinitionError extends Error {
  override readonly name = 'CalendarDefinitionError';
  constructor(readonly problems: readonly CalendarProblem[]) {
    super(`Invalid calendar definition: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

/** The calendar has no weekly hours (or only ones that never occur), so no amount of waiting reaches an opening. */
export class CalendarNeverOpensError extends Error {
  override readonly name = 'CalendarNeverOpensError';
}
