/**
 * Grafana's number formatting core (packages/grafana-data/src/valueFormats/valueFormats.ts):
 * the formatted value's parts and `toFixed` with Grafana's auto decimals.
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
  let dec = -Math.floor(Math.log10(Math.abs(value))) + 1;
  // Grafana divides the signed value: a negative one never takes the extra decimal.
  const norm = value / 10 ** -dec;
  if (norm > 2.25) dec++;
  return Math.max(0, dec);
}

/** Grafana's `toFixed`: rounds to the decimals (auto when absent) and pads with zeros. */
export function toFixed(value: number, decimals?: number | null): string {
  // Grafana shows ±Infinity as toLocaleString does ("∞", "-∞").
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value.toLocaleString();
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
