import { describe, expect, test } from "bun:test";
import type { Logger } from "../../../shared/log/log.ts";
import { TargetHealth } from "./health.ts";

function recorder() {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      lines.push(
        `${level} ${msg}${fields.reason ? ` ${fields.reason}` : ""}${fields.after ? ` after ${fields.after}` : ""}`,
      );
  const log: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  return { lines, health: new TargetHealth(log, { job: "j", target: "http://t" }) };
}

describe("TargetHealth", () => {
  test("warns on a target's first failure, even before it was ever up, then only on a new reason", () => {
    const { lines, health } = recorder();
    health.failed("timeout", new Error("x"));
    health.failed("timeout", new Error("x"));
    health.failed("body_size_limit", new Error("y"));
    health.failed("body_size_limit", new Error("y"));
    expect(lines).toEqual([
      "warn Cannot scrape target timeout",
      "debug Cannot scrape target timeout",
      "warn Cannot scrape target body_size_limit",
      "debug Cannot scrape target body_size_limit",
    ]);
  });

  test("logs the first success and a recovery at info, once each", () => {
    const { lines, health } = recorder();
    health.succeeded();
    health.succeeded();
    health.failed("parse", new Error("z"));
    health.succeeded();
    health.failed("parse", new Error("z"));
    expect(lines).toEqual([
      "info Target is up",
      "warn Cannot scrape target parse",
      "info Target recovered after parse",
      "warn Cannot scrape target parse",
    ]);
    expect(health.up).toBe(false);
  });
});
