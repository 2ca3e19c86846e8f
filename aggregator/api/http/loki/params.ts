/**
 * The parameters of Loki's query endpoints, checked in Loki 3's order and with its messages
 * (`pkg/loghttp/query.go`, `params.go`, `tail.go`). Every failure is an `OutpostError`
 * with code `bad_data` (Loki answers 400, as its query frontend wraps them).
 */

import { OutpostError } from "../../../../shared/errors/errors.ts";
import type { Form } from "../form.ts";
import {
  parseGoInt,
  parsePromDurationNs,
  parseSecondsOrDurationNs,
  parseTimestampNs,
} from "./time.ts";

/** Loki's default `max_entries_limit_per_query`. */
const MAX_ENTRIES = 5000;
/** Loki's default `max_query_length`, 721 h. */
const MAX_QUERY_LENGTH_NS = 721n * 3_600_000_000_000n;
const DEFAULT_LIMIT = 100;
const DEFAULT_SINCE_NS = 3_600_000_000_000n;
const MAX_POINTS = 11_000n;
const MAX_DELAY_FOR = 5;

/** A log or metric query over a range, as `query_range` reads it. */
export interface RangeParams {
  readonly query: string;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly stepNs: bigint;
  readonly limit: number;
  readonly direction: "forward" | "backward";
}

/** A query at one time, as `query` reads it. */
export interface InstantParams {
  readonly query: string;
  readonly timeNs: bigint;
  readonly limit: number;
  readonly direction: "forward" | "backward";
}

/** What `tail` reads before it upgrades the connection. */
export interface TailParams {
  readonly query: string;
  readonly startNs: bigint;
  readonly limit: number;
  readonly delayForSeconds: number;
}

/** Reads `/query` parameters: `limit`, `time`, `direction`. */
export function readInstantParams(form: Form, nowNs: bigint): InstantParams {
  return bad(() => {
    const limit = readLimit(form);
    const time = form.get("time");
    const timeNs = time === "" ? nowNs : parseTimestampNs(time);
    return { query: form.get("query"), timeNs, limit, direction: readDirection(form) };
  });
}

/** Reads `/query_range` parameters: bounds, `limit`, `direction`, `step`, `interval`. */
export function readRangeParams(form: Form, nowNs: bigint): RangeParams {
  return bad(() => {
    const { startNs, endNs } = readBounds(form, nowNs);
    if (endNs < startNs) throw new Error("end timestamp must not be before or equal to start time");
    checkLength(startNs, endNs);
    const limit = readLimit(form);
    const direction = readDirection(form);
    const step = form.get("step");
    const stepNs = step === "" ? defaultStepNs(startNs, endNs) : parseSecondsOrDurationNs(step);
    if (stepNs <= 0n) {
      throw new Error(
        "zero or negative query resolution step widths are not accepted. Try a positive integer",
      );
    }
    if ((endNs - startNs) / stepNs > MAX_POINTS) {
      throw new Error(
        "exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter",
      );
    }
    const interval = form.get("interval");
    // `interval` only thins out log lines; it is checked as Loki checks it, then ignored.
    if (interval !== "" && parseSecondsOrDurationNs(interval) < 0n) {
      throw new Error("interval must be >= 0");
    }
    return { query: form.get("query"), startNs, endNs, stepNs, limit, direction };
  });
}

/** Reads `tail` parameters: `limit`, `start` (via the bounds), `delay_for` (at most 5). */
export function readTailParams(form: Form, nowNs: bigint): TailParams {
  return bad(() => {
    const limit = readLimit(form);
    const { startNs } = readBounds(form, nowNs);
    const delay = form.get("delay_for");
    const delayFor = delay === "" ? 0 : Number(parseGoInt(delay, "Atoi"));
    // Loki stores it as a uint32, so a negative delay is a huge one.
    if (delayFor < 0 || delayFor > MAX_DELAY_FOR) {
      throw new Error(`delay_for can't be greater than ${MAX_DELAY_FOR}`);
    }
    return { query: form.get("query"), startNs, limit, delayForSeconds: delayFor };
  });
}

/** `start`, `end` and `since`, with Loki's defaults: `end` now, `start` `since` (1h) before. */
export function readBounds(form: Form, nowNs: bigint): { startNs: bigint; endNs: bigint } {
  return bad(() => {
    let sinceNs = DEFAULT_SINCE_NS;
    const since = form.get("since");
    if (since !== "")
      sinceNs = wrap("could not parse 'since' parameter", () => parsePromDurationNs(since));
    const end = form.get("end");
    const endNs =
      end === "" ? nowNs : wrap("could not parse 'end' parameter", () => parseTimestampNs(end));
    // A future end would push the default start into the future too; Loki counts from now.
    const endOrNow = endNs > nowNs ? nowNs : endNs;
    const start = form.get("start");
    const startNs =
      start === ""
        ? endOrNow - sinceNs
        : wrap("could not parse 'start' parameter", () => parseTimestampNs(start));
    return { startNs, endNs };
  });
}

/** Loki's default step: a 250th of the range in whole seconds, at least one second. */
export function defaultStepNs(startNs: bigint, endNs: bigint): bigint {
  const seconds = Math.max(Math.floor(Number(endNs - startNs) / 1e9 / 250), 1);
  return BigInt(seconds) * 1_000_000_000n;
}

function readLimit(form: Form): number {
  const text = form.get("limit");
  const limit = text === "" ? DEFAULT_LIMIT : Number(parseGoInt(text, "Atoi"));
  if (limit <= 0) throw new Error("limit must be a positive value");
  // Loki's default limits (max_entries_limit_per_query, max_query_length), with its messages:
  // a query may not hold the whole store in memory at once.
  if (limit > MAX_ENTRIES) {
    throw new Error(
      `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${MAX_ENTRIES})`,
    );
  }
  return limit;
}

/** Refuses a range longer than Loki's default max_query_length (721 h). */
function checkLength(startNs: bigint, endNs: bigint): void {
  const length = endNs - startNs;
  if (length <= MAX_QUERY_LENGTH_NS) return;
  const seconds = length / 1_000_000_000n;
  const go = `${seconds / 3600n}h${(seconds % 3600n) / 60n}m${seconds % 60n}s`;
  throw new Error(`the query time range exceeds the limit (query length: ${go}, limit: 721h)`);
}

function readDirection(form: Form): "forward" | "backward" {
  const text = form.get("direction");
  if (text === "") return "backward";
  const upper = text.toUpperCase();
  if (upper === "FORWARD") return "forward";
  if (upper === "BACKWARD") return "backward";
  throw new Error(`invalid direction '${text}'`);
}

/** Prefixes an error's message, as Go's `errors.Wrap`. */
function wrap<T>(context: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new Error(`${context}: ${(err as Error).message}`);
  }
}

/** Runs a parameter reader, answering whatever it throws as a 400. */
function bad<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof OutpostError) throw err;
    throw new OutpostError("bad_data", (err as Error).message);
  }
}
