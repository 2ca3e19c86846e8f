import { expect, test } from "bun:test";
import { parseMatchers } from "./alerts.ts";
import { draftOf, draftStart, localInput, refusalText, withoutMatcher } from "./silences.ts";

test.each([
  [
    `invalid parameter "silence.matchers": should have at least 1 items`,
    "Matchers: at least one matcher is needed",
  ],
  [
    `invalid parameter "silence.matchers[1].name": is required`,
    "Matchers (matcher 2): is required",
  ],
  [`invalid parameter "silence.ends_at_ms": is required`, "Duration: is required"],
  [
    `Failed to create silence: end time can't be in the past`,
    "Duration: end time can't be in the past",
  ],
  [
    `silence invalid: invalid label matcher 0: invalid label name "1a"`,
    `Matchers: matcher 1: invalid label name "1a"`,
  ],
  [
    `silence invalid: at least one matcher must not match the empty string`,
    "Matchers: at least one matcher must not match the empty string",
  ],
  ["role viewer lacks write permission", "role viewer lacks write permission"],
])("refusalText(%p) is %p", (message, want) => {
  expect(refusalText(message)).toBe(want);
});

const silence = {
  id: "5f0e8b0a-0000-4000-8000-000000000001",
  matchers: [
    { name: "alertname", value: "X", isRegex: false },
    { name: "i", value: "1.*", isRegex: true, isEqual: false },
  ],
  startsAtMs: 1_700_000_000_123n,
  endsAtMs: 1_700_007_200_123n,
  createdBy: "erin",
  comment: "window",
  state: "active",
};

test("draftOf() an active silence edits it, keeping its start to the millisecond", () => {
  const d = draftOf(silence);
  expect(d).toMatchObject({
    id: silence.id,
    matchers: `alertname="X", i!~"1.*"`,
    duration: "2h",
    author: "erin",
  });
  expect(draftStart(d, 0)).toBe(1_700_000_000_123);
  // A start the user changed is read as typed.
  expect(draftStart({ ...d, starts: localInput(1_700_000_060_000) }, 0)).toBe(1_700_000_060_000);
});

test("draftOf() an expired silence recreates it from now with its length", () => {
  const d = draftOf({ ...silence, state: "expired" });
  expect(d.id).toBeUndefined();
  expect(d.duration).toBe("2h");
  expect(draftStart(d, 42)).toBe(42);
});

test("draftStart() names a start it cannot read", () => {
  expect(() => draftStart({ ...draftOf(silence), starts: "soon" }, 0)).toThrow(
    `Start: cannot read "soon"`,
  );
});

test("withoutMatcher() leaves the other matchers as text", () => {
  expect(withoutMatcher(parseMatchers(`a="1", b="2", c=~"3"`), 1)).toBe(`a="1", c=~"3"`);
});

test("draftOf() an expired silence that lasted minutes offers the blank form's length", () => {
  expect(
    draftOf({ ...silence, state: "expired", endsAtMs: silence.startsAtMs + 4_000n }).duration,
  ).toBe("2h");
});
