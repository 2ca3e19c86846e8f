/** Alertmanager's time intervals, as the config's `time_intervals` entries describe them. */

/** An inclusive range of whole numbers: weekdays (0 = Sunday), days of the month, months, years. */
export interface InclusiveRange {
  readonly begin: number;
  readonly end: number;
}

/** A range of minutes of the day, start included, end excluded (`17:00` ends before 17:00). */
export interface TimeRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/**
 * One entry of an interval's `time_intervals`: every part it sets must match (an empty part
 * matches everything), and within a part any of its ranges.
 */
export interface TimeInterval {
  readonly times: readonly TimeRange[];
  readonly weekdays: readonly InclusiveRange[];
  /** Negative days count from the end of the month: -1 is its last day. */
  readonly daysOfMonth: readonly InclusiveRange[];
  readonly months: readonly InclusiveRange[];
  readonly years: readonly InclusiveRange[];
  /** IANA zone the parts are read in; undefined for UTC. */
  readonly location?: string;
}
