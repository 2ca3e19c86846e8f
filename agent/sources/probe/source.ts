import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { type Labels, labelsFromEntries } from "../../../shared/model/labels.ts";
import { type Component, ComponentMetrics, type SampleConsumer } from "../../pipeline/component.ts";
import type { ProbesConfig } from "./config.ts";
import { ProbeMetrics } from "./metrics.ts";
import { ProbeTarget, type TargetDeps } from "./target.ts";

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
 * `job` and `instance` as a Prometheus + blackbox setup relabels them. A reload
 * ({@link update}) keeps the targets whose settings are unchanged.
 */
export class ProbeSource implements Component {
  readonly id = "probe";
  /** Running targets by their settings as text (job, target, interval, module, labels). */
  private running = new Map<string, ProbeTarget>();
  private readonly deps: TargetDeps;

  constructor(private readonly opts: ProbeSourceOptions) {
    const component = new ComponentMetrics(opts.registry, this.id, "source", "probe");
    this.deps = {
      consumer: opts.consumer,
      component,
      metrics: new ProbeMetrics(opts.registry),
      log,
    };
    this.running = this.build(opts.config, new Map());
  }

  /** Starts every target's schedule. */
  start(): void {
    for (const t of this.running.values()) t.start();
    if (this.running.size > 0) log.info("Probing", { targets: this.running.size });
  }

  /**
   * Probes as `config` says from now on: a target whose job, module and labels are unchanged
   * keeps its schedule; any other is stopped (with staleness markers, as a target that goes
   * away, unless the new config probes it under the same labels) and the new ones started.
   */
  async update(config: ProbesConfig): Promise<{ kept: number; started: number; stopped: number }> {
    const next = this.build(config, this.running);
    const labelsKept = new Set([...next.values()].map((t) => t.labelsKey));
    const gone = [...this.running].filter(([key]) => !next.has(key)).map(([, t]) => t);
    await Promise.all(gone.map((t) => t.stop(!labelsKept.has(t.labelsKey))));
    const started = [...next.values()].filter((t) => !t.started);
    for (const t of started) t.start();
    this.running = next;
    return { kept: next.size - started.length, started: started.length, stopped: gone.length };
  }

  /** Stops every target at the agent's shutdown: no staleness markers, as in Prometheus. */
  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((t) => t.stop(false)));
  }

  /** The targets of `config`, taking those of `have` whose settings are the same. */
  private build(config: ProbesConfig, have: Map<string, ProbeTarget>): Map<string, ProbeTarget> {
    const out = new Map<string, ProbeTarget>();
    const external = this.opts.externalLabels;
    for (const job of config.jobs) {
      const module = config.modules[job.module];
      for (const target of job.targets) {
        const labels = labelsFromEntries([
          ...pairs(external),
          ["job", job.job_name],
          ["instance", target],
          ...Object.entries(job.labels),
        ]);
        const key = JSON.stringify([job.job_name, target, job.interval, module, labels]);
        out.set(
          key,
          have.get(key) ??
            new ProbeTarget(job.job_name, target, job.interval, module, labels, this.deps),
        );
      }
    }
    return out;
  }
}

function pairs(labels: Labels): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2) out.push([labels[i], labels[i + 1]]);
  return out;
}
