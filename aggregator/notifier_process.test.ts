/**
 * `outpost notifier` holds a fraction of an aggregator's memory because it loads a fraction of
 * its modules (docs/notify.md, "A notifier process"): this fails when an import brings the
 * store, DuckDB, the query engine, the rules, Connect or LogQL back into it.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "notifier_main.ts");

/** Modules the notifier process must not load, each with what it would bring. */
const KEPT_OUT: [RegExp, string][] = [
  [/\/aggregator\/storage\/(store|parquet|cache|head)\//, "the metrics store and DuckDB"],
  [/\/@duckdb\//, "DuckDB"],
  [/\/aggregator\/promql\/engine\//, "the query engine"],
  [/\/aggregator\/rules\/eval\/(setup|component|manager|group|loop)\.ts$/, "rule evaluation"],
  [/\/aggregator\/logs\/logql\//, "LogQL"],
  [/\/@connectrpc\//, "Connect"],
  [/\/aggregator\/api\/http\/ui/, "the web UI"],
];

test("the notifier process loads none of the aggregator's heavy parts", async () => {
  const script = `await import(${JSON.stringify(MAIN)}); console.log(JSON.stringify(Object.keys(require.cache)));`;
  const proc = Bun.spawn(["bun", "-e", script], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  expect(await proc.exited).toBe(0);
  const loaded = JSON.parse(out) as string[];
  expect(loaded.some((m) => m.endsWith("/aggregator/notifier_process.ts"))).toBe(true);
  for (const [pattern, what] of KEPT_OUT) {
    const found = loaded.filter((m) => pattern.test(m));
    expect({ what, found }).toEqual({ what, found: [] });
  }
  // The aggregator itself loads ~900; the process ~470 (docs/benchmarks.md).
  expect(loaded.length).toBeLessThan(600);
}, 30_000);
