/**
 * Series and label lookups end when the client goes away, even while a costly regex is being
 * matched over label values (shared/runtime/budget.ts): four runs of a thousand `.?` cost
 * hundreds of ms a 220-character value, many seconds over the values below.
 */
import { beforeAll, expect, test } from "bun:test";
import { OutpostError } from "../../../shared/errors/errors.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import { Head } from "../../storage/head/head.ts";
import { makeBatch } from "../../storage/head/testing.ts";
import { findLabelValues, findSeries } from "./series.ts";

const T = 1_700_000_000_000;
const all = { start: 0, end: T + 1 };
let head: Head;

beforeAll(() => {
  head = new Head();
  const series: Labels[] = Array.from({ length: 80 }, (_, i) => [
    "__name__",
    "costly",
    "id",
    `value-${i}-${"abcdefghijklmnopqrstuvwxyz".repeat(8)}`,
  ]);
  head.append(
    makeBatch(
      series,
      series.map((_, i) => [i, T, i]),
    ),
    1,
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
  const pattern = `${"(?:.?){1000}".repeat(4)}q`;
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
