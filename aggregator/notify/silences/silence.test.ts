import { describe, expect, test } from "bun:test";
import {
  canUpdateInPlace,
  type Silence,
  type SilenceMatcher,
  silenceState,
  validateSilence,
} from "./silence.ts";

const eq = (name: string, value: string): SilenceMatcher => ({
  name,
  value,
  isRegex: false,
  isEqual: true,
});
const base: Silence = {
  id: "id",
  matchers: [eq("alertname", "X")],
  startsAt: 1_000,
  endsAt: 2_000,
  updatedAt: 1_000,
  createdBy: "",
  comment: "",
};

describe("validateSilence()", () => {
  const cases: Array<[string, Partial<Silence>, string | null]> = [
    ["accepts one equality matcher and empty comment and author", {}, null],
    ["refuses no matchers", { matchers: [] }, "at least one matcher required"],
    [
      "refuses matchers that all match the empty string",
      { matchers: [eq("a", ""), { name: "b", value: ".*", isRegex: true, isEqual: true }] },
      "at least one matcher must not match the empty string",
    ],
    [
      'accepts negative matchers alone, as Alertmanager does (though a!="x" matches "")',
      { matchers: [{ name: "a", value: "x", isRegex: false, isEqual: false }] },
      null,
    ],
    [
      "refuses a bad label name with its index",
      { matchers: [eq("a", "x"), eq("a-b", "x")] },
      'invalid label matcher 1: invalid label name "a-b"',
    ],
    [
      "refuses a regex that does not compile",
      { matchers: [{ name: "a", value: "(", isRegex: true, isEqual: true }] },
      'invalid label matcher 0: invalid regular expression "(": error parsing regexp',
    ],
    [
      "refuses an end before the start",
      { startsAt: 2_000, endsAt: 1_000 },
      "end time must not be before start time",
    ],
  ];
  test.each(cases)("%s", (_, patch, message) => {
    const run = () => validateSilence({ ...base, ...patch });
    if (message === null) expect(run).not.toThrow();
    else expect(run).toThrow(`silence invalid: ${message}`);
  });
});

describe("silenceState()", () => {
  test.each([
    [999, "pending"],
    [1_000, "active"],
    [2_000, "active"],
    [2_001, "expired"],
  ] as const)("at %d a silence from 1000 to 2000 is %s", (now, state) => {
    expect(silenceState(base, now)).toBe(state);
  });
});

describe("canUpdateInPlace()", () => {
  const cases: Array<[string, number, Partial<Silence>, boolean]> = [
    [
      "an active silence can get a new end and comment",
      1_500,
      { endsAt: 9_000, comment: "c" },
      true,
    ],
    ["an active silence cannot change its start", 1_500, { startsAt: 1_200 }, false],
    ["an active silence cannot end in the past", 1_500, { endsAt: 1_400 }, false],
    ["no silence can change its matchers", 500, { matchers: [eq("alertname", "Y")] }, false],
    ["a pending silence can move its start forward", 500, { startsAt: 800 }, true],
    ["a pending silence cannot start in the past", 500, { startsAt: 400 }, false],
    ["an expired silence is never changed in place", 3_000, { endsAt: 9_000 }, false],
  ];
  test.each(cases)("%s", (_, now, patch, want) => {
    expect(canUpdateInPlace(base, { ...base, ...patch }, now)).toBe(want);
  });
});
