/**
 * Conversions of PostgreSQL values as postgres_exporter makes them: numbers (Bun.SQL returns
 * int8 and numeric as text) parse as floats, timestamps become Unix seconds, booleans 1/0,
 * NULL and anything unparseable NaN.
 */

/** A column value as the exporter's dbToFloat64 reads it. */
export function toFloat(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.getTime() / 1000;
  if (typeof v === "string") {
    const n = Number(v);
    return v.trim() === "" ? Number.NaN : n;
  }
  return Number.NaN;
}

/** A column value as a label, as the exporter's dbToString: NULL is empty. */
export function toLabel(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return String(v.getTime() / 1000);
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}
