import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { stagesSchema } from "./schema.ts";
import { metricValue, record, runEntry } from "./testing.ts";

/** Nanoseconds of an ISO time, plus extra nanoseconds below the millisecond. */
function ns(iso: string, extra = 0n): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n + extra;
}

const READ_TIME = 42n;

/** Runs a timestamp stage on the value `t` and returns the entry's time (READ_TIME if unchanged). */
function parseTime(
  format: string,
  value: string,
  opts: { location?: string; now?: string } = {},
): bigint | null {
  const location = opts.location === undefined ? "" : `, location: ${opts.location}`;
  const yaml = `- timestamp: {source: t, format: ${JSON.stringify(format)}${location}}`;
  const nowMs = Date.parse(opts.now ?? "2024-06-01T12:00:00Z");
  const e = runEntry(yaml, record("x", { t: value }, READ_TIME), new Registry(), nowMs);
  return e === null ? null : e.timeNs;
}

describe("timestamp stage", () => {
  const cases: {
    name: string;
    format: string;
    value: string;
    want: bigint;
    location?: string;
    now?: string;
  }[] = [
    {
      name: "RFC3339 with an offset",
      format: "RFC3339",
      value: "2024-03-12T10:04:05+01:00",
      want: ns("2024-03-12T09:04:05Z"),
    },
    {
      name: "RFC3339Nano to the nanosecond",
      format: "RFC3339Nano",
      value: "2024-03-12T10:04:05.123456789Z",
      want: ns("2024-03-12T10:04:05.123Z", 456_789n),
    },
    {
      name: "a fraction the layout does not show (Go reads it)",
      format: "RFC3339",
      value: "2024-03-12T10:04:05.5Z",
      want: ns("2024-03-12T10:04:05.500Z"),
    },
    {
      name: "a comma fraction after the seconds (Python's logging)",
      format: "2006-01-02 15:04:05",
      value: "2024-03-12 10:04:05,123",
      want: ns("2024-03-12T10:04:05.123Z"),
    },
    {
      name: "nginx's time_local",
      format: "02/Jan/2006:15:04:05 -0700",
      value: "12/Mar/2024:10:04:05 -0500",
      want: ns("2024-03-12T15:04:05Z"),
    },
    {
      name: "a custom layout with milliseconds and a colon offset",
      format: "2006-01-02T15:04:05.000Z07:00",
      value: "2024-03-12T10:04:05.123-03:00",
      want: ns("2024-03-12T13:04:05.123Z"),
    },
    {
      name: "syslog's Stamp in the current year",
      format: "Stamp",
      value: "Mar  2 10:04:05",
      want: ns("2024-03-02T10:04:05Z"),
    },
    {
      name: "syslog's Stamp from December read in January, in the year before",
      format: "Stamp",
      value: "Dec 31 23:59:59",
      now: "2024-01-01T00:10:00Z",
      want: ns("2023-12-31T23:59:59Z"),
    },
    {
      name: "Python's logging in Berlin summer time",
      format: "2006-01-02 15:04:05,000",
      value: "2024-07-01 12:00:00,250",
      location: "Europe/Berlin",
      want: ns("2024-07-01T10:00:00.250Z"),
    },
    {
      name: "Python's logging in Berlin winter time",
      format: "2006-01-02 15:04:05,000",
      value: "2024-01-15 12:00:00,250",
      location: "Europe/Berlin",
      want: ns("2024-01-15T11:00:00.250Z"),
    },
    {
      name: "New York after the spring change",
      format: "DateTime",
      value: "2024-03-10 12:00:00",
      location: "America/New_York",
      want: ns("2024-03-10T16:00:00Z"),
    },
    {
      name: "a time in Kolkata, half an hour off the hour",
      format: "DateTime",
      value: "2024-03-10 12:00:00",
      location: "Asia/Kolkata",
      want: ns("2024-03-10T06:30:00Z"),
    },
    {
      name: "an offset in the value over the location",
      format: "RFC3339",
      value: "2024-07-01T12:00:00Z",
      location: "Europe/Berlin",
      want: ns("2024-07-01T12:00:00Z"),
    },
    {
      name: "UnixDate with a US zone abbreviation",
      format: "UnixDate",
      value: "Tue Mar 12 10:04:05 EST 2024",
      want: ns("2024-03-12T15:04:05Z"),
    },
    {
      name: "RFC1123 in GMT",
      format: "RFC1123",
      value: "Tue, 12 Mar 2024 10:04:05 GMT",
      want: ns("2024-03-12T10:04:05Z"),
    },
    {
      name: "RFC1123 with CEST",
      format: "RFC1123",
      value: "Fri, 12 Jul 2024 10:04:05 CEST",
      want: ns("2024-07-12T08:04:05Z"),
    },
    {
      name: "RFC1123Z",
      format: "RFC1123Z",
      value: "Tue, 12 Mar 2024 10:04:05 +0530",
      want: ns("2024-03-12T04:34:05Z"),
    },
    {
      name: "RFC822 with a two-digit year",
      format: "RFC822",
      value: "12 Mar 24 10:04 UTC",
      want: ns("2024-03-12T10:04:00Z"),
    },
    {
      name: "ANSIC with a space-padded day",
      format: "ANSIC",
      value: "Sat Mar  2 10:04:05 2024",
      want: ns("2024-03-02T10:04:05Z"),
    },
    {
      name: "month names in any case",
      format: "02-Jan-2006 15:04",
      value: "12-MAR-2024 10:04",
      want: ns("2024-03-12T10:04:00Z"),
    },
    {
      name: "a 12-hour clock",
      format: "2006-01-02 3:04:05 PM",
      value: "2024-03-12 3:04:05 PM",
      want: ns("2024-03-12T15:04:05Z"),
    },
    {
      name: "midnight on a 12-hour clock",
      format: "2006-01-02 03:04 pm",
      value: "2024-03-12 12:30 am",
      want: ns("2024-03-12T00:30:00Z"),
    },
    {
      name: "a time without a date, today",
      format: "TimeOnly",
      value: "11:00:00",
      want: ns("2024-06-01T11:00:00Z"),
    },
    {
      name: "a time without a date, yesterday when later than now",
      format: "TimeOnly",
      value: "23:00:00",
      want: ns("2024-05-31T23:00:00Z"),
    },
    {
      name: "klog's header time",
      format: "0102 15:04:05.000000",
      value: "0312 10:04:05.123456",
      want: ns("2024-03-12T10:04:05.123Z", 456_000n),
    },
    { name: "Unix seconds", format: "Unix", value: "1710237845", want: ns("2024-03-12T10:04:05Z") },
    {
      name: "Unix seconds with a fraction",
      format: "Unix",
      value: "1710237845.123456789",
      want: ns("2024-03-12T10:04:05.123Z", 456_789n),
    },
    {
      name: "Unix milliseconds",
      format: "UnixMs",
      value: "1710237845123",
      want: ns("2024-03-12T10:04:05.123Z"),
    },
    {
      name: "Unix microseconds",
      format: "UnixUs",
      value: "1710237845123456",
      want: ns("2024-03-12T10:04:05.123Z", 456_000n),
    },
    {
      name: "Unix nanoseconds, exactly",
      format: "UnixNs",
      value: "1710237845123456789",
      want: ns("2024-03-12T10:04:05.123Z", 456_789n),
    },
    {
      name: "a leap day",
      format: "DateOnly",
      value: "2024-02-29",
      want: ns("2024-02-29T00:00:00Z"),
    },
  ];
  for (const c of cases) {
    test(`reads ${c.name}`, () => {
      expect(parseTime(c.format, c.value, c)).toBe(c.want);
    });
  }

  const misfits: [string, string][] = [
    ["RFC3339", "2024-02-30T10:00:00Z"],
    ["RFC3339", "2023-02-29T10:00:00Z"],
    ["RFC3339", "2024-13-01T10:00:00Z"],
    ["RFC3339", "2024-03-12T24:00:00Z"],
    ["RFC3339", "2024-03-12T10:04:05"],
    ["RFC3339", "2024-03-12T10:04:05Z trailing"],
    ["2006-01-02T15:04:05.000Z", "2024-03-12T10:04:05.12Z"],
    ["02/Jan/2006:15:04:05 -0700", "12/Foo/2024:10:04:05 -0500"],
    ["2006-01-02 03:04 PM", "2024-03-12 13:04 PM"],
    ["UnixMs", "17102378451x3"],
    ["Unix", ""],
  ];
  for (const [format, value] of misfits) {
    test(`keeps the read time when ${JSON.stringify(value)} does not fit ${format}`, () => {
      expect(parseTime(format, value)).toBe(READ_TIME);
    });
  }

  test("tries fallback formats in order", () => {
    const yaml = "- timestamp: {source: t, format: RFC3339, fallback_formats: [UnixMs, Unix]}";
    const e = runEntry(yaml, record("x", { t: "1710237845123" }));
    expect(e!.timeNs).toBe(ns("2024-03-12T10:04:05.123Z"));
  });

  test("fudge and skip keep the line and count the failure; before any parsed time both keep the read time", () => {
    const registry = new Registry();
    const base = "{source: t, format: RFC3339";
    const fudged = runEntry(
      `- timestamp: ${base}}`,
      record("x", { t: "bad" }, READ_TIME),
      registry,
    );
    expect(fudged!.timeNs).toBe(READ_TIME);
    const skipped = `- timestamp: ${base}, action_on_failure: skip}`;
    expect(runEntry(skipped, record("x", { t: "bad" }, READ_TIME), registry)!.timeNs).toBe(
      READ_TIME,
    );
    const labels = { reason: "unparseable_timestamp" };
    expect(metricValue(registry, "outpost_agent_log_stage_errors_total", labels)).toBe(2);
  });

  test("counts a missing source and keeps the line and its time", () => {
    const registry = new Registry();
    const e = runEntry("- timestamp: {source: t, format: RFC3339}", record("x"), registry);
    expect(e!.timeNs).toBe(1n);
    const labels = { reason: "missing_source" };
    expect(metricValue(registry, "outpost_agent_log_stage_errors_total", labels)).toBe(1);
  });

  const badConfigs: [Record<string, unknown>, string, string][] = [
    [{ source: "t", format: "YYYY-MM-DD" }, "format", "is neither a format name"],
    [{ source: "t", format: "RFC3339", location: "Mars/Olympus" }, "location", "unknown time zone"],
    [{ source: "t", format: "RFC3339", action_on_failure: "drop" }, "action_on_failure", ""],
    [{ format: "RFC3339" }, "source", ""],
  ];
  for (const [config, field, message] of badConfigs) {
    test(`schema rejects a bad ${field}, naming it`, () => {
      const issues = stagesSchema.safeParse([{ timestamp: config }]).error!.issues;
      expect(issues[0].path).toEqual([0, "timestamp", field]);
      expect(issues[0].message).toContain(message);
    });
  }
});
