import { expect, test } from "bun:test";
import {
  forget,
  HISTORY_KEY,
  HISTORY_LIMIT,
  loadHistory,
  loadSaved,
  remember,
  SAVED_KEY,
  saveQuery,
} from "./query_history.ts";

test("remember() puts the query on top once and keeps the newest 50", () => {
  expect(remember(["a", "b", "c"], "b")).toEqual(["b", "a", "c"]);
  expect(remember(["a"], "  ")).toEqual(["a"]);
  const long = Array.from({ length: HISTORY_LIMIT }, (_, i) => `q${i}`);
  const next = remember(long, "new");
  expect(next.length).toBe(HISTORY_LIMIT);
  expect(next[0]).toBe("new");
  expect(next.at(-1)).toBe(`q${HISTORY_LIMIT - 2}`);
});

test("saveQuery() replaces a query of the same name and sorts by name; forget() removes it", () => {
  let saved = saveQuery([], "zeta", "up");
  saved = saveQuery(saved, "alpha", "rate(x[5m])");
  saved = saveQuery(saved, "zeta", "down");
  expect(saved).toEqual([
    { name: "alpha", query: "rate(x[5m])" },
    { name: "zeta", query: "down" },
  ]);
  expect(forget(saved, "alpha")).toEqual([{ name: "zeta", query: "down" }]);
  expect(() => saveQuery(saved, " ", "up")).toThrow("Cannot save the query: give it a name");
  expect(() => saveQuery(saved, "x", "")).toThrow("the expression is empty");
});

test("loadHistory() and loadSaved() read what was stored and ignore what is malformed", () => {
  const store = (values: Record<string, string>) => ({ getItem: (k: string) => values[k] ?? null });
  expect(loadHistory(store({ [HISTORY_KEY]: '["up", 3, "down"]' }))).toEqual(["up", "down"]);
  expect(loadHistory(store({ [HISTORY_KEY]: "{not json" }))).toEqual([]);
  expect(loadHistory(store({}))).toEqual([]);
  expect(
    loadSaved(store({ [SAVED_KEY]: '[{"name":"a","query":"up"},{"name":1},null,"x"]' })),
  ).toEqual([{ name: "a", query: "up" }]);
});
