/**
 * Cost of one rule group evaluation: 1,000 recording rules, each `sum by (job) (rate(m[5m]))`
 * style over 10 series of its own metric (10,000 series in all), on the in-memory store, the
 * output published to a sink that drops it. Prints `name value unit` lines.
 */
import { Engine } from "../aggregator/promql/engine/engine.ts";
import type { OutputBatch } from "../aggregator/rules/eval/deps.ts";
import { GroupEvaluator } from "../aggregator/rules/eval/group.ts";
import { RuleMetrics } from "../aggregator/rules/eval/metrics.ts";
import { expandUnchanged } from "../aggregator/rules/eval/template.ts";
import { parseRuleFile } from "../aggregator/rules/file.ts";
import { MemoryStorage } from "../aggregator/storage/memory.ts";
import { Registry } from "../shared/metrics/registry.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";

const RULES = 1_000;
const SERIES_PER_RULE = 10;
const T = 1_700_000_000_000;

const storage = new MemoryStorage();
for (let r = 0; r < RULES; r++) {
  for (let s = 0; s < SERIES_PER_RULE; s++) {
    const labels = labelsFromRecord({ __name__: `m${r}`, job: `j${s % 3}`, instance: `i${s}` });
    const samples: [number, number][] = [];
    for (let t = T - 300_000; t <= T; t += 15_000) samples.push([t, (t - T) / 1000 + s]);
    storage.append(labels, samples);
  }
}
const yaml = `groups:\n- name: bench\n  rules:\n${Array.from(
  { length: RULES },
  (_, r) => `  - record: job:m${r}:rate5m\n    expr: sum by (job) (rate(m${r}[5m]))\n`,
).join("")}`;
const group = parseRuleFile(yaml, "bench.yml").groups[0];
let published = 0;
const evaluator = new GroupEvaluator(
  group,
  60_000,
  0,
  {
    engine: new Engine(),
    queryable: storage,
    sink: {
      publish: async (b: OutputBatch) => {
        published += b.values.length;
        return { duplicate: false };
      },
    },
    tenant: "default",
    expand: expandUnchanged,
    externalLabels: {},
    externalURL: "",
    restore: { outageTolerance: 3_600_000, gracePeriod: 600_000 },
    resendDelay: 60_000,
  },
  new RuleMetrics(new Registry()),
);
await evaluator.evaluate(T); // warm-up
const runs = 5;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let i = 1; i <= runs; i++) await evaluator.evaluate(T + i * 1000);
const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - wall0) / runs;
console.log(`rules_eval_rules ${RULES} rules`);
console.log(`rules_eval_series ${RULES * SERIES_PER_RULE} series`);
console.log(
  `rules_eval_cpu_per_evaluation ${((cpu.user + cpu.system) / 1000 / runs).toFixed(1)} ms`,
);
console.log(`rules_eval_wall_per_evaluation ${wall.toFixed(1)} ms`);
console.log(`rules_eval_output_samples ${published / (runs + 1)} samples`);
