import { z } from "zod";
import { isValidLabelName } from "../model/labels.ts";
import { parseByteSize, parseDuration } from "./units.ts";

/**
 * Zod building blocks for config fields shared by the agent and the aggregator. Their
 * `x-type` metadata names the field type in the generated reference (`duration`, `size`).
 */

/**
 * A Prometheus duration (`1h30m`, `15s`, `0`) parsed to milliseconds. A bare YAML number is
 * read as its text, so `15` fails with "missing unit" just as it does in Prometheus.
 */
export function duration() {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => parseWith(parseDuration, String(value), ctx))
    .meta({ "x-type": "duration" });
}

/** A duration that must be longer than zero. */
export function positiveDuration() {
  return duration().refine((ms) => ms > 0, { error: "must be longer than 0" });
}

/** The longest interval a loop may run on: JavaScript timers fire at once past 2^31-1 ms (24.8 days). */
const MAX_INTERVAL_MS = 24 * 3_600_000;

/** How often something runs (a collection, a probe, an aggregation): longer than 0, at most 1d. */
export function intervalDuration() {
  return positiveDuration().refine((ms) => ms <= MAX_INTERVAL_MS, { error: "must be at most 1d" });
}

/** A byte size in Prometheus's units (`512MiB`, `10MB`, `0`) or a plain number of bytes, as bytes. */
export function byteSize() {
  return z
    .union([z.string(), z.number().int().nonnegative()])
    .transform((value, ctx) =>
      typeof value === "number" ? value : parseWith(parseByteSize, value, ctx),
    )
    .meta({ "x-type": "size" });
}

/** A label name, checked as Prometheus 3 checks it. */
export function labelName() {
  return z.string().refine(isValidLabelName, { error: "label names must be non-empty UTF-8 text" });
}

/**
 * A map of label names to values. Scalar values are taken as their text (`port: 9100`
 * becomes "9100"), as Prometheus's YAML decoder does for string fields.
 */
export function labelSet() {
  return z
    .record(labelName(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .meta({ "x-type": "map of label name → value" });
}

/** A non-empty file path; relative paths are resolved later against the config file's folder. */
export function filePath() {
  return z.string().min(1).meta({ "x-type": "path" });
}

function parseWith(parse: (text: string) => number, text: string, ctx: z.RefinementCtx): number {
  try {
    return parse(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
}
