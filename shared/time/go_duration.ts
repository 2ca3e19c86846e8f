/**
 * Go's `time.ParseDuration`, with Go's error texts: what alertmanager.yml's durations and
 * LogQL's `duration()` conversions read. A leaf, so that the notifier process need not load the
 * log query code to read its config.
 */
import { goQuote } from "../model/go_string.ts";

/** A parsed value or Go's error text. */
export type GoResult =
  | { readonly value: number; readonly error?: undefined }
  | { readonly value?: undefined; readonly error: string };

/** Nanoseconds per unit of Go's `time.ParseDuration`. */
const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration`, in nanoseconds. */
export function parseGoDuration(s: string): GoResult {
  const invalid = { error: `time: invalid duration ${goQuote(s)}` };
  let i = 0;
  let sign = 1;
  if (s[0] === "-" || s[0] === "+") {
    sign = s[0] === "-" ? -1 : 1;
    i = 1;
  }
  if (s.slice(i) === "0") return { value: 0 };
  if (i === s.length) return invalid;
  let total = 0;
  while (i < s.length) {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s.slice(i))!;
    if (number[0] === "" || number[0] === ".") return invalid;
    i += number[0].length;
    const unit = /^[^\d.]*/.exec(s.slice(i))![0];
    if (unit === "") return { error: `time: missing unit in duration ${goQuote(s)}` };
    const scale = GO_UNITS[unit];
    if (scale === undefined) {
      return { error: `time: unknown unit ${goQuote(unit)} in duration ${goQuote(s)}` };
    }
    i += unit.length;
    total += Number(`${number[1] || "0"}.${number[2] ?? ""}0`) * scale;
  }
  if (total > 9.223372036854775e18) return invalid;
  return { value: sign * Math.round(total) };
}
