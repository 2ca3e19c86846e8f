/**
 * The multi-window multi-burn-rate alert windows Sloth uses (Google's SRE workbook values):
 * page on 2 % of the budget burnt in 1 h (checked over 5 m too) or 5 % in 6 h (30 m), ticket
 * on 10 % in 1 d (2 h) or 10 % in 3 d (6 h). The burn factor is how much faster than
 * "exactly the budget over the period" that is: 14.4, 6, 3 and 1 for a 30-day period.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One pair of windows and the share of the budget that burning over the long one means. */
export interface BurnWindow {
  /** Percent of the period's error budget consumed over `long`. */
  readonly budgetPercent: number;
  /** The window that resets the alert quickly once the errors stop, in ms. */
  readonly short: number;
  /** The window that measures the burn, in ms. */
  readonly long: number;
}

/** The four window pairs of an SLO period. */
export interface AlertWindows {
  /** The SLO period in ms (30 d by default). */
  readonly period: number;
  readonly pageQuick: BurnWindow;
  readonly pageSlow: BurnWindow;
  readonly ticketQuick: BurnWindow;
  readonly ticketSlow: BurnWindow;
}

const GOOGLE = {
  pageQuick: { budgetPercent: 2, short: 5 * MINUTE, long: HOUR },
  pageSlow: { budgetPercent: 5, short: 30 * MINUTE, long: 6 * HOUR },
  ticketQuick: { budgetPercent: 10, short: 2 * HOUR, long: DAY },
  ticketSlow: { budgetPercent: 10, short: 6 * HOUR, long: 3 * DAY },
};

/** The periods Sloth ships windows for: 30 d (its default) and 28 d. */
export const PERIODS: Readonly<Record<string, AlertWindows>> = {
  "30d": { period: 30 * DAY, ...GOOGLE },
  "28d": { period: 28 * DAY, ...GOOGLE },
};

/**
 * How many times faster than the budget allows a window burns: the hours the budget share
 * lasts over the period divided by the window's hours, computed in Sloth's order so that the
 * printed factor is the same float.
 */
export function burnFactor(windows: AlertWindows, w: BurnWindow): number {
  const hoursRequired = (w.budgetPercent * (windows.period / HOUR)) / 100;
  return hoursRequired / (w.long / HOUR);
}

/** Every distinct window the alerts read, shortest first. */
export function alertWindowList(windows: AlertWindows): number[] {
  const all = [windows.pageQuick, windows.pageSlow, windows.ticketQuick, windows.ticketSlow];
  return [...new Set(all.flatMap((w) => [w.short, w.long]))].sort((a, b) => a - b);
}
