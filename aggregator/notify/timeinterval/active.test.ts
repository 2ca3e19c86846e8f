import { describe, expect, test } from "bun:test";
import { containsTime } from "./active.ts";
import { parseTimeInterval, type WrittenInterval } from "./parse.ts";

function interval(w: WrittenInterval) {
  return parseTimeInterval(w, (field, reason) => {
    throw new Error(`${field}: ${reason}`);
  });
}

const cases: [string, WrittenInterval, string, boolean][] = [
  [
    "a time range includes its start",
    { times: [{ start_time: "09:00", end_time: "17:00" }] },
    "2024-03-04T09:00:00Z",
    true,
  ],
  [
    "a time range excludes its end",
    { times: [{ start_time: "09:00", end_time: "17:00" }] },
    "2024-03-04T17:00:00Z",
    false,
  ],
  [
    "a time range holds its last minute",
    { times: [{ start_time: "09:00", end_time: "17:00" }] },
    "2024-03-04T16:59:59Z",
    true,
  ],
  [
    "24:00 ends the day",
    { times: [{ start_time: "23:00", end_time: "24:00" }] },
    "2024-03-04T23:59:00Z",
    true,
  ],
  ["weekdays by name, as a range", { weekdays: ["monday:friday"] }, "2024-03-09T12:00:00Z", false],
  ["weekdays case-insensitive", { weekdays: ["Saturday"] }, "2024-03-09T12:00:00Z", true],
  ["sunday is day 0", { weekdays: ["sunday"] }, "2024-03-10T00:00:00Z", true],
  [
    "-1 is the last day of a leap February",
    { days_of_month: ["-1"] },
    "2024-02-29T10:00:00Z",
    true,
  ],
  [
    "-1 is not the 28th of a leap February",
    { days_of_month: ["-1"] },
    "2024-02-28T10:00:00Z",
    false,
  ],
  ["-1 is the 28th of a common February", { days_of_month: ["-1"] }, "2023-02-28T10:00:00Z", true],
  [
    "-3:-1 holds the 29th of a 31-day month",
    { days_of_month: ["-3:-1"] },
    "2024-03-29T10:00:00Z",
    true,
  ],
  [
    "-3:-1 excludes the 28th of a 31-day month",
    { days_of_month: ["-3:-1"] },
    "2024-03-28T10:00:00Z",
    false,
  ],
  [
    "a range past the month's end stops there",
    { days_of_month: ["28:31"] },
    "2023-02-28T10:00:00Z",
    true,
  ],
  [
    "a range starting past the month's end never matches",
    { days_of_month: ["30:31"] },
    "2023-02-28T10:00:00Z",
    false,
  ],
  ["a positive start and negative end", { days_of_month: ["5:-1"] }, "2024-04-30T10:00:00Z", true],
  ["months by name and number", { months: ["january:march", "12"] }, "2024-12-01T00:00:00Z", true],
  ["months exclude others", { months: ["january:march"] }, "2024-04-01T00:00:00Z", false],
  ["years inclusive", { years: ["2020:2024"] }, "2024-12-31T23:59:00Z", true],
  [
    "every part must match",
    { weekdays: ["monday"], months: ["april"] },
    "2024-03-04T12:00:00Z",
    false,
  ],
  ["an empty interval matches always", {}, "2024-03-04T12:00:00Z", true],
  [
    "a location shifts the clock",
    { times: [{ start_time: "09:00", end_time: "17:00" }], location: "Europe/Berlin" },
    "2024-03-04T08:30:00Z",
    true,
  ],
  [
    "a location shifts the clock (outside)",
    { times: [{ start_time: "09:00", end_time: "17:00" }], location: "Europe/Berlin" },
    "2024-03-04T16:30:00Z",
    false,
  ],
  [
    "summer time is followed",
    { times: [{ start_time: "09:00", end_time: "17:00" }], location: "Europe/Berlin" },
    "2024-07-01T07:30:00Z",
    true,
  ],
  [
    "a location shifts the weekday",
    { weekdays: ["tuesday"], location: "Asia/Tokyo" },
    "2024-03-04T20:00:00Z",
    true,
  ],
  [
    "a location shifts the day of month",
    { days_of_month: ["1"], location: "America/New_York" },
    "2024-03-01T03:00:00Z",
    false,
  ],
];

describe("containsTime()", () => {
  test.each(cases)("%s", (_, written, at, want) => {
    expect(containsTime(interval(written), new Date(at))).toBe(want);
  });
});

// Each message is the one amtool check-config 0.25 prints for the same value.
const refused: [WrittenInterval, string][] = [
  [
    { times: [{ start_time: "17:00", end_time: "09:00" }] },
    "times: start time cannot be equal or greater than end time",
  ],
  [
    { times: [{ start_time: "9:00", end_time: "24:00" }] },
    "times: couldn't parse timestamp 9:00, invalid format",
  ],
  [
    { times: [{ start_time: "09:00", end_time: "24:01" }] },
    "times: couldn't parse timestamp 24:01, invalid format",
  ],
  [{ times: [{ start_time: "09:00" }] }, "times: both start and end times must be provided"],
  [{ weekdays: ["mondy"] }, "weekdays: mondy is not a valid weekday"],
  [{ weekdays: ["friday:monday"] }, "weekdays: start day cannot be before end day"],
  [
    { weekdays: ["monday:friday:sunday"] },
    "weekdays: couldn't parse range monday:friday:sunday, invalid format",
  ],
  [{ days_of_month: ["0"] }, "days_of_month: 0 is not a valid day of the month: out of range"],
  [{ days_of_month: ["-1:5"] }, "days_of_month: end day must be negative if start day is negative"],
  [{ days_of_month: ["10:5"] }, "days_of_month: end day 5 is always before start day 10"],
  [{ days_of_month: ["-1:-3"] }, "days_of_month: end day -3 is always before start day -1"],
  [{ days_of_month: ["1:"] }, 'days_of_month: strconv.Atoi: parsing "": invalid syntax'],
  [{ months: ["march:january"] }, "months: end month january is before start month march"],
  [{ months: ["jan"] }, "months: jan is not a valid month"],
  [{ years: ["2020:2019"] }, "years: end year 2019 is before start year 2020"],
  [{ location: "Mars/Base" }, "location: unknown time zone Mars/Base"],
  // Go opens the zone's file by its name, case and all (amtool 0.25 refuses these).
  [{ location: "utc" }, "location: unknown time zone utc"],
  [{ location: "europe/berlin" }, "location: unknown time zone europe/berlin"],
];

describe("parseTimeInterval()", () => {
  test.each(refused)("refuses %j", (written, message) => {
    expect(() => interval(written)).toThrow(message);
  });

  test.each(["Europe/Berlin", "US/Eastern", "EST", "Etc/GMT+5", "Local"])(
    "takes the zone %p, spelt as the zone database spells it",
    (location) => {
      expect(() => interval({ location })).not.toThrow();
    },
  );
});
