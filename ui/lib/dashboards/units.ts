/**
 * Grafana's value units (`fieldConfig.defaults.unit`): a number and a unit id become a prefix,
 * a text and a suffix, as Grafana's `getValueFormat(id)(value, decimals)` gives them
 * (packages/grafana-data/src/valueFormats). The arithmetic is our own; the outputs are
 * Grafana's, case by case, in units.test.ts.
 */

/** A formatted number, split as Grafana splits it (the stat panel sizes the suffix smaller). */
export interface Formatted {
  prefix?: string;
  text: string;
  suffix?: string;
}

/** A unit's formatter; `decimals` null or undefined means "auto", as Grafana's. */
export type Formatter = (value: number, decimals?: number | null) => Formatted;

/** The whole formatted string. */
export function formattedToString(f: Formatted): string {
  return `${f.prefix ?? ""}${f.text}${f.suffix ?? ""}`;
}

/**
 * Grafana's auto decimals: one significant digit past the leading one (two when the
 * normalised value is above 2.25, so 1.5 GiB shows as "1.50 GiB"), none for integers.
 */
export function autoDecimals(value: number): number {
  if (value % 1 === 0) return 0;
  const abs = Math.abs(value);
  let dec = -Math.floor(Math.log10(abs)) + 1;
  const norm = abs / 10 ** -dec;
  if (norm > 2.25) dec++;
  return Math.max(0, dec);
}

/** Grafana's `toFixed`: rounds to the decimals (auto when absent) and pads with zeros. */
export function toFixed(value: number, decimals?: number | null): string {
  if (!Number.isFinite(value)) return String(value).replace("Infinity", "Inf");
  const dec = decimals ?? autoDecimals(value);
  if (value === 0) return value.toFixed(Math.max(0, dec));
  const factor = dec ? 10 ** Math.max(0, dec) : 1;
  const rounded = String(Math.round(value * factor) / factor);
  if (rounded.includes("e")) return rounded;
  const dot = rounded.indexOf(".");
  const precision = dot === -1 ? 0 : rounded.length - dot - 1;
  if (precision >= dec) return rounded;
  return (precision ? rounded : `${rounded}.`) + "0".repeat(dec - precision);
}

function fixedUnit(unit: string, asPrefix = false): Formatter {
  return (v, d) => {
    const text = toFixed(v, d);
    if (!unit) return { text };
    return asPrefix ? { prefix: unit, text } : { text, suffix: ` ${unit}` };
  };
}

/** Scales by powers of `factor` and picks the suffix at that power (Grafana's `scaledUnits`). */
function scaled(factor: number, suffixes: string[], offset = 0): Formatter {
  return (v, d) => {
    if (!Number.isFinite(v)) return { text: toFixed(v) };
    let power = v === 0 ? 0 : Math.floor(Math.log(Math.abs(v)) / Math.log(factor));
    // Logarithms land a hair under whole powers (1000³): step up when the value reaches it.
    if (v !== 0 && Math.abs(v) >= factor ** (power + 1)) power++;
    const index = Math.min(Math.max(offset + power, 0), suffixes.length - 1);
    return { text: toFixed(v / factor ** (index - offset), d), suffix: suffixes[index] };
  };
}

const SI = ["f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y"];

/** SI prefixes around `unit`; `offset` says what power the raw value is at (bytes at 0). */
function si(unit: string, offset = 0): Formatter {
  return scaled(
    1000,
    SI.slice(5 + offset).map((p) => ` ${p}${unit}`),
  );
}

/** SI prefixes both ways (volts, hertz: a millivolt is "1 mV"). */
function siBoth(unit: string): Formatter {
  return scaled(
    1000,
    SI.map((p) => ` ${p}${unit}`),
    5,
  );
}

/** Binary prefixes; `offset` 1 when the raw value is already in Ki (kbytes). */
function binary(unit: string, offset = 0): Formatter {
  return scaled(
    1024,
    ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"].map((p) => ` ${p}${unit}`),
    offset,
  );
}

function count(symbol: string): Formatter {
  const f = scaled(1000, ["", "K", "M", "B", "T"]);
  return (v, d) => {
    const r = f(v, d);
    return { ...r, suffix: `${r.suffix ?? ""} ${symbol}` };
  };
}

/** Steps of a time unit: below `limit` (in the input unit) divide by `div` and name it. */
type Step = [limit: number, div: number, name: string];

