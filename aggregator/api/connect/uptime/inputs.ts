/**
 * The uptime service's requests checked and read, each bad value an `invalid_argument` naming
 * its field, with sizes capped so one request cannot ask for unbounded work.
 */
import type { Label } from "../../../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { invalid } from "../alerts/inputs.ts";

const DAY = 86_400_000;
/** 24h, 7d, 30d, 90d and 1y: the windows an uptime page shows by default. */
export const DEFAULT_WINDOWS_MS = [DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY];
const MAX_WINDOWS = 16;
const MAX_WINDOW_MS = 10 * 365 * DAY;
/** The longest range of down intervals and response times (raw samples are read for it). */
export const MAX_RANGE_MS = 31 * DAY;
const MAX_LABELS = 32;
const MAX_LABEL_BYTES = 4096;
/** Names written bare in a selector; probe labels are all of this form. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The SLA windows: the defaults when none, else each above 0 and at most 10 years. */
export function windowsIn(windows: readonly bigint[]): number[] {
  if (windows.length === 0) return DEFAULT_WINDOWS_MS;
  if (windows.length > MAX_WINDOWS) throw invalid("windows_ms", `at most ${MAX_WINDOWS} windows`);
  return windows.map((w, i) => {
    if (w <= 0n) throw invalid(`windows_ms[${i}]`, `must be above 0, got ${w}`);
    if (w > BigInt(MAX_WINDOW_MS)) throw invalid(`windows_ms[${i}]`, "must be at most 10 years");
    return Number(w);
  });
}

/** A time: `now` when 0, else positive. */
export function timeIn(name: string, t: bigint, now: number): number {
  if (t === 0n) return now;
  if (t < 0n) throw invalid(name, `must not be negative, got ${t}`);
  return Number(t);
}

/** A duration that may be 0 (the default) but not negative. */
export function durationIn(name: string, d: bigint): number {
  if (d < 0n) throw invalid(name, `must not be negative, got ${d}`);
  return Number(d);
}

/** A PromQL equality matcher for `job`, or "" for every job. */
export function jobMatcher(job: string): string {
  if (job.length > MAX_LABEL_BYTES) throw invalid("job", "is too long");
  return job === "" ? "" : `job=${JSON.stringify(job)}`;
}

/** Equality matchers for a target's labels: at least one, names valid, values not empty. */
export function labelMatchers(labels: readonly Label[]): string {
  if (labels.length === 0) throw invalid("labels", "is required (at least job and instance)");
  if (labels.length > MAX_LABELS) throw invalid("labels", `at most ${MAX_LABELS} labels`);
  return labels
    .map((l, i) => {
      if (!LABEL_NAME.test(l.name) || l.name === "__name__") {
        throw invalid(`labels[${i}].name`, `not a valid label name: ${JSON.stringify(l.name)}`);
      }
      if (l.value === "") throw invalid(`labels[${i}].value`, "is required");
      if (l.value.length > MAX_LABEL_BYTES) throw invalid(`labels[${i}].value`, "is too long");
      return `${l.name}=${JSON.stringify(l.value)}`;
    })
    .join(",");
}

/** The detail range's start: 24h before `timeMs` when 0, else before it and within 31 days. */
export function startIn(start: bigint, timeMs: number): number {
  if (start === 0n) return timeMs - DAY;
  const s = Number(start);
  if (s >= timeMs) throw invalid("start_ms", "must be before time_ms");
  if (timeMs - s > MAX_RANGE_MS) throw invalid("start_ms", "must be within 31 days of time_ms");
  return s;
}

/** The response-time step: 250 steps over the range (at least 1 s) when 0. */
export function stepIn(step: bigint, startMs: number, timeMs: number): number {
  if (step < 0n) throw invalid("step_ms", `must not be negative, got ${step}`);
  if (step === 0n) return Math.max(1000, Math.ceil((timeMs - startMs) / 250));
  return Number(step);
}
