/**
 * Units for Explore's graph: a value formatted for its axis and legend. Grafana's names and
 * rules, a minimal subset: `short` (k, M, B …), `percent` (0–100), `bytes` (IEC), `s`, `reqps`.
 */

/** A unit Explore's graph can format values in. */
export type Unit = "none" | "short" | "percent" | "bytes" | "s" | "reqps";

/** The units the select offers, with their labels. */
export const UNITS: readonly { value: Unit; label: string }[] = [
  { value: "none", label: "none" },
  { value: "short", label: "short" },
  { value: "percent", label: "percent (0–100)" },
  { value: "bytes", label: "bytes" },
  { value: "s", label: "seconds" },
  { value: "reqps", label: "req/s" },
];

/** True when `text` names a unit. */
export function isUnit(text: string): text is Unit {
  return UNITS.some((u) => u.value === text);
}

const SHORT = ["", " K", " Mil", " Bil", " Tri"];
const BYTES = [" B", " KiB", " MiB", " GiB", " TiB", " PiB"];
// Seconds: below 1 s in ms, µs, ns; above a minute in min, hour, day (Grafana's `s`).
const UP: [number, string][] = [
  [86_400, " day"],
  [3_600, " hour"],
  [60, " min"],
];
const DOWN: [number, string][] = [
  [1e-3, " ms"],
  [1e-6, " µs"],
  [1e-9, " ns"],
];

/** At most three significant digits after scaling, without trailing zeros (`1.5`, `120`, `0.25`). */
function digits(v: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(v.toFixed(decimals)));
}

/** `v` divided by the largest power of `base` that keeps it ≥ 1, with that power's suffix. */
function scaled(v: number, base: number, suffixes: readonly string[]): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return digits(x) + suffixes[i];
}

function seconds(v: number): string {
  const abs = Math.abs(v);
  for (const [size, name] of UP) if (abs >= size) return digits(v / size) + name;
  if (abs >= 1 || abs === 0) return `${digits(v)} s`;
  for (const [size, name] of DOWN) if (abs >= size) return digits(v / size) + name;
  return `${digits(v / 1e-9)} ns`;
}

/** `v` as text in `unit`; NaN and ±Inf as Prometheus writes them. */
export function formatUnit(v: number, unit: Unit): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  switch (unit) {
    case "none":
      return String(Number(v.toPrecision(6)));
    case "short":
      return scaled(v, 1000, SHORT);
    case "percent":
      return `${digits(v)}%`;
    case "bytes":
      return scaled(v, 1024, BYTES);
    case "s":
      return seconds(v);
    case "reqps":
      return `${scaled(v, 1000, SHORT)} req/s`;
  }
}
