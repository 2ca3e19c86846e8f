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

let measured: Promise<Map<string, Measured>> | undefined;

/** Every case, measured once by a child process. */
function measuredCases(): Promise<Map<string, Measured>> {
  measured ??= (async () => {
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "accounting_measure.ts")], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const out = await new Response(child.stdout).text();
    if ((await child.exited) !== 0) throw new Error("Cannot measure the cache's entries");
    const lines = out.split("\n").filter((l) => l.startsWith("{"));
    return new Map(lines.map((l) => JSON.parse(l) as Measured).map((m) => [m.name, m]));
  })();
  return measured;
}

for (const c of cases) {
  test(`the cache accounts ${c.name} within ${TOLERANCE * 100} % of the heap it takes`, async () => {
    const m = (await measuredCases()).get(c.name);
    expect(m).toBeDefined();
    const { accounted, real } = m!;
    expect(real).toBeGreaterThan(0);
    expect(Math.abs(accounted - real)).toBeLessThanOrEqual(TOLERANCE * real);
  }, 30_000);
}
