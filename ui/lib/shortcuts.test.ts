import { expect, test } from "bun:test";
import { shortcutFor } from "./shortcuts.ts";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

test.each([
  ["e", 1000, 2000, { go: "/explore" }],
  ["h", 1000, 2000, { go: "/" }],
  ["u", 1000, 2400, { go: "/uptime" }],
  ["e", 1000, 3000, null],
  ["g", Number.NEGATIVE_INFINITY, 0, { chord: true }],
  ["/", Number.NEGATIVE_INFINITY, 0, { focus: true }],
  ["?", Number.NEGATIVE_INFINITY, 0, { help: true }],
  ["x", 1000, 1100, null],
])("shortcutFor(%p) after g at %p, now %p, asks for %j", (k, gAt, now, want) => {
  expect(shortcutFor(key(k), gAt, now)).toEqual(want as never);
});

test("shortcutFor() leaves keys with Ctrl or Meta to the browser", () => {
  expect(shortcutFor(key("/", { ctrlKey: true }), 0, 0)).toBeNull();
  expect(shortcutFor(key("e", { metaKey: true }), 0, 100)).toBeNull();
});
