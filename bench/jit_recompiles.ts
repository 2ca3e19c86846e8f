/**
 * How often JavaScriptCore compiles the batch encoder's hot code at its optimizing tiers while
 * it encodes batch after batch with a new encoder each time, as the rules' output publisher
 * does (aggregator/ingest/publish.ts). Optimized code thrown away and compiled again is CPU
 * that shows as the JIT's workers in bench/rules_vs_prometheus.ts: an encoder whose scratch
 * arrays started as literal `[]` had `writeSeries` compiled DFG, FTL, DFG, FTL, DFG over the
 * same 200 batches that now take one DFG and one FTL compile (docs/benchmarks.md, "The JIT's
 * first minutes"). The batches are encoded in a child process run with the compile reports
 * on (`BUN_JSC_report{DFG,FTL}CompileTimes`), whose lines this process counts.
 *
 *   bun bench/jit_recompiles.ts [--batches N]
 */
import { parseArgs } from "node:util";
import { BatchEncoder } from "../shared/codec/encode.ts";
import { SampleBlock } from "../shared/model/block.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags } = parseArgs({
  options: { batches: { type: "string", default: "200" }, child: { type: "boolean" } },
});
const BATCHES = Number(flags.batches);
const WATCHED = ["writeSeries", "addBlock", "seriesId", "finish"];

if (flags.child) encodeBatches();
else await countCompiles();

/** 300 series of 50 metrics a batch, a new encoder each, garbage between them. */
function encodeBatches(): void {
  const sets: string[][] = [];
  for (let i = 0; i < 300; i++)
    sets.push(["__name__", `m${i % 50}`, "job", "x", "pod", `p${i}`, "zone", `z${i % 3}`]);
  let garbage: unknown[] = [];
  for (let round = 0; round < BATCHES; round++) {
    const block = new SampleBlock(sets.length);
    for (const labels of sets) block.push({ labels }, 1000 * round, round);
    const encoder = new BatchEncoder();
    encoder.addBlock(block);
    encoder.finish();
    garbage = [];
    for (let k = 0; k < 20_000; k++) garbage.push({ k, s: `x${k}` });
  }
  if (garbage.length === 0) throw new Error("unreachable");
}

/** Runs the child with the compile reports on and reports each watched function's compiles. */
async function countCompiles(): Promise<void> {
  const child = Bun.spawn(["bun", import.meta.path, "--child", "--batches", String(BATCHES)], {
    env: {
      ...process.env,
      BUN_JSC_reportDFGCompileTimes: "1",
      BUN_JSC_reportFTLCompileTimes: "1",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  if ((await child.exited) !== 0) throw new Error(`the encoding child failed: ${err}`);
  const compiles = new Map<string, { count: number; ms: number }>();
  for (const line of `${out}\n${err}`.split("\n")) {
    const m = /Optimized (\w+)#\w+:.* using (DFG|FTL) with .* in ([\d.]+) ms/.exec(line);
    if (!m || !WATCHED.includes(m[1])) continue;
    const key = `${m[1]}_${m[2]}`;
    const c = compiles.get(key) ?? { count: 0, ms: 0 };
    c.count++;
    c.ms += Number(m[3]);
    compiles.set(key, c);
  }
  for (const name of WATCHED) {
    for (const tier of ["DFG", "FTL"]) {
      const c = compiles.get(`${name}_${tier}`) ?? { count: 0, ms: 0 };
      report(`jit_${name}_${tier}_compiles`, c.count, "compiles");
      report(`jit_${name}_${tier}_compile_ms`, c.ms, "ms");
    }
  }
}
