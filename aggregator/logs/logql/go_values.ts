/**
 * Values read the way Loki's Go code reads them, with Go's error texts (they end up in
 * `__error_details__` labels and in parse errors): `strconv.ParseFloat`, `time.ParseDuration`,
 * go-humanize's `ParseBytes`, and the LogQL lexer's durations (Prometheus units first, Go's
 * `time.ParseDuration` as the fallback).
 */
import { goQuote } from "../../../shared/model/go_string.ts";
import { parseDuration as parsePromDuration } from "../../promql/parser/parse.ts";

/** A parsed value or Go's error text. */
export type GoResult =
  | { readonly value: number; readonly error?: undefined }
  | { readonly value?: undefined; readonly error: string };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  inf: Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  nan: Number.NaN,
};

/** `strconv.ParseFloat(s, 64)` for decimal text, `Inf` and `NaN`. */
export function parseGoFloat(s: string): GoResult {
  if (DECIMAL.test(s)) {
    const value = Number(s);
    if (Number.isFinite(value)) return { value };
    return { error: `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range` };
  }
  const sign = s[0] === "-" ? -1 : 1;
  const body = s[0] === "-" || s[0] === "+" ? s.slice(1) : s;
  const special = SPECIAL[body.toLowerCase()];
  if (special !== undefined) return { value: sign * special };
  return { error: `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax` };
}

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

/** A LogQL duration literal (`5m`, `1h30m`, `250ms`, `1.5s`, `-5m`) in nanoseconds. */
export function parseLokiDuration(s: string): number | undefined {
  try {
    return parsePromDuration(s) * 1e6;
  } catch {
    const go = parseGoDuration(s);
    return go.error === undefined ? go.value : undefined;
  }
}

const KB = 1000;
const KIB = 1024;
const BYTE_SIZES: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: KB,
  kb: KB,
  ki: KIB,
  kib: KIB,
  m: KB ** 2,
  mb: KB ** 2,
  mi: KIB ** 2,
  mib: KIB ** 2,
  g: KB ** 3,
  gb: KB ** 3,
  gi: KIB ** 3,
  gib: KIB ** 3,
  t: KB ** 4,
  tb: KB ** 4,
  ti: KIB ** 4,
  tib: KIB ** 4,
  p: KB ** 5,
  pb: KB ** 5,
  pi: KIB ** 5,
  pib: KIB ** 5,
  e: KB ** 6,
  eb: KB ** 6,
  ei: KIB ** 6,
  eib: KIB ** 6,
};

/** go-humanize's `ParseBytes` (`2.5KiB`, `10MB`, `1024`), truncated to a whole byte count. */
export function parseBytes(s: string): GoResult {
  const digits = /^[\d.,]*/.exec(s)![0];
  const number = parseGoFloat(digits.replaceAll(",", ""));
  if (number.error !== undefined) return number;
  const extra = s.slice(digits.length).trim().toLowerCase();
  const size = BYTE_SIZES[extra];
  if (size === undefined) return { error: `unhandled size name: ${extra}` };
  const value = number.value * size;
  if (value >= 2 ** 64) return { error: `too large: ${s}` };
  return { value: Math.trunc(value) };
}
