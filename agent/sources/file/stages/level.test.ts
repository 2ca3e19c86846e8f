import { describe, expect, test } from "bun:test";
import { record, runEntry } from "./testing.ts";

describe("level stage", () => {
  const fromLine: [string, string][] = [
    ["2024-03-12 10:04:05,123 ERROR [main] c.e.App - Connection refused", "error"],
    ["2024/03/12 10:04:05 [warn] 31#31: *7 an upstream response is buffered", "warn"],
    ["2024/03/12 10:04:05 [crit] 31#31: *7 SSL_do_handshake() failed", "critical"],
    ["Mar 12 10:04:05 web-1 kernel: [ 0.000000] Linux version 6.1.0", "unknown"],
    ["panic: runtime error: invalid memory address or nil pointer dereference", "fatal"],
    ['FATAL: password authentication failed for user "app"', "fatal"],
    ["E0312 10:04:05.123456    1234 reflector.go:138] Failed to watch", "error"],
    ["I0312 10:04:05.123456    1234 leaderelection.go:248] attempting to acquire", "info"],
    ["[Trace] entering handler", "trace"],
    ["DEBUG: cache warmed in 12ms", "debug"],
    ["Warning: deprecated flag --foo", "warn"],
    ['level=info msg="no error here"', "info"],
    ['{"level":"warn","msg":"disk 91% full"}', "warn"],
    ["error_count=0 terror=none errors=2 information=ok", "unknown"],
    ["GET /healthz 200 0.3ms", "unknown"],
    ["", "unknown"],
  ];
  for (const [line, level] of fromLine) {
    test(`finds ${level} in ${JSON.stringify(line.slice(0, 50))}`, () => {
      const e = runEntry("- level: {}", record(line));
      expect(e!.label("level")).toBe(level);
    });
  }

  const fromField: [string, string, string][] = [
    ["level", "WARNING", "warn"],
    ["level", "Information", "info"],
    ["level", "dpanic", "fatal"],
    ["lvl", "eror", "error"],
    ["severity", "50", "error"],
    ["severity", "30", "info"],
    ["severity", "3", "error"],
    ["level", "E", "error"],
    ["log_level", " notice ", "info"],
  ];
  for (const [field, value, level] of fromField) {
    test(`normalises ${field}=${JSON.stringify(value)} to ${level}`, () => {
      const line = `msg="ERROR in text is ignored" ${field}="${value}"`;
      const e = runEntry("- logfmt: {}\n- level: {}", record(line));
      expect(e!.label("level")).toBe(level);
    });
  }

  test("falls back to the line when the field names no level", () => {
    const e = runEntry("- logfmt: {}\n- level: {}", record("level=chatty msg=[ERROR] boom"));
    expect(e!.label("level")).toBe("error");
  });

  test("reads a configured source, then an existing level label", () => {
    const stage = "- json: {}\n- level: {source: [sev, level]}";
    expect(runEntry(stage, record('{"sev":"crit"}'))!.label("level")).toBe("critical");
    expect(runEntry(stage, record("{}", { level: "WARN" }))!.label("level")).toBe("warn");
  });

  test("maps a format's own words through values before the usual spellings", () => {
    const stage = "- logfmt: {}\n- level: {values: {LOG: info, '#': warn}}";
    expect(runEntry(stage, record("level=LOG msg=error"))!.label("level")).toBe("info");
    expect(runEntry(stage, record("level=# msg=x"))!.label("level")).toBe("warn");
    expect(runEntry(stage, record("level=ERROR"))!.label("level")).toBe("error");
  });

  test("uses the fallback, and sets no label when it is empty", () => {
    expect(runEntry("- level: {fallback: info}", record("hello"))!.label("level")).toBe("info");
    const e = runEntry("- level: {fallback: ''}", record("hello"));
    expect(e!.label("level")).toBeUndefined();
    expect(e!.toRecord().labels).toEqual([]);
  });
});
