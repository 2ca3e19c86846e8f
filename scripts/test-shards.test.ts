import { expect, test } from "bun:test";
import { deal, failureExcerpts } from "./test-shards.ts";

test("deal() gives the longest files first to the shard with the least time so far", () => {
  const ms = { a: 100, b: 60, c: 50, d: 30, e: 20 };
  expect(deal(Object.keys(ms), ms, 2)).toEqual([
    ["a", "d"],
    ["b", "c", "e"],
  ]);
});

test("deal() counts a file it has no time for as 5 s and leaves no file out", () => {
  const files = ["x", "y", "z", "new"];
  const shards = deal(files, { x: 9_000, y: 1_000, z: 1_000 }, 2);
  expect(shards).toEqual([["x"], ["new", "y", "z"]]);
  expect(shards.flat().sort()).toEqual([...files].sort());
});

test("deal() puts the files that run a browser in one shard and the others around them", () => {
  const ms = { "test/e2e/a": 20, "test/e2e/b": 10, c: 60, d: 20, e: 10 };
  expect(deal(Object.keys(ms), ms, 2)).toEqual([["d", "e", "test/e2e/a", "test/e2e/b"], ["c"]]);
});

test("failureExcerpts() names each failure with the error lines bun printed before it", () => {
  const output = [
    "(pass) a [1ms]",
    "error: expect(received).toBe(expected)",
    "Expected: 1",
    "(fail) b > c [2ms]",
    "(pass) d",
    "(fail) e",
  ].join("\n");
  expect(failureExcerpts(output)).toEqual([
    "error: expect(received).toBe(expected)\nExpected: 1\n(fail) b > c [2ms]",
    "(fail) e",
  ]);
  expect(failureExcerpts("(pass) a\n(pass) b")).toEqual([]);
});
