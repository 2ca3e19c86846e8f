import { describe, expect, test } from "bun:test";
import { parseAggregatorConfig } from "../config/load.ts";

describe("limits config", () => {
  test("a misspelt limit of a tenant is refused with its path", () => {
    const yaml = "limits:\n  tenants:\n    team-a:\n      max_series: 10\n";
    expect(() => parseAggregatorConfig(yaml, "/tmp/a.yaml")).toThrow(
      'limits.tenants["team-a"].max_series: unknown field "max_series"',
    );
  });

  test("sizes and durations are read in their units", () => {
    const yaml =
      "limits:\n  defaults:\n    ingest_log_bytes_per_second: 4MB\n  rate_limit_max_delay: 2s\n";
    const { limits } = parseAggregatorConfig(yaml, "/tmp/a.yaml");
    expect(limits.defaults.ingest_log_bytes_per_second).toBe(4 * 1024 * 1024);
    expect(limits.rate_limit_max_delay).toBe(2000);
    expect(limits.defaults.max_active_series).toBe(0);
  });
});
