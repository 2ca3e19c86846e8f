import { expect, test } from "bun:test";
import { type SettingRow, settingMetric } from "./settings.ts";

const row = (name: string, setting: string, unit: string, vartype = "integer"): SettingRow => ({
  name,
  setting,
  unit,
  vartype,
  short_desc: "Desc.",
});

test.each([
  [row("fsync", "on", "", "bool"), "pg_settings_fsync", 1, "Desc."],
  [row("max_connections", "100", ""), "pg_settings_max_connections", 100, "Desc."],
  [
    row("shared_buffers", "16384", "8kB"),
    "pg_settings_shared_buffers_bytes",
    134217728,
    "Desc. [Units converted to bytes.]",
  ],
  [
    row("checkpoint_timeout", "300", "s"),
    "pg_settings_checkpoint_timeout_seconds",
    300,
    "Desc. [Units converted to seconds.]",
  ],
  [
    row("log_rotation_age", "1440", "min"),
    "pg_settings_log_rotation_age_seconds",
    86400,
    "Desc. [Units converted to seconds.]",
  ],
  [
    row("statement_timeout", "1500", "ms"),
    "pg_settings_statement_timeout_seconds",
    1.5,
    "Desc. [Units converted to seconds.]",
  ],
  [
    row("log_min_duration_statement", "-1", "ms"),
    "pg_settings_log_min_duration_statement_seconds",
    -1,
    "Desc. [Units converted to seconds.]",
  ],
  [row("pg_stat_statements.max", "5000", ""), "pg_settings_pg_stat_statements_max", 5000, "Desc."],
])("settingMetric() names and converts %o", (r, name, value, help) => {
  expect(settingMetric(r)).toEqual({ name, value, help });
});

test("settingMetric() skips a unit the exporter does not know", () => {
  expect(settingMetric(row("x", "1", "furlong"))).toBeNull();
});
