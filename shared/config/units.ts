/**
 * Durations and byte sizes written the way Prometheus writes them, so values pasted from a
 * prometheus.yml mean the same thing here.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Duration units from largest to smallest; Prometheus requires them in this order. */
const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ["y", 365 * DAY],
  ["w", 7 * DAY],
  ["d", DAY],
  ["h", HOUR],
  ["m", MINUTE],
  ["s", SECOND],
  ["ms", 1],
];

/** Prometheus stores durations as int64 nanoseconds; anything longer does not fit there. */
export const MAX_DURATION_MS = Math.floor((2 ** 63 - 1) / 1e6);

/**
 * Parses a Prometheus duration (`1h30m`, `15s`, `500ms`, `1d`, `1w`, `1y`, or `0`) into
 * milliseconds. Units go from largest to smallest, each at most once, with whole numbers,
 * exactly as Prometheus's `model.ParseDuration` accepts them.
 */
export function parseDuration(text: string): number {
  const fail = (reason: string) => new SyntaxError(`Cannot parse duration "${text}": ${reason}`);
  if (text === "0") return 0;
  if (text === "") throw fail("empty string");
  let ms = 0;
  let lastUnit = -1;
  let i = 0;
  while (i < text.length) {
    const digitsEnd = scan(text, i, isDigit);
    if (digitsEnd === i) throw fail(`expected a whole number at "${text.slice(i)}"`);
    const count = Number(text.slice(i, digitsEnd));
    const unitEnd = scan(text, digitsEnd, isLetter);
    const unit = text.slice(digitsEnd, unitEnd);
    if (unit === "") {
      if (unitEnd === text.length) throw fail("missing unit");
      if (text[unitEnd] === ".") throw fail("fractions are not allowed (write 90m, not 1.5h)");
      throw fail(`unexpected "${text[unitEnd]}"`);
    }
    const index = DURATION_UNITS.findIndex(([name]) => name === unit);
    if (index < 0) throw fail(`unknown unit "${unit}" (use y, w, d, h, m, s or ms)`);
    if (index <= lastUnit) throw fail("units must go from largest to smallest, each once");
    lastUnit = index;
    ms += count * DURATION_UNITS[index][1];
    if (ms > MAX_DURATION_MS) {
      throw new RangeError(`Cannot parse duration "${text}": longer than about 292 years`);
    }
    i = unitEnd;
  }
  return ms;
}

/** Formats milliseconds the way Prometheus prints a duration (`1h30m`, `0s`), for messages and docs. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of DURATION_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
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
