import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isStaleAt } from "../../../shared/model/sample.ts";
import type { Queryable } from "../../storage/storage.ts";
import { PromQLError, type QueryOutcome, type QueryResult, type Sample } from "../value.ts";
import { runCli } from "./cli.ts";
import { type EvalResult, NATIVE_HISTOGRAMS, type QueryEngine, runScript } from "./runner.ts";

/**
 * A test double for the engine: answers number literals and bare metric names (latest sample
 * in the 5 m lookback, staleness respected), and fails every other query. Enough to drive the
 * runner end to end through the memory storage.
 */
class LiteralEngine implements QueryEngine {
  constructor(private readonly queryable: Queryable) {}

  async instantQuery(query: string, timeMs: number): Promise<QueryOutcome> {
    return outcome(await this.at(query, timeMs));
  }

  async rangeQuery(query: string, startMs: number, endMs: number, stepMs: number) {
    const points = new Map<string, { labels: string[]; ts: number[]; vs: number[] }>();
    for (let t = startMs; t <= endMs; t += stepMs) {
      const r = await this.at(query, t);
      let samples: readonly Sample[] = [];
      if (r.type === "scalar") samples = [{ labels: [], t, v: r.v }];
      else if (r.type === "vector") samples = r.samples;
      for (const s of samples) {
        const key = JSON.stringify(s.labels);
        const p = points.get(key) ?? { labels: [...s.labels], ts: [], vs: [] };
        p.ts.push(t);
        p.vs.push(s.v);
        points.set(key, p);
      }
    }
    const series = [...points.values()].map((p) => ({
      labels: p.labels,
      timestamps: Float64Array.from(p.ts),
      values: Float64Array.from(p.vs),
    }));
    return outcome({ type: "matrix", series });
  }

  private async at(query: string, t: number): Promise<QueryResult> {
    if (/^-?\d+(\.\d+)?$/.test(query)) return { type: "scalar", t, v: Number(query) };
    if (query.includes("anchored")) {
      throw new PromQLError(
        "bad_data",
        "1:9: parse error: anchored modifier is experimental and not enabled",
      );
    }
    if (!/^[a-z_]+$/.test(query) || query === "nope") {
      throw new PromQLError("bad_data", `unsupported query ${query}`);
    }
    const q = await this.queryable.querier();
    const selected = await q.select([{ name: "__name__", type: "=", value: query }], {
      start: t - 300_000 + 1,
      end: t,
    });
    const samples: Sample[] = [];
    for (const s of selected) {
      const words = new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.length);
      const last = s.length - 1;
      if (!isStaleAt(words, last)) samples.push({ labels: s.labels, t, v: s.values[last] });
    }
    return { type: "vector", samples };
  }
}

function outcome(result: QueryResult): QueryOutcome {
  const timings = { parseSeconds: 0, queryPrepareSeconds: 0, evalSeconds: 0, totalSeconds: 0 };
  const stats = { totalQueryableSamples: 0, peakSamples: 0, timings };
  return { result, warnings: [], infos: [], stats };
}

const SCRIPT = `
load 1m
  foo{a="1"} 1+1x5
  foo{a="2"} 10 stale
  hist {{schema:0 sum:1 count:1}}x2

eval instant at 2m 42
  42

eval instant at 2m foo
  foo{a="1"} 3

eval range from 0 to 2m step 1m foo
  foo{a="1"} 1 2 3
  foo{a="2"} 10 _ _

eval instant at 0 nope
  expect fail msg: unsupported query nope

eval instant at 2m foo
  foo{a="1"} 4

eval instant at 2m hist
  hist 1

eval instant at 0 nope
  1

eval instant at 0 42
  expect fail

eval range from 0 to 1m step 1m foo
  foo{a="1"} 1 2 3

clear

eval instant at 2m foo

eval instant at 0 foo[1m] anchored
`;

const harness = { makeEngine: (q: Queryable) => new LiteralEngine(q) };

describe("runScript()", () => {
  test("reports each eval by line as passed, failed or skipped", async () => {
    const report = await runScript("fake.test", SCRIPT, harness);
    expect(report.error).toBeNull();
    const byLine = report.results.map((r: EvalResult) => [r.line, r.status]);
    expect(byLine).toEqual([
      [7, "passed"],
      [10, "passed"],
      [13, "passed"],
      [17, "passed"],
      [20, "failed"],
      [23, "skipped"],
      [26, "failed"],
      [29, "failed"],
      [32, "failed"],
      [37, "passed"],
      [39, "skipped"],
    ]);
    const reasons = Object.fromEntries(report.results.map((r) => [r.line, r.reason]));
    expect(reasons[20]).toBe('expected 4 for foo{a="1"} but got 3');
    expect(reasons[23]).toBe(NATIVE_HISTOGRAMS);
    expect(reasons[26]).toBe("error evaluating query: unsupported query nope");
    expect(reasons[29]).toBe("expected error evaluating query but got none");
    expect(reasons[32]).toContain("query time range cannot return this many points");
    expect(reasons[39]).toBe("1:9: parse error: anchored modifier is experimental and not enabled");
  });

  test("reports a script that does not parse as a file error", async () => {
    const report = await runScript("bad.test", "load 1m\n  m{a} 1\n", harness);
    expect(report.results).toEqual([]);
    expect(report.error).toContain("bad.test:2");
  });

  test("counts an engine crash as a failure even when a failure is expected", async () => {
    const crashing = {
      makeEngine: (): QueryEngine => ({
        instantQuery: () => Promise.reject(new TypeError("x is undefined")),
        rangeQuery: () => Promise.reject(new TypeError("x is undefined")),
      }),
    };
    const report = await runScript("crash.test", "eval instant at 0 1\n  expect fail\n", crashing);
    expect(report.results[0].status).toBe("failed");
    expect(report.results[0].reason).toStartWith("engine crashed: TypeError: x is undefined");
  });
});

describe("runCli()", () => {
  test("prints per-file counts and keeps passing.txt in step with --update", async () => {
    const dir = mkdtempSync(join(tmpdir(), "promqltest-"));
    try {
      writeFileSync(join(dir, "FORMAT.md"), "");
      writeFileSync(join(dir, "fake.test"), SCRIPT);
      const baselinePath = join(dir, "passing.txt");
      const lines: string[] = [];
      const env = { dir, baselinePath, print: (l: string) => lines.push(l) };
      expect(await runCli(["--file", "fake", "--update"], harness, env)).toBe(0);
      expect(lines[0]).toMatch(/^fake\.test +passed 5, failed 4, skipped 2 of 11$/);
      expect(lines).toContain("  FAIL fake.test:20  foo");
      const entries = readFileSync(baselinePath, "utf8")
        .split("\n")
        .filter((l) => /^\w/.test(l));
      expect(entries).toEqual([
        "fake.test:7",
        "fake.test:10",
        "fake.test:13",
        "fake.test:17",
        "fake.test:37",
      ]);

      writeFileSync(baselinePath, "fake.test:20\nother.test:1\n");
      lines.length = 0;
      expect(await runCli(["--file", "fake.test"], harness, env)).toBe(1);
      expect(lines).toContain("REGRESSIONS (in passing.txt, failing now): fake.test:20");
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
