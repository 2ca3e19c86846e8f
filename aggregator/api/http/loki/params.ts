/**
 * The parameters of Loki's query endpoints, checked in Loki 3's order and with its messages
 * (`pkg/loghttp/query.go`, `params.go`, `tail.go`). Every failure is an `OutpostError`
 * with code `bad_data` (Loki answers 400, as its query frontend wraps them).
 */

import { OutpostError } from "../../../../shared/errors/errors.ts";
import {
  checkLimit,
  checkRange,
  checkStep,
  DEFAULT_LIMIT,
  defaultStepNs,
} from "../../logs/limits.ts";
import type { Form } from "../form.ts";
import {
  parseGoInt,
  parsePromDurationNs,
  parseSecondsOrDurationNs,
  parseTimestampNs,
} from "./time.ts";

const DEFAULT_SINCE_NS = 3_600_000_000_000n;
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
    checkRange(startNs, endNs);
    const limit = readLimit(form);
    const direction = readDirection(form);
    const step = form.get("step");
    const stepNs = step === "" ? defaultStepNs(startNs, endNs) : parseSecondsOrDurationNs(step);
    checkStep(startNs, endNs, stepNs);
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

function readLimit(form: Form): number {
  const text = form.get("limit");
  const limit = text === "" ? DEFAULT_LIMIT : Number(parseGoInt(text, "Atoi"));
  return checkLimit(limit);
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
