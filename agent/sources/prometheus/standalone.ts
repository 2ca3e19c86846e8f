import type { Logger } from "../../../shared/log/log.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { compileRelabel } from "../../../shared/relabel/relabel.ts";
import { parseAgentConfig } from "../../config/load.ts";
import type { MemoryBudget } from "../../pipeline/budget.ts";
import { ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";
import { ScrapeLoop } from "./loop.ts";
import { ScrapeMetrics } from "./metrics.ts";
import { buildTargets } from "./targets.ts";

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Builds the ScrapeLoop for the first static target of the first job in an agent config,
 * without discovery or timers: for tests and benchmarks that trigger `scrapeOnce()` themselves.
 */
export function standaloneLoop(
  configText: string,
  consumer: SampleConsumer,
  registry = new Registry(),
  log: Logger = quiet,
  budget: MemoryBudget | null = null,
): ScrapeLoop {
  const config = parseAgentConfig(configText, "/tmp/standalone-loop.yaml");
  const job = config.scrape_configs[0];
  const group = job.static_configs[0];
  const [target] = buildTargets(job, [group], compileRelabel(job.relabel_configs), (m) => {
    throw new Error(m);
  });
  if (!target) throw new Error("Cannot build a scrape loop: target relabeling dropped the target");
  return new ScrapeLoop(target, {
    consumer,
    metrics: new ScrapeMetrics(registry),
    component: new ComponentMetrics(registry, "prometheus", "source", "prometheus"),
    log,
    metricRelabel: job.metric_relabel_configs.length
      ? compileRelabel(job.metric_relabel_configs)
      : null,
    externalLabels: labelsFromRecord(config.global.external_labels),
    budget,
  });
}
