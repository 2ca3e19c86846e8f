/**
 * A costly regex in a selector ends at the query's deadline and lets other work run meanwhile
 * (shared/runtime/budget.ts, the head's postings). Four runs of a thousand `.?` then a letter
 * keep thousands of states live at once and fail late: 200-350 ms a 220-character label value
 * (measured 2026-11-27, up to a second for a first pattern), so ten seconds and more over the
 * values below.
 */
import { beforeAll, expect, test } from "bun:test";
import { costlyPattern, costlyText } from "../../../shared/regex/testing.ts";
import type { Head } from "../../storage/head/head.ts";
import { headWith } from "../../storage/head/testing.ts";
import { PromQLError } from "../value.ts";
import { Engine } from "./engine.ts";

const T = 1_700_000_000_000;
// Several times the longest timeout below's worth of matches (0.1-0.25 s each on these VMs).
const VALUES = 100;
let head: Head;

beforeAll(() => {
  const ids = Array.from({ length: VALUES }, (_, i) => costlyText(`value-${i}-`));
  head = headWith(
    ids.map((id) => ["__name__", "costly", "id", id]),
    T,
  );
});

async function timing(query: string, timeoutMs: number) {
  const began = performance.now();
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    await new Engine({ timeoutMs }).instantQuery(head, query, T);
    return { error: null, ms: performance.now() - began, ticks };
  } catch (error) {
    return { error: error as PromQLError, ms: performance.now() - began, ticks };
  } finally {
    clearInterval(timer);
  }
}

test("a costly regex over the head's values stops at the query's timeout", async () => {
  const { error, ms } = await timing(`costly{id=~"${costlyPattern("x")}"}`, 500);
  expect(error).toBeInstanceOf(PromQLError);
  expect([error?.type, error?.message]).toEqual([
    "timeout",
    "query timed out in expression evaluation",
  ]);
  expect(ms).toBeLessThan(2_500);
});

test("other work gets turns while a costly regex is tested", async () => {
  // Another pattern: the answers of the one above are remembered.
  const { error, ticks } = await timing(`costly{id=~"${costlyPattern("y")}"}`, 2_500);
  expect(error?.type).toBe("timeout");
  // A timer held off for the whole query would not tick before it ended.
  expect(ticks).toBeGreaterThanOrEqual(2);
});

test("a regex answered in time selects as before", async () => {
  const got = await new Engine().instantQuery(head, 'count(costly{id=~"value-1[0-9]-.*"})', T);
  expect(got.result).toEqual({ type: "vector", samples: [{ labels: [], t: T, v: 10 }] });
});