function timeUnit(steps: Step[], last: [div: number, name: string]): Formatter {
  return (v, d) => {
    if (v === 0) return { text: "0", suffix: ` ${steps.find((s) => s[1] === 1)?.[2] ?? ""}` };
    const abs = Math.abs(v);
    for (const [limit, div, name] of steps) {
      if (abs < limit) return { text: toFixed(v / div, d), suffix: ` ${name}` };
    }
    return { text: toFixed(v / last[0], d), suffix: ` ${last[1]}` };
  };
}

const seconds = timeUnit(
  [
    [1e-6, 1e-9, "ns"],
    [1e-3, 1e-6, "µs"],
    [1, 1e-3, "ms"],
    [60, 1, "s"],
    [3600, 60, "min"],
    [86400, 3600, "hour"],
    [604800, 86400, "day"],
    [31536000, 604800, "week"],
  ],
  [3.15569e7, "year"],
);

const DURATION_UNITS: [name: string, seconds: number][] = [
  ["year", 31536000],
  ["month", 2592000],
  ["week", 604800],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
  ["millisecond", 0.001],
];

/** Grafana's `toDuration`: the largest unit, then `decimals` more ("1 hour, 2 minutes"). */
function duration(seconds: number, decimals?: number | null): Formatted {
  if (seconds === 0) return { text: "0", suffix: " seconds" };
  if (seconds < 0) {
    const r = duration(-seconds, decimals);
    return { ...r, suffix: `${r.suffix ?? ""} ago` };
  }
  let ms = seconds * 1000;
  let left = decimals ?? 0;
  const parts: string[] = [];
  for (const [name, secs] of DURATION_UNITS) {
    if (left < 0) break;
    const unitMs = secs * 1000;
    const n = ms / unitMs;
    if (n >= 1 || parts.length > 0) {
      const whole = Math.floor(n);
      parts.push(`${whole} ${name}${whole !== 1 ? "s" : ""}`);
      ms %= unitMs;
      left--;
    }
  }
  return { text: parts.join(", ") };
}

const pad = (n: number) => String(Math.floor(n)).padStart(2, "0");

/** Grafana's `dtdhms`: "1 d 02:03:04". */
function dhms(v: number): Formatted {
  if (v < 0) return { text: `-${dhms(-v).text}` };
  const days = Math.floor(v / 86400);
  const rest = v - days * 86400;
  const hms = `${pad(rest / 3600)}:${pad((rest % 3600) / 60)}:${pad(rest % 60)}`;
  return { text: days > 0 ? `${days} d ${hms}` : hms };
}

