import { expect, test } from "bun:test";
import { KvRevisions } from "./kv_revisions.ts";

test("an own write older than what the watch brought is passed over, a delete included", () => {
  const r = new KvRevisions();
  expect(r.admit("k", 5)).toBe(true); // the watch's value
  expect(r.admit("k", 3)).toBe(false); // an own write acknowledged late
  expect(r.get("k")).toBe(5);
  expect(r.admit("k", 7)).toBe(true);
  r.forget("k", 8); // the watch's delete
  expect(r.get("k")).toBeUndefined();
  expect(r.admit("k", 7)).toBe(false); // an own write from before the delete
  expect(r.admit("k", 9)).toBe(true); // written again after it
  expect(r.admit("other", 0)).toBe(true); // unknown revisions always pass
});

test("deleted() lets the mirror drop its copy only when nothing newer came meanwhile", async () => {
  const r = new KvRevisions();
  r.admit("k", 1);
  expect(await r.deleted("k", async () => {})).toBe(true);
  r.admit("k", 2);
  expect(await r.deleted("k", async () => r.admit("k", 4))).toBe(false); // written again first
  expect(r.get("k")).toBe(4);
  expect(await r.deleted("k", async () => false)).toBe(false); // a refused conditional delete
  expect(r.get("k")).toBe(4);
});
