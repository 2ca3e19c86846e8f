/**
 * Series and label lookups end when the client goes away, even while a costly regex is being
 * matched over label values (shared/runtime/budget.ts): four runs of a thousand `.?` cost
 * hundreds of ms a 220-character value, many seconds over the values below.
 */
import { beforeAll, expect, test } from "bun:test";
import { OutpostError } from "../../../shared/errors/errors.ts";
import { costlyPattern, costlyText } from "../../../shared/regex/testing.ts";
import type { Head } from "../../storage/head/head.ts";
import { headWith } from "../../storage/head/testing.ts";
import { findLabelValues, findSeries } from "./series.ts";

const T = 1_700_000_000_000;
const all = { start: 0, end: T + 1 };
let head: Head;

beforeAll(() => {
  const ids = Array.from({ length: 80 }, (_, i) => costlyText(`value-${i}-`));
  head = headWith(
    ids.map((id) => ["__name__", "costly", "id", id]),
    T,
  );
});

test("a lookup answers its series and values", async () => {
  const s = { matchers: ['costly{id=~"value-1[0-2]-.*"}'], range: all, limit: 2 };
  const found = await findSeries(head, s);
  expect(found.items.length).toBe(2);
  expect(found.warnings).toEqual(["results truncated due to limit"]);
  const values = await findLabelValues(head, "__name__", { ...s, limit: 0 });
  expect(values.items).toEqual(["costly"]);
});

test("a lookup whose client goes away ends while a costly regex runs", async () => {
  const client = new AbortController();
  setTimeout(() => client.abort(), 300);
  const began = performance.now();
  const pattern = costlyPattern();
  const error = await findSeries(head, {
    matchers: [`costly{id=~"${pattern}"}`],
    range: all,
    limit: 0,
    signal: client.signal,
  }).catch((e) => e);
  expect(error).toBeInstanceOf(OutpostError);
  expect([error.code, error.message]).toEqual([
    "canceled",
    "lookup canceled: the client went away",
  ]);
  // One match costs up to ~0.7 s (a pattern's first, alone); the whole lookup over 80 values
  // takes over 10 s.
  expect(performance.now() - began).toBeLessThan(5_000);
});
