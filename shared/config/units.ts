/**
 * Durations and byte sizes written the way Prometheus writes them, so values pasted from a
 * prometheus.yml mean the same thing here.
 */

import { parseDuration as parsePrometheusDuration } from "../time/duration.ts";

/** Prometheus stores durations as int64 nanoseconds; anything longer does not fit there. */
export const MAX_DURATION_MS = Math.floor((2 ** 63 - 1) / 1e6);

/**
 * Parses a Prometheus duration (`1h30m`, `15s`, `500ms`, `1d`, `1w`, `1y`, or `0`) into
 * milliseconds, as Prometheus's `model.ParseDuration` accepts them (shared/time/duration.ts),
 * with a message for config files that says how to fix a wrong one.
 */
export function parseDuration(text: string): number {
  let ms: number;
  try {
    ms = parsePrometheusDuration(text);
  } catch {
    // Well formed but refused: a number too large for Prometheus's int64 nanoseconds.
    const hint = durationHint(text);
    if (hint === null) throw tooLong(text);
    throw new SyntaxError(`Cannot parse duration "${text}": ${hint}`);
  }
  if (ms > MAX_DURATION_MS) throw tooLong(text);
  return ms;
}

function tooLong(text: string): RangeError {
  return new RangeError(`Cannot parse duration "${text}": longer than about 292 years`);
}

/**
 * What is wrong with a duration Prometheus refused, in words a config's author can act on:
 * the first place the text stops being `<whole number><unit>…`, largest unit first; null
 * when it is well formed.
 */
function durationHint(text: string): string | null {
  if (text === "") return "empty string";
  const units = ["y", "w", "d", "h", "m", "s", "ms"];
  let last = -1;
  let i = 0;
  while (i < text.length) {
    const digits = /^\d+/.exec(text.slice(i))?.[0] ?? "";
    if (digits === "") return `expected a whole number at "${text.slice(i)}"`;
    i += digits.length;
    const unit = /^[a-zA-Z]+/.exec(text.slice(i))?.[0] ?? "";
    if (unit === "") {
      if (i === text.length) return "missing unit";
      if (text[i] === ".") return "fractions are not allowed (write 90m, not 1.5h)";
      return `unexpected "${text[i]}"`;
    }
    const at = units.indexOf(unit);
    if (at < 0) return `unknown unit "${unit}" (use y, w, d, h, m, s or ms)`;
    if (at <= last) return "units must go from largest to smallest, each once";
    last = at;
    i += unit.length;
  }
  return null;
}

/** Byte units; Prometheus's `body_size_limit` reads both `KB` and `KiB` as 1024 bytes. */
const BYTE_UNITS: ReadonlyMap<string, number> = new Map([
  ["B", 1],
  ["KB", 1024],
  ["KiB", 1024],
  ["MB", 1024 ** 2],
  ["MiB", 1024 ** 2],
  ["GB", 1024 ** 3],
  ["GiB", 1024 ** 3],
  ["TB", 1024 ** 4],
  ["TiB", 1024 ** 4],
  ["PB", 1024 ** 5],
  ["PiB", 1024 ** 5],
  ["EB", 1024 ** 6],
  ["EiB", 1024 ** 6],
]);

/**
 * Parses a byte size the way Prometheus parses `body_size_limit` (alecthomas/units base-2):
 * `512MiB`, `10MB`, `1.5GB`, `1GB512MB` or `0`. Every prefix is a power of 1024, and the
 * lower-case `k` is refused rather than guessed. Fractional bytes are truncated.
 */
export function parseByteSize(text: string): number {
  const fail = (reason: string) => new SyntaxError(`Cannot parse size "${text}": ${reason}`);
  if (text === "0") return 0;
  if (text === "") throw fail("empty string");
  if (text[0] === "-") throw fail("sizes cannot be negative");
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const numberEnd = scan(text, i, (c) => isDigit(c) || c === ".");
    const digits = text.slice(i, numberEnd);
    const count = Number(digits);
    if (digits === "" || digits === "." || Number.isNaN(count)) {
      throw fail(`expected a number at "${text.slice(i)}"`);
    }
    const unitEnd = scan(text, numberEnd, isLetter);
    const unit = text.slice(numberEnd, unitEnd);
    if (unit === "") {
      if (unitEnd === text.length) throw fail("missing unit");
      throw fail(`unexpected "${text[unitEnd]}"`);
    }
    const size = BYTE_UNITS.get(unit);
    if (size === undefined)
      throw fail(`unknown unit "${unit}" (use B, KB, MB, GB, TB, KiB, MiB, …)`);
    bytes += count * size;
    i = unitEnd;
  }
  if (bytes > Number.MAX_SAFE_INTEGER)
    throw new RangeError(`Cannot parse size "${text}": too large`);
  return Math.floor(bytes);
}

/** Formats a byte count with the largest exact base-2 unit (`512MiB`, `1536B`), for docs and messages. */
export function formatByteSize(bytes: number): string {
  const units = ["EiB", "PiB", "TiB", "GiB", "MiB", "KiB"];
  for (const unit of units) {
    const size = BYTE_UNITS.get(unit)!;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

function scan(text: string, from: number, accept: (c: string) => boolean): number {
  let i = from;
  while (i < text.length && accept(text[i])) i++;
  return i;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isLetter(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}
