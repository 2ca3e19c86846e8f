/**
 * The head's decoded copies of open chunks (aggregator/storage/head/tails.ts) as a live
 * aggregator's rules use them: 10,000 series (1,000 names × 10) appended every 15 s, and
 * after each append every name read for its last 5 minutes and its last minute, as the
 * rules of bench/rules_vs_prometheus.ts read them. Two chunks' worth of rounds (240), with the
 * copies kept from the reads' earliest time (as shipped) and whole from their chunks' start
 * (the reference), each in its own process: the reads' CPU a round and the copies' bytes at
 * their highest.
 *
 *   bun bench/head_tails.ts [--rounds N]
 */
import { parseArgs } from "node:util";
import { Head } from "../aggregator/storage/head/head.ts";
import { OpenChunkTails, TAIL_SAMPLES_MAX } from "../aggregator/storage/head/tails.ts";
import { makeBatch } from "../aggregator/storage/head/testing.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags } = parseArgs({
  options: { rounds: { type: "string", default: "240" }, mode: { type: "string" } },
  strict: false,
});
const ROUNDS = Number(flags.rounds);
const NAMES = 1000;
const PODS = 10;
const T0 = 1_700_000_000_000;

/** One mode's run, in this process: the reads' CPU a round (ms) and the copies' top (MiB). */
async function run(trim: boolean): Promise<{ cpuMs: number; topMiB: number }> {
  const series = Array.from({ length: NAMES * PODS }, (_, k) =>
    labelsFromRecord({ __name__: `m${Math.floor(k / PODS)}_total`, pod: `p${k % PODS}` }),
  );
  const head = new Head();
  (head as unknown as { tails: OpenChunkTails }).tails = new OpenChunkTails(TAIL_SAMPLES_MAX, trim);
  let cpu = 0;
  let top = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t = T0 + r * 15_000;
    head.append(
      makeBatch(
        series,
        series.map((_, j) => [j, t, r * 3 + (j % 7)]),
      ),
      r + 1,
    );
    const before = process.cpuUsage();
    const q = await head.querier();
    for (let m = 0; m < NAMES; m++) {
      const matchers = [{ name: "__name__", type: "=" as const, value: `m${m}_total` }];
      await q.select(matchers, { start: t - 300_000 + 1, end: t });
      await q.select(matchers, { start: t - 60_000 + 1, end: t });
    }
    const used = process.cpuUsage(before);
    cpu += (used.user + used.system) / 1000;
    top = Math.max(top, head.copyBytes());
  }
  return { cpuMs: cpu / ROUNDS, topMiB: top / 2 ** 20 };
}

if (flags.mode) {
  console.log(JSON.stringify(await run(flags.mode === "trimmed")));
} else {
  for (const mode of ["trimmed", "whole"]) {
    const child = Bun.spawnSync([
      process.execPath,
      import.meta.path,
      "--mode",
      mode,
      "--rounds",
      String(ROUNDS),
    ]);
    const { cpuMs, topMiB } = JSON.parse(child.stdout.toString());
    report(`head_tails_${mode}_read_cpu_per_round`, cpuMs, "ms");
    report(`head_tails_${mode}_copies_top`, topMiB, "MiB");
  }
}
