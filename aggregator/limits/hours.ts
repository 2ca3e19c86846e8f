/**
 * `max_hours_per_minute`: the distinct hours a tenant's samples (and, apart, its log lines) may
 * fall in per minute of ingest. Storage keeps one partition per tenant and hour, and every
 * partition a flush touches is a Parquet file written and a catalog entry: an agent's batch
 * of one sample in each of 3,000 past hours made one flush write 3,000 files (~27 s, while
 * every tenant's acknowledgements waited). An agent's own batches span one or two hours; what
 * opens many is the replay of a spool kept through a long outage, which this paces (at the
 * default, five days of backlog a minute) rather than refuses.
 */
import type { Frame } from "../ingest/frame.ts";

const HOUR_MS = 3_600_000;
const HOUR_NS = 3_600_000_000_000n;
/** The window the hours are counted over. */
export const HOURS_WINDOW_MS = 60_000;

/** The hours (ms since the epoch / 1 h, floored) a batch's samples or log lines fall in. */
export function batchHours(frame: Frame): Set<number> {
  const hours = new Set<number>();
  const logs = frame.batch.logs;
  if (logs) {
    let last = Number.NaN;
    for (const ns of logs.timeNs) {
      const hour = Number(ns / HOUR_NS) - (ns < 0n && ns % HOUR_NS !== 0n ? 1 : 0);
      if (hour !== last) hours.add(hour);
      last = hour;
    }
    return hours;
  }
  const { timestamps, length } = frame.batch.samples;
  let last = Number.NaN;
  for (let i = 0; i < length; i++) {
    // Most batches hold one scrape time after another: a Set insert only when the hour changes.
    const hour = Math.floor(timestamps[i] / HOUR_MS);
    if (hour !== last) hours.add(hour);
    last = hour;
  }
  return hours;
}

interface Window {
  start: number;
  readonly hours: Set<number>;
}

/** The hours each tenant's batches opened in the current minute, per signal. */
export class HourWindows {
  private readonly windows = new Map<string, Window>();

  /**
   * Counts `hours` against `limit` for `key` (tenant and signal): 0 when they fit (and are
   * counted), the ms until the window ends when they fit only then, Infinity when they never
   * fit (more hours than the limit in one batch).
   */
  take(key: string, hours: ReadonlySet<number>, limit: number, now: number): number {
    if (hours.size > limit) return Number.POSITIVE_INFINITY;
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= HOURS_WINDOW_MS) {
      w = { start: now, hours: new Set() };
      this.windows.set(key, w);
    }
    let added = 0;
    for (const h of hours) if (!w.hours.has(h)) added++;
    if (w.hours.size + added > limit) return w.start + HOURS_WINDOW_MS - now;
    for (const h of hours) w.hours.add(h);
    return 0;
  }

  /** Forgets the windows of `keys`' tenants (a reload changed their limits). */
  forget(tenants: readonly string[]): void {
    for (const key of [...this.windows.keys()])
      if (tenants.some((t) => key.startsWith(`${t}\xff`))) this.windows.delete(key);
  }
}
