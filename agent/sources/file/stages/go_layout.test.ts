import { describe, expect, test } from "bun:test";
import { compileLayout, T } from "./go_layout.ts";

const NAMES = Object.fromEntries(Object.entries(T).map(([name, kind]) => [kind, name]));

/** Tokens as `kind` or `kind:text` / `kind:digits`, for readable expectations. */
function show(layout: string): string[] {
  return compileLayout(layout).map((t) => {
    const name = NAMES[t.kind];
    if (t.kind === T.literal) return `"${t.text}"`;
    return t.digits > 0 ? `${name}${t.text}${t.digits}` : name;
  });
}

describe("compileLayout()", () => {
  const cases: [string, string[]][] = [
    [
      "2006-01-02T15:04:05.000Z07:00",
      [
        "longYear",
        '"-"',
        "zeroMonth",
        '"-"',
        "zeroDay",
        '"T"',
        "hour",
        '":"',
        "zeroMinute",
        '":"',
        "zeroSecond",
        "fracSecond0.3",
        "isoColonTz",
      ],
    ],
    [
      "02/Jan/2006:15:04:05 -0700",
      [
        "zeroDay",
        '"/"',
        "month",
        '"/"',
        "longYear",
        '":"',
        "hour",
        '":"',
        "zeroMinute",
        '":"',
        "zeroSecond",
        '" "',
        "numTz",
      ],
    ],
    [
      "Mon Jan _2 15:04:05 MST 2006",
      [
        "weekDay",
        '" "',
        "month",
        '" "',
        "underDay",
        '" "',
        "hour",
        '":"',
        "zeroMinute",
        '":"',
        "zeroSecond",
        '" "',
        "tz",
        '" "',
        "longYear",
      ],
    ],
    [
      "Monday, January 2 3:4:5 PM",
      [
        "longWeekDay",
        '", "',
        "longMonth",
        '" "',
        "day",
        '" "',
        "hour12",
        '":"',
        "minute",
        '":"',
        "second",
        '" "',
        "pm",
      ],
    ],
    [
      "2006-01-02 15:04:05,999999",
      [
        "longYear",
        '"-"',
        "zeroMonth",
        '"-"',
        "zeroDay",
        '" "',
        "hour",
        '":"',
        "zeroMinute",
        '":"',
        "zeroSecond",
        "fracSecond9,6",
      ],
    ],
    ["_2006 __2 002", ['"_"', "longYear", '" "', "underYearDay", '" "', "zeroYearDay"]],
    ["Monotonic Janitor", ['"Monotonic Janitor"']],
    // A run of 0s followed by a digit is no fraction; Go then reads `01` as the month.
    ["05.0001", ["zeroSecond", '".00"', "zeroMonth"]],
  ];
  for (const [layout, tokens] of cases) {
    test(`splits ${layout} as Go does`, () => {
      expect(show(layout)).toEqual(tokens);
    });
  }
});
