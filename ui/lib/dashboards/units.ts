/**
 * Grafana's value units (`fieldConfig.defaults.unit`): a number and a unit id become a prefix,
 * a text and a suffix, as Grafana's `getValueFormat(id)(value, decimals)` gives them
 * (packages/grafana-data/src/valueFormats). The arithmetic is our own; the outputs are
 * Grafana's, case by case, in units.test.ts.
 */
import { type Formatted, type Formatter, toFixed } from "./fixed.ts";
import { TIME_UNITS } from "./time_units.ts";

export {
  autoDecimals,
  type Formatted,
  type Formatter,
  formattedToString,
  toFixed,
} from "./fixed.ts";
export { fromNow, isoLocal } from "./time_units.ts";

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

/**
 * SI prefixes around `unit` both ways (Grafana's `SIPrefix`: half a byte is "500 mB");
 * `offset` is the power of 1000 the raw value is at (kwatt 1, mvolt −1).
 */
function si(unit: string, offset = 0): Formatter {
  return scaled(
    1000,
    SI.map((p) => ` ${p}${unit}`),
    5 + offset,
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
  ...TIME_UNITS,
  hertz: si("Hz"),
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
  bool: bool("True", "False"),
  bool_yes_no: bool("Yes", "No"),
  bool_on_off: bool("On", "Off"),
  celsius: fixedUnit("°C"),
  fahrenheit: fixedUnit("°F"),
  volt: si("V"),
  amp: si("A"),
  watt: si("W"),
  kwatt: si("W", 1),
  mwatt: si("W", -1),
  mvolt: si("V", -1),
  kvolt: si("V", 1),
  mamp: si("A", -1),
  joule: si("J"),
  watth: si("Wh"),
  kwatth: si("Wh", 1),
  kelvin: fixedUnit("K"),
  humidity: fixedUnit("%H"),
  dB: fixedUnit("dB"),
  string: (v) => ({ text: String(v) }),
  locale: (v, d) => ({
    text: v.toLocaleString(undefined, d == null ? {} : { maximumFractionDigits: d }),
  }),
  currencyUSD: currency("$"),
  currencyEUR: currency("€"),
  currencyGBP: currency("£"),
};

/** Grafana's `currency`: the symbol before the scaled value, a minus before the symbol. */
function currency(symbol: string): Formatter {
  const f = scaled(1000, ["", "K", "M", "B", "T"]);
  return (v, d) => ({ ...f(Math.abs(v), d), prefix: v < 0 ? `-${symbol}` : symbol });
}

function bool(t: string, f: string): Formatter {
  return (v) => ({ text: v ? t : f });
}

/** The formatter of a unit id; an unknown id is a suffix, as Grafana treats it. */
export function unitFormatter(unit: string | undefined): Formatter {
  if (!unit) return UNITS.none;
  const known = UNITS[unit];
  if (known) return known;
  if (unit.startsWith("suffix:")) return fixedUnit(unit.slice(7));
  if (unit.startsWith("prefix:")) return fixedUnit(unit.slice(7), true);
  if (unit.startsWith("si:")) {
    // "si:mV": the first character may name the prefix the values are in.
    const at = SI.indexOf(unit.charAt(3));
    return at > 0 && at !== 5 && unit.length > 4 ? si(unit.slice(4), at - 5) : si(unit.slice(3));
  }
  if (unit.startsWith("count:")) return count(unit.slice(6));
  if (unit.startsWith("currency:")) return currency(unit.slice(9));
  if (unit.startsWith("bool:")) {
    const [t, f = "-"] = unit.slice(5).split("/");
    return bool(t, f);
  }
  return fixedUnit(unit);
}

/** Formats `value` in `unit` with `decimals` (auto when null), as Grafana shows it. */
export function formatUnit(value: number, unit?: string, decimals?: number | null): Formatted {
  return unitFormatter(unit)(value, decimals);
}
