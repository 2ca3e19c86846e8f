/**
 * Prometheus's durations (`5m`, `1h30m`, `1d`, `1w`, `1y`, `100ms`) as its `model.ParseDuration`
 * reads them and `model.Duration.String()` prints them, in milliseconds: PromQL's, the HTTP
 * API's and the config files' durations all go through here. Units must come largest first
 * and at most once; a year is 365 days.
 */
import { goQuote } from "../model/go_string.ts";

/** Each unit's order (larger units first) and length in nanoseconds. */
const UNITS: ReadonlyMap<string, { readonly pos: number; readonly ns: bigint }> = new Map([
  ["y", { pos: 1, ns: 365n * 24n * 3600n * 1_000_000_000n }],
  ["w", { pos: 2, ns: 7n * 24n * 3600n * 1_000_000_000n }],
  ["d", { pos: 3, ns: 24n * 3600n * 1_000_000_000n }],
  ["h", { pos: 4, ns: 3600n * 1_000_000_000n }],
  ["m", { pos: 5, ns: 60n * 1_000_000_000n }],
  ["s", { pos: 6, ns: 1_000_000_000n }],
  ["ms", { pos: 7, ns: 1_000_000n }],
]);

const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Parses a duration like `1h30m` into milliseconds. Throws a SyntaxError with
 * Prometheus's message (`not a valid duration string: "5m1h"`) when it is not one.
 */
export function parseDuration(text: string): number {
  if (text === "0") return 0;
  if (text === "") throw new SyntaxError("empty duration string");
  const invalid = () => new SyntaxError(`not a valid duration string: ${goQuote(text)}`);
  let ns = 0n;
  let lastPos = 0;
  let i = 0;
  while (i < text.length) {
    const digitsFrom = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === digitsFrom) throw invalid();
    const count = BigInt(text.slice(digitsFrom, i));
    if (count > MAX_UINT64) throw invalid();
    const unitFrom = i;
    while (i < text.length && !isDigit(text.charCodeAt(i))) i++;
    if (i === unitFrom) throw invalid();
    const name = text.slice(unitFrom, i);
    const unit = UNITS.get(name);
    if (unit === undefined) {
      throw new SyntaxError(`unknown unit ${goQuote(name)} in duration ${goQuote(text)}`);
    }
    if (unit.pos <= lastPos) throw invalid();
    lastPos = unit.pos;
    if (count > (1n << 63n) / unit.ns) throw new SyntaxError("duration out of range");
    ns += count * unit.ns;
    if (ns > MAX_INT64) throw new SyntaxError("duration out of range");
  }
  return Number(ns / 1_000_000n);
}

const MS_UNITS: readonly [string, number, boolean][] = [
  ["y", 365 * 24 * 3600 * 1000, true],
  ["w", 7 * 24 * 3600 * 1000, true],
  ["d", 24 * 3600 * 1000, false],
  ["h", 3600 * 1000, false],
  ["m", 60 * 1000, false],
  ["s", 1000, false],
  ["ms", 1, false],
];

/**
 * Prints milliseconds as Prometheus does (`model.Duration.String()`): `90m` is `1h30m`, years
 * and weeks only when exact (`90d`, not `12w6d`), `0s` for zero. Negative values print with
 * a leading `-`; sub-millisecond parts are dropped.
 */
export function formatDuration(ms: number): string {
  let rest = Math.trunc(Math.abs(ms));
  if (rest === 0) return "0s";
  let out = ms < 0 ? "-" : "";
  for (const [unit, size, exact] of MS_UNITS) {
    if (exact && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
