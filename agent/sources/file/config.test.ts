import { describe, expect, test } from "bun:test";
import { fileSourceSchema, normalizeFileSourceConfig } from "./config.ts";

describe("fileSourceSchema", () => {
  test("fills the defaults", () => {
    const c = fileSourceSchema.parse({ include: ["/var/log/*.log"] });
    expect(c).toEqual({
      include: ["/var/log/*.log"],
      exclude: [],
      labels: {},
      start_at: "end",
      max_line_bytes: 256 * 1024,
      poll_interval: 250,
      watch: true,
      fingerprint_bytes: 1024,
      stages: [],
    });
  });

  test("reads multiline settings with their defaults", () => {
    const c = fileSourceSchema.parse({ include: ["a"], multiline: { start_pattern: "^\\d" } });
    expect(c.multiline).toEqual({ start_pattern: "^\\d", max_wait: 3000, max_lines: 500 });
  });

  test.each([
    ["no include", {}, "include"],
    ["an empty include", { include: [] }, "include"],
    ["an unknown field", { include: ["a"], follow: true }, "follow"],
    [
      "a filename label",
      { include: ["a"], labels: { filename: "x" } },
      "filename is set by the source",
    ],
    ["a reserved label", { include: ["a"], labels: { __x: "x" } }, "reserved"],
    [
      "a bad start pattern",
      { include: ["a"], multiline: { start_pattern: "(" } },
      "Cannot compile",
    ],
    ["a zero line limit", { include: ["a"], max_line_bytes: 0 }, "larger than 0"],
    ["an unknown start_at", { include: ["a"], start_at: "middle" }, "start_at"],
  ])("refuses %s", (_name, input, fragment) => {
    const result = fileSourceSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(fragment);
  });

  test("normalizeFileSourceConfig() resolves relative globs against the config folder", () => {
    const c = fileSourceSchema.parse({ include: ["logs/*.log", "/abs/*.log"], exclude: ["*.gz"] });
    const n = normalizeFileSourceConfig(c, "/etc/outpost");
    expect(n.include).toEqual(["/etc/outpost/logs/*.log", "/abs/*.log"]);
    expect(n.exclude).toEqual(["/etc/outpost/*.gz"]);
  });
});
