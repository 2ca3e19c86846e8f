/**
 * Go's reference-time layouts (`2006-01-02T15:04:05.000Z07:00`), split into tokens the way
 * Go's time package splits them (its nextStdChunk), so that a layout copied from a Promtail
 * config reads the same values here. The parser for the tokens is in go_parse.ts.
 */

/** Kinds of layout token; the names are Go's `std…` constants. */
export const T = {
  literal: 0,
  longYear: 1, // 2006
  year: 2, // 06
  longMonth: 3, // January
  month: 4, // Jan
  numMonth: 5, // 1
  zeroMonth: 6, // 01
  longWeekDay: 7, // Monday
  weekDay: 8, // Mon
  day: 9, // 2
  underDay: 10, // _2
  zeroDay: 11, // 02
  underYearDay: 12, // __2
  zeroYearDay: 13, // 002
  hour: 14, // 15
  hour12: 15, // 3
  zeroHour12: 16, // 03
  minute: 17, // 4
  zeroMinute: 18, // 04
  second: 19, // 5
  zeroSecond: 20, // 05
  pm: 21, // PM
  lowerPm: 22, // pm
  tz: 23, // MST
  fracSecond0: 24, // .000 or ,000: exactly that many digits
  fracSecond9: 25, // .999 or ,999: any digits, or none
  // Numeric zones: `z` variants also take "Z" for UTC; the digits say which fields follow.
  isoTz: 26, // Z0700
  isoSecondsTz: 27, // Z070000
  isoShortTz: 28, // Z07
  isoColonTz: 29, // Z07:00
  isoColonSecondsTz: 30, // Z07:00:00
  numTz: 31, // -0700
  numSecondsTz: 32, // -070000
  numShortTz: 33, // -07
  numColonTz: 34, // -07:00
  numColonSecondsTz: 35, // -07:00:00
} as const;

/** One token: a kind, and for literals their text, for fractions their digit count. */
export interface LayoutToken {
  readonly kind: number;
  readonly text: string;
  readonly digits: number;
}

/** Go's named layouts, plus the Unix epoch formats Promtail adds (handled by the caller). */
export const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
  ANSIC: "Mon Jan _2 15:04:05 2006",
  UnixDate: "Mon Jan _2 15:04:05 MST 2006",
  RubyDate: "Mon Jan 02 15:04:05 -0700 2006",
  RFC822: "02 Jan 06 15:04 MST",
  RFC822Z: "02 Jan 06 15:04 -0700",
  RFC850: "Monday, 02-Jan-06 15:04:05 MST",
  RFC1123: "Mon, 02 Jan 2006 15:04:05 MST",
  RFC1123Z: "Mon, 02 Jan 2006 15:04:05 -0700",
  RFC3339: "2006-01-02T15:04:05Z07:00",
  RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00",
  Kitchen: "3:04PM",
  Stamp: "Jan _2 15:04:05",
  StampMilli: "Jan _2 15:04:05.000",
  StampMicro: "Jan _2 15:04:05.000000",
  StampNano: "Jan _2 15:04:05.000000000",
  DateTime: "2006-01-02 15:04:05",
  DateOnly: "2006-01-02",
  TimeOnly: "15:04:05",
};

/** Prefix → token, tried in order at each position (longest first where prefixes overlap). */
const FIXED: readonly (readonly [string, number])[] = [
  ["January", T.longMonth],
  ["Monday", T.longWeekDay],
  ["MST", T.tz],
  ["2006", T.longYear],
  ["002", T.zeroYearDay],
  ["__2", T.underYearDay],
  ["_2", T.underDay],
  ["15", T.hour],
  ["01", T.zeroMonth],
  ["02", T.zeroDay],
  ["03", T.zeroHour12],
  ["04", T.zeroMinute],
  ["05", T.zeroSecond],
  ["06", T.year],
  ["PM", T.pm],
  ["pm", T.lowerPm],
  ["-07:00:00", T.numColonSecondsTz],
  ["-070000", T.numSecondsTz],
  ["-07:00", T.numColonTz],
  ["-0700", T.numTz],
  ["-07", T.numShortTz],
  ["Z07:00:00", T.isoColonSecondsTz],
  ["Z070000", T.isoSecondsTz],
  ["Z07:00", T.isoColonTz],
  ["Z0700", T.isoTz],
  ["Z07", T.isoShortTz],
  ["1", T.numMonth],
  ["2", T.day],
  ["3", T.hour12],
  ["4", T.minute],
  ["5", T.second],
];

/** Splits a Go layout into tokens. Text that is no reference-time element is a literal. */
export function compileLayout(layout: string): LayoutToken[] {
  const out: LayoutToken[] = [];
  let literal = "";
  let i = 0;
  while (i < layout.length) {
    const found = tokenAt(layout, i);
    if (found === null) {
      literal += layout[i++];
      continue;
    }
    if (literal !== "") out.push({ kind: T.literal, text: literal, digits: 0 });
    literal = "";
    out.push(found.token);
    i += found.length;
  }
  if (literal !== "") out.push({ kind: T.literal, text: literal, digits: 0 });
  return out;
}

function tokenAt(layout: string, i: number): { token: LayoutToken; length: number } | null {
  const frac = fractionAt(layout, i);
  if (frac !== null) return frac;
  // Go reads "Jan" and "Mon" as names only when no lower-case letter follows ("Monotonic").
  for (const [word, kind] of [
    ["Jan", T.month],
    ["Mon", T.weekDay],
  ] as const) {
    if (
      layout.startsWith(word, i) &&
      !layout.startsWith(word === "Jan" ? "January" : "Monday", i)
    ) {
      const next = layout[i + 3];
      if (next !== undefined && next >= "a" && next <= "z") return null;
      return { token: { kind, text: "", digits: 0 }, length: 3 };
    }
  }
  // `_2006` is a literal `_` and the year, not `_2` and `006`.
  if (layout.startsWith("_2006", i)) return null;
  for (const [prefix, kind] of FIXED) {
    if (layout.startsWith(prefix, i))
      return { token: { kind, text: "", digits: 0 }, length: prefix.length };
  }
  return null;
}

/** `.000`, `,000`, `.999` or `,999` (any count), when no other digit follows the run. */
function fractionAt(layout: string, i: number): { token: LayoutToken; length: number } | null {
  const sep = layout[i];
  const digit = layout[i + 1];
  if ((sep !== "." && sep !== ",") || (digit !== "0" && digit !== "9")) return null;
  let j = i + 1;
  while (layout[j] === digit) j++;
  const after = layout[j];
  if (after !== undefined && after >= "0" && after <= "9") return null;
  const kind = digit === "0" ? T.fracSecond0 : T.fracSecond9;
  return { token: { kind, text: sep, digits: j - i - 1 }, length: j - i };
}

/** Whether the tokens hold a date or time at all (a layout like `YYYY-MM-DD` holds neither). */
export function hasTimeFields(tokens: readonly LayoutToken[]): boolean {
  return tokens.some(
    (t) => t.kind !== T.literal && t.kind !== T.longWeekDay && t.kind !== T.weekDay,
  );
}
