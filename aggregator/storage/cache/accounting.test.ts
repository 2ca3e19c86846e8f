import { expect, test } from "bun:test";
import { join } from "node:path";
import { cases, type Measured } from "./accounting_measure.ts";

/**
 * The bytes the query cache accounts for its entries against what they really add to the
 * heap, measured in a process of its own (accounting_measure.ts): hourly entries of counters
 * and gauges, with postings built up front or by a query, and joined entries.
 */

/** Accounted and measured bytes agree within this fraction of the measured. */
const TOLERANCE = 0.05;

/**
 * A measurement is taken again, up to this many times in all, when a case falls outside the
 * tolerance. On a loaded machine the first case measured 31 MB for 13.5 MB accounted (the next
 * −8 MB) in 3 runs of 4 and failed CI: a concurrent JIT compilation held an hour's decoded
 * series; the child now compiles on its main thread (0 of 10 so under the same load).
 */
const ATTEMPTS = 3;

const measurements: Promise<Map<string, Measured>>[] = [];

/** Every case, measured by a child process: attempt `n` (from 0) is its own process. */
function measuredCases(n: number): Promise<Map<string, Measured>> {
  measurements[n] ??= (async () => {
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "accounting_measure.ts")], {
      stdout: "pipe",
      stderr: "inherit",
      // A compilation running beside the code holds the values of the loop it enters (JSC's
      // OSR entry): on a busy machine one still held an hour's decoded series (17 MB) at the
      // first case's second measurement. Compiling on the main thread ends each one in time.
      env: { ...process.env, BUN_JSC_useConcurrentJIT: "0" },
    });
    const out = await new Response(child.stdout).text();
    if ((await child.exited) !== 0) throw new Error("Cannot measure the cache's entries");
    const lines = out.split("\n").filter((l) => l.startsWith("{"));
    return new Map(lines.map((l) => JSON.parse(l) as Measured).map((m) => [m.name, m]));
  })();
  return measurements[n];
}

const within = (m: Measured) => m.real > 0 && Math.abs(m.accounted - m.real) <= TOLERANCE * m.real;

for (const c of cases) {
  test(`the cache accounts ${c.name} within ${TOLERANCE * 100} % of the heap it takes`, async () => {
    let m: Measured | undefined;
    for (let n = 0; n < ATTEMPTS; n++) {
      m = (await measuredCases(n)).get(c.name);
      if (m === undefined || within(m)) break;
    }
    expect(m).toBeDefined();
    const { accounted, real } = m!;
    expect(real).toBeGreaterThan(0);
    expect(Math.abs(accounted - real)).toBeLessThanOrEqual(TOLERANCE * real);
  }, 60_000);
}
