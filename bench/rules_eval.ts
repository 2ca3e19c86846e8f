/**
 * The rule evaluator alone, in this process, on the workload of bench/rules_vs_prometheus.ts:
 * its 20 groups (1,000 recording and 1,000 alerting rules with templated labels and
 * annotations) over 10 minutes of its 10,000 series at 15 s in the aggregator's head, expanded
 * by the aggregator's template engine, the output published to a sink that counts it. Each
 * round evaluates every group once, 15 s after the last; the first rounds (restore, alerts
 * going pending then firing) are a warm-up. What a round costs is what the rules cost every
 * 15 s, without the process around them: the figure to profile and to improve
 * (`bun --cpu-prof-md bench/rules_eval.ts`; with `--cpu-prof`, split by area with
 * bench/cpu_profile_split.ts over the window it reports).
 *
 *   bun bench/rules_eval.ts [--quick]   20 rounds (--quick: 5)
 */
import { heapStats } from "bun:jsc";
import { parseArgs } from "node:util";
import { Engine } from "../aggregator/promql/engine/engine.ts";
import type { OutputBatch } from "../aggregator/rules/eval/deps.ts";
import { GroupEvaluator } from "../aggregator/rules/eval/group.ts";
import { RuleMetrics } from "../aggregator/rules/eval/metrics.ts";
import { prometheusExpander } from "../aggregator/rules/eval/template.ts";
import { parseRuleFile } from "../aggregator/rules/file.ts";
import { Head } from "../aggregator/storage/head/head.ts";
import { makeBatch } from "../aggregator/storage/head/testing.ts";
import { Registry } from "../shared/metrics/registry.ts";
import { type Labels, labelsFromRecord } from "../shared/model/labels.ts";
import { report } from "./lib/pipeline.ts";
import { expectedFiring, ruleFile, workloadSamples } from "./lib/rules_workload.ts";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean", default: false } },
  strict: false,
});
const ROUNDS = flags.quick ? 5 : 20;
const WARMUP = 4; // restore, pending, firing (`for: 30s`), one more
const STEP = 15_000;
const T0 = 1_700_000_000_000;
const HISTORY = 40; // 10 minutes of samples before the first round

/** The workload's series from T0 − HISTORY steps to the last round, in the aggregator's head. */
function store(): Head {
  const head = new Head();
  const steps = HISTORY + WARMUP + ROUNDS + 1;
  let series: Labels[] = [];
  for (let i = 0; i < steps; i++) {
    const t = T0 + (i - HISTORY) * STEP;
    const scrape = workloadSamples(t, T0 - HISTORY * STEP);
    if (i === 0)
      series = scrape.map((s) =>
        labelsFromRecord({ __name__: s.name, job: "bench", instance: "bench:9100", ...s.labels }),
      );
    head.append(
      makeBatch(
        series,
        scrape.map((s, j) => [j, t, s.value]),
      ),
      i,
    );
  }
  return head;
}

const storage = store();
const engine = new Engine();
let published = 0;
let firing = 0;
const groups = parseRuleFile(ruleFile(), "bench.yml").groups.map(
  (group) =>
    new GroupEvaluator(
      group,
      STEP,
      0,
      {
        engine,
        queryable: storage,
        sink: {
          publish: async (b: OutputBatch) => {
            published += b.values.length;
            return { duplicate: false };
          },
        },
        tenant: "default",
        expand: prometheusExpander(engine, storage),
        externalLabels: {},
        externalURL: "http://bench:9090",
        restore: { outageTolerance: 3_600_000, gracePeriod: 600_000 },
        resendDelay: 60_000,
      },
      new RuleMetrics(new Registry()),
    ),
);

async function round(i: number): Promise<void> {
  for (const g of groups) await g.evaluate(T0 + i * STEP);
}

for (let i = 0; i < WARMUP; i++) await round(i);
published = 0;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const from = Date.now();
for (let i = WARMUP; i < WARMUP + ROUNDS; i++) await round(i);
const cpu = process.cpuUsage(cpu0);
// The measured rounds' wall-clock window, for bench/cpu_profile_split.ts --from/--to.
report("rules_eval_window_from", from, "epoch_ms");
report("rules_eval_window_to", Date.now(), "epoch_ms");
const wall = performance.now() - wall0;
for (const g of groups)
  for (const r of g.rules)
    for (const a of r.alerting?.active.values() ?? []) if (a.state === "firing") firing++;

const cpuMs = (cpu.user + cpu.system) / 1000 / ROUNDS;
report(
  "rules_eval_rules",
  groups.reduce((n, g) => n + g.rules.length, 0),
  "rules",
);
report("rules_eval_cpu_per_round", cpuMs, "ms");
report("rules_eval_wall_per_round", wall / ROUNDS, "ms");
// One round every 15 s: the share of a core the rules need at that interval.
report("rules_eval_cpu_cores_at_15s", cpuMs / STEP, "cores");
report("rules_eval_output_samples_per_round", published / ROUNDS, "samples");
report("rules_eval_head_decoded_copies", storage.copyBytes() / 2 ** 20, "MiB");
// What stays on the heap between rounds (parsed templates, alert state, head): each object is
// work for every full collection.
Bun.gc(true);
report("rules_eval_heap_objects", heapStats().objectCount / 1000, "k objects");
// What the store's full collection after a flush costs with this heap (every thread: the
// collector's helpers mark in parallel), the median of five.
const collections: number[] = [];
for (let i = 0; i < 5; i++) {
  const before = process.cpuUsage();
  Bun.gc(true);
  const used = process.cpuUsage(before);
  collections.push((used.user + used.system) / 1000);
}
report("rules_eval_full_collection_cpu", collections.sort((a, b) => a - b)[2], "ms");
report("rules_eval_alerts_firing", firing, "alerts");
report("rules_eval_alerts_firing_expected", expectedFiring(), "alerts");