/** Local time as "YYYY-MM-DD HH:mm:ss" (Grafana's dateTimeAsIso). */
export function isoLocal(ms: number): string {
  const t = new Date(ms);
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** "5 minutes ago", "in 2 hours" (Grafana's dateTimeFromNow, moment's wording). */
export function fromNow(ms: number, now = Date.now()): string {
  const s = Math.abs(now - ms) / 1000;
  const [n, unit] =
    s < 45
      ? [0, "a few seconds"]
      : s < 90
        ? [0, "a minute"]
        : s < 2700
          ? [Math.round(s / 60), "minutes"]
          : s < 5400
            ? [0, "an hour"]
            : s < 79200
              ? [Math.round(s / 3600), "hours"]
              : s < 129600
                ? [0, "a day"]
                : [Math.round(s / 86400), "days"];
  const text = n ? `${n} ${unit}` : unit;
  return ms <= now ? `${text} ago` : `in ${text}`;
}

const UNITS: Record<string, Formatter> = {
  none: fixedUnit(""),
  short: scaled(1000, ["", " K", " Mil", " Bil", " Tri", " Quadr", " Quint", " Sext", " Sept"]),
  percent: (v, d) => ({ text: toFixed(v, d), suffix: "%" }),
  percentunit: (v, d) => ({ text: toFixed(v * 100, d), suffix: "%" }),
  bytes: binary("B"),
  decbytes: si("B"),
  kbytes: binary("B", 1),
  mbytes: binary("B", 2),
  gbytes: binary("B", 3),
  deckbytes: si("B", 1),
  decmbytes: si("B", 2),
  decgbytes: si("B", 3),
  bits: binary("b"),
  decbits: si("b"),
  Bps: si("B/s"),
  binBps: binary("B/s"),
  bps: si("b/s"),
  binbps: binary("b/s"),
  Kbits: si("b/s", 1),
  Mbits: si("b/s", 2),
  Gbits: si("b/s", 3),
  KBs: si("B/s", 1),
  MBs: si("B/s", 2),
  GBs: si("B/s", 3),
  KiBs: binary("B/s", 1),
  MiBs: binary("B/s", 2),
  s: seconds,
  ms: timeUnit(
    [
      [1000, 1, "ms"],
      [60000, 1000, "s"],
      [3600000, 60000, "min"],
      [86400000, 3600000, "hour"],
      [31536000000, 86400000, "day"],
    ],
    [31536000000, "year"],
  ),
  µs: timeUnit(
    [
      [1000, 1, "µs"],
      [1e6, 1000, "ms"],
    ],
    [1e6, "s"],
  ),
  ns: timeUnit(
    [
      [1000, 1, "ns"],
      [1e6, 1000, "µs"],
      [1e9, 1e6, "ms"],
      [60e9, 1e9, "s"],
      [3600e9, 60e9, "min"],
      [86400e9, 3600e9, "hour"],
    ],
    [86400e9, "day"],
  ),
  m: timeUnit(
    [
      [60, 1, "min"],
      [1440, 60, "hour"],
      [10080, 1440, "day"],
      [604800, 10080, "week"],
    ],
    [525948, "year"],
  ),
  h: timeUnit(
    [
      [24, 1, "hour"],
      [168, 24, "day"],
      [8760, 168, "week"],
    ],
    [8760, "year"],
  ),
  d: timeUnit(
    [
      [7, 1, "day"],
      [365, 7, "week"],
    ],
    [365, "year"],
  ),
  dtdurations: duration,
  dtdurationms: (v, d) => duration(v / 1000, d),
  dtdhms: (v) => dhms(v),
  hertz: siBoth("Hz"),
  // Grafana's throughput units: `rps` is reads, `rpm` reads a minute (categories.ts).
  cps: count("c/s"),
  ops: count("ops/s"),
  reqps: count("req/s"),
  rps: count("rd/s"),
  wps: count("wr/s"),
  iops: count("io/s"),
  eps: count("evt/s"),
  mps: count("msg/s"),
  recps: count("rec/s"),
  rowsps: count("rows/s"),
  cpm: count("c/m"),
  opm: count("ops/m"),
  reqpm: count("req/m"),
  rpm: count("rd/m"),
  wpm: count("wr/m"),
  pps: si("p/s"),
  rotrpm: fixedUnit("rpm"),
  bool: (v) => ({ text: v ? "True" : "False" }),
  bool_yes_no: (v) => ({ text: v ? "Yes" : "No" }),
  bool_on_off: (v) => ({ text: v ? "On" : "Off" }),
  celsius: fixedUnit("°C"),
  fahrenheit: fixedUnit("°F"),
  volt: siBoth("V"),
  amp: siBoth("A"),
  watt: siBoth("W"),
  kwatt: si("W", 1),
  dateTimeAsIso: (v) => ({ text: isoLocal(v) }),
  dateTimeAsLocal: (v) => ({ text: new Date(v).toLocaleString() }),
  dateTimeFromNow: (v) => ({ text: fromNow(v) }),
  locale: (v, d) => ({
    text: v.toLocaleString(undefined, d == null ? {} : { maximumFractionDigits: d }),
  }),
  currencyUSD: currency("$"),
  currencyEUR: currency("€"),
  currencyGBP: currency("£"),
};
// Grafana spells microseconds both ways.
UNITS.us = UNITS.µs;

function currency(symbol: string): Formatter {
  const f = scaled(1000, ["", "K", "M", "B", "T"]);
  return (v, d) => ({ prefix: symbol, ...f(v, d) });
}

/** The formatter of a unit id; an unknown id is a suffix, as Grafana treats it. */
export function unitFormatter(unit: string | undefined): Formatter {
  if (!unit) return UNITS.none;
  const known = UNITS[unit];
  if (known) return known;
  if (unit.startsWith("suffix:")) return fixedUnit(unit.slice(7));
  if (unit.startsWith("prefix:")) return fixedUnit(unit.slice(7), true);
  if (unit.startsWith("si:")) return siBoth(unit.slice(3));
  if (unit.startsWith("count:")) return count(unit.slice(6));
  return fixedUnit(unit);
}

/** Formats `value` in `unit` with `decimals` (auto when null), as Grafana shows it. */
export function formatUnit(value: number, unit?: string, decimals?: number | null): Formatted {
  return unitFormatter(unit)(value, decimals);
}
