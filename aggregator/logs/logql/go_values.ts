/**
 * Values read the way Loki's Go code reads them, with Go's error texts (they end up in
 * `__error_details__` labels and in parse errors): `strconv.ParseFloat`, `time.ParseDuration`,
 * go-humanize's `ParseBytes`, and the LogQL lexer's durations (Prometheus units first, Go's
 * `time.ParseDuration` as the fallback).
 */
import { goQuote } from "../../../shared/model/go_string.ts";
import { type GoResult, parseGoDuration } from "../../../shared/time/go_duration.ts";
import { parseDuration as parsePromDuration } from "../../promql/parser/parse.ts";

export { type GoResult, parseGoDuration };

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
