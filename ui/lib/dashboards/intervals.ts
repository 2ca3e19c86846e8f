/**
 * The intervals a panel's queries run at, as Grafana computes them: `$__interval` from the range
 * and the points the panel can show, rounded to a tidy value and never under the panel's or the
 * target's minimum; `$__rate_interval`; and the `interval` variable's `auto` value.
 */
import { formatDuration, parseDuration } from "../time.ts";

/** Grafana's default scrape interval of a Prometheus data source. */
export const DEFAULT_SCRAPE_MS = 15_000;

// [below this many ms, round to this] — Grafana's kbn.roundInterval table.
const ROUNDING: [number, number][] = [
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1_500, 1_000],
  [3_500, 2_000],
  [7_500, 5_000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
  [27_000_000, 21_600_000],
  [43_200_000, 43_200_000],
  [604_800_000, 86_400_000],
  [1_814_400_000, 604_800_000],
];

/** `ms` rounded to the tidy interval Grafana would pick. */
export function roundInterval(ms: number): number {
  for (const [below, to] of ROUNDING) if (ms < below) return to;
  return 2_592_000_000;
}

/** Milliseconds of a min-interval text (`30s`, `>1m`, `$var` already interpolated), or 0. */
export function minIntervalMs(text: string | undefined): number {
  if (!text) return 0;
  return parseDuration(text.replace(/^>/, "").trim()) ?? 0;
}

/** `$__interval` in ms: range over points, rounded, at least `minMs`. */
export function panelInterval(rangeMs: number, maxDataPoints: number, minMs = 0): number {
  const raw = rangeMs / Math.max(1, maxDataPoints);
  return Math.max(roundInterval(raw), minMs, 1);
}

/** `$__rate_interval`: max(4 × scrape, interval + scrape). */
export function rateInterval(intervalMs: number, scrapeMs = DEFAULT_SCRAPE_MS): number {
  return Math.max(4 * scrapeMs, intervalMs + scrapeMs);
}

/** The `auto` value of an interval variable: range over `count` steps, rounded, at least `min`. */
export function autoInterval(rangeMs: number, count = 30, min = "10s"): string {
  const ms = Math.max(roundInterval(rangeMs / Math.max(1, count)), parseDuration(min) ?? 0);
  return formatDuration(ms);
}

/** The built-in time variables of a range and interval, as raw text. */
export function timeBuiltins(
  range: { from: number; to: number },
  intervalMs: number,
  scrapeMs = DEFAULT_SCRAPE_MS,
): Record<string, string> {
  const rangeMs = range.to - range.from;
  return {
    __interval: formatDuration(intervalMs),
    __interval_ms: String(intervalMs),
    __rate_interval: formatDuration(rateInterval(intervalMs, scrapeMs)),
    __rate_interval_ms: String(rateInterval(intervalMs, scrapeMs)),
    __range: `${Math.round(rangeMs / 1000)}s`,
    __range_s: String(Math.round(rangeMs / 1000)),
    __range_ms: String(rangeMs),
    __from: String(range.from),
    __to: String(range.to),
  };
}
