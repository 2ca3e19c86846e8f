import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { type Labels, labelsFromEntries } from "../../../shared/model/labels.ts";
import { type Component, ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";
import type { ProbesConfig } from "./config.ts";
import { ProbeMetrics } from "./metrics.ts";
import { ProbeTarget } from "./target.ts";

const log = logger("probe");

/** Options of the probe source. */
export interface ProbeSourceOptions {
  config: ProbesConfig;
  /** The agent's external labels; `job`, `instance` and a job's own labels win over them. */
  externalLabels: Labels;
  registry: Registry;
  consumer: SampleConsumer;
}

/**
 * The `probe` source: blackbox_exporter's probes run inside the agent. One ProbeTarget per
 * job and target, each on its own schedule; the series are blackbox_exporter's, labelled
 * `job` and `instance` as a Prometheus + blackbox setup relabels them.
 */
export class ProbeSource implements Component {
  readonly id = "probe";
  readonly targets: ProbeTarget[] = [];

  constructor(opts: ProbeSourceOptions) {
    const component = new ComponentMetrics(opts.registry, this.id, "source", "probe");
    const deps = {
      consumer: opts.consumer,
      component,
      metrics: new ProbeMetrics(opts.registry),
      log,
    };
    const external = opts.externalLabels;
    for (const job of opts.config.jobs) {
      const module = opts.config.modules[job.module];
      for (const target of job.targets) {
        const labels = labelsFromEntries([
          ...pairs(external),
          ["job", job.job_name],
          ["instance", target],
          ...Object.entries(job.labels),
        ]);
        this.targets.push(
          new ProbeTarget(job.job_name, target, job.interval, module, labels, deps),
        );
      }
    }
  }

  /** Starts every target's schedule. */
  start(): void {
    for (const t of this.targets) t.start();
    if (this.targets.length > 0) log.info("Probing", { targets: this.targets.length });
  }

  /** Stops every target at the agent's shutdown: no staleness markers, as in Prometheus. */
  async stop(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.stop(false)));
  }
}

function pairs(labels: Labels): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2) out.push([labels[i], labels[i + 1]]);
  return out;
}
