import { describe, expect, test } from "bun:test";
import { MemoryNotificationLog, needsNotification } from "./nflog.ts";

const entry = (firing: string[], resolved: string[], timestamp = 100) => ({
  firing,
  resolved,
  timestamp,
});
const set = (...s: string[]) => new Set(s);

describe("needsNotification()", () => {
  test.each([
    ["first notification with firing alerts", undefined, set("a"), set(), true, true],
    ["never first with only resolved alerts", undefined, set(), set("a"), true, false],
    ["a new firing alert", entry(["a"], []), set("a", "b"), set(), true, true],
    ["nothing new before repeat_interval", entry(["a", "b"], []), set("a"), set(), false, false],
    [
      "a new resolved alert with send_resolved",
      entry(["a", "b"], []),
      set("a"),
      set("b"),
      true,
      true,
    ],
    ["everything resolved since the last firing", entry(["a"], []), set(), set("a"), false, true],
    [
      "resolved again after a resolved notification",
      entry([], ["a"]),
      set(),
      set("a"),
      true,
      false,
    ],
  ])("%s", (_, e, firing, resolved, sendResolved, want) => {
    expect(needsNotification(e, firing, resolved, sendResolved, 1000, 500)).toBe(want);
  });

  test("repeats once repeat_interval has passed since the entry", () => {
    const e = entry(["a"], [], 100);
    expect(needsNotification(e, set("a"), set(), true, 1000, 1100)).toBe(false);
    expect(needsNotification(e, set("a"), set(), true, 1000, 1101)).toBe(true);
  });
});

describe("MemoryNotificationLog", () => {
  test("forgets an entry after its retention", async () => {
    let now = 0;
    const log = new MemoryNotificationLog(() => now);
    await log.log("r/webhook/0", "g", entry(["a"], [], 0), 10);
    expect(await log.get("r/webhook/0", "g")).toBeDefined();
    now = 10;
    expect(await log.get("r/webhook/0", "g")).toBeUndefined();
  });
});
