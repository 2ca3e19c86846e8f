/**
 * `pg_settings_*`: every bool, integer and real server parameter as a gauge, its unit
 * converted to seconds or bytes and named so, as postgres_exporter 0.11's pg_setting.go.
 */

/** One row of `pg_settings` as queried. */
export interface SettingRow {
  name: string;
  setting: string;
  unit: string;
  short_desc: string;
  vartype: string;
}

/** The query: the same rows the exporter reads. */
export const SETTINGS_QUERY =
  "SELECT name, setting, COALESCE(unit, '') AS unit, short_desc, vartype FROM pg_settings WHERE vartype IN ('bool', 'integer', 'real')";

const SECONDS: Record<string, number> = { ms: 1 / 1000, s: 1, min: 60, h: 3600, d: 86400 };
const BYTES: Record<string, number> = {
  B: 1,
  kB: 2 ** 10,
  MB: 2 ** 20,
  GB: 2 ** 30,
  TB: 2 ** 40,
  "8kB": 2 ** 13,
  "16kB": 2 ** 14,
  "32kB": 2 ** 15,
  "16MB": 2 ** 24,
  "32MB": 2 ** 25,
  "64MB": 2 ** 26,
};

/** A setting's family name, HELP and value; null for a unit the exporter does not know. */
export function settingMetric(
  row: SettingRow,
): { name: string; help: string; value: number } | null {
  const base = `pg_settings_${row.name.replaceAll(".", "_")}`;
  if (row.vartype === "bool")
    return { name: base, help: row.short_desc, value: row.setting === "on" ? 1 : 0 };
  let value = Number(row.setting);
  if (row.unit === "") return { name: base, help: row.short_desc, value };
  const unit = row.unit in SECONDS ? "seconds" : row.unit in BYTES ? "bytes" : null;
  if (unit === null) return null;
  // -1 means "off" for many settings: the exporter keeps it as is.
  if (value !== -1) value *= unit === "seconds" ? SECONDS[row.unit] : BYTES[row.unit];
  return {
    name: `${base}_${unit}`,
    help: `${row.short_desc} [Units converted to ${unit}.]`,
    value,
  };
}
