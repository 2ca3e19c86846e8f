import { describe, expect, test } from "bun:test";
import type { Querier, RollupRead, TimeRange } from "../../../storage/storage.ts";
import type { MatrixSelector } from "../../parser/ast.ts";
import { parseExpr } from "../../parser/parse.ts";
import { fetchRollups } from "./fetch.ts";
import type { RollupPlan } from "./plan.ts";
import { rowsFromSamples } from "./rows.ts";

const H = 3_600_000;

/** A querier whose rollups cover the range at the steps in `covers` only, asked in order. */
function querier(covers: number[]) {
  const asked: number[] = [];
  const labels = ["__name__", "x"];
  const q: Querier = {
    select: async () => [],
    labelNames: async () => [],
    labelValues: async () => [],
    close: () => {},
    rollups: async (_m, range: TimeRange, stepMs: number): Promise<RollupRead> => {
      asked.push(stepMs);
      if (!covers.includes(stepMs)) return { series: [], covered: null };
      const rows = rowsFromSamples(new Float64Array([range.end]), new Float64Array([1]), stepMs);
      return { series: [{ ...rows, labels }], covered: range };
    },
  };
  return { q, asked };
}

function plan(fallbacks: number[]): [MatrixSelector, RollupPlan] {
  const expr = parseExpr("max_over_time(x[1h])", {});
  if (expr.type !== "Call" || expr.args[0].type !== "MatrixSelector") throw new Error("shape");
  const matrix = expr.args[0];
  return [matrix, { func: "max_over_time", matrix, stepMs: H, exact: true, fallbacks }];
}

describe("fetchRollups()", () => {
  const range = { start: 0, end: 48 * H - 1 };

  test.each([
    ["reads the plan's step where its rollups cover some of the range", [H, 300_000], [H], H],
    ["falls back to the next aligned step where they cover none", [300_000], [H, 300_000], 300_000],
    ["tries each fallback in order", [60_000], [H, 300_000, 60_000], 60_000],
    ["reads raw where no step covers any", [], [H, 300_000, 60_000], null],
  ] as const)("%s", async (_name, covers, asked, used) => {
    const [matrix, p] = plan([300_000, 60_000]);
    const { q, asked: seen } = querier([...covers]);
    const got = await fetchRollups(
      q,
      new Map([[matrix.vector, p]]),
      new Map([[matrix.vector, range]]),
    );
    expect(seen).toEqual([...asked]);
    expect(got.get(matrix.vector)?.plan.stepMs ?? null).toBe(used);
  });
});
