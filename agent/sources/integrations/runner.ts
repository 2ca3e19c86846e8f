import { logger } from "../../../shared/log/log.ts";
import type { Metric } from "../../../shared/metrics/registry.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import { nextPhase, nextSlot, sleepUntil } from "../../../shared/runtime/schedule.ts";
import { ComponentMetrics } from "../../pipeline/component.ts";
import { SeriesEmitter } from "../../pipeline/emitter.ts";
import type { Discovery, IntegrationCollector } from "./collector.ts";
import type { ServiceLogSource } from "./service_logs.ts";
import type { IntegrationStatus, RunnerShared } from "./status.ts";

const log = logger("integrations");

/**
 * Written beside `<prefix>_up 0`: 1 when the service answered but refused the agent (a login,
 * a privilege, a status page or plugin it lacks), 0 when it did not answer. The packs' `…Down`
 * alerts leave refused services out (such a service is up; it is the agent that cannot see it)
 * and the default pack's OutpostIntegrationRefused says so at warning instead.
 */
export const REFUSED = {
  name: "outpost_integration_refused",
  help: "1 when the service answered but refused the agent's collection (a login, a privilege, a status page or plugin it lacks), 0 when it did not answer; written only with the integration's up 0.",
} as const;

/** What a runner collects and where it came from. */
export interface RunnerTarget {
  key: string;
  address: string;
  how: Discovery;
  pid: number;
  collector: IntegrationCollector;
  /** The service's log files as file sources, for those whose logs the agent can find. */
  logs?: () => Promise<ServiceLogSource[]>;
}

/**
 * One service's collection loop: its own emitter (so its series go stale on their own when it
 * goes), its own schedule and timeout, so a slow service never holds up another.
 */
export class IntegrationRunner {
  private readonly emitter: SeriesEmitter;
  private readonly component: ComponentMetrics;
  private readonly duration: Metric;
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;
  private readonly state: IntegrationStatus;
  /** The last failure message logged, so a failure spell logs once. */
  private failure: string | null = null;
  /** Removes the collector's own self-metrics when the service goes. */
  private readonly uninstrument: () => void;

  constructor(
    private readonly target: RunnerTarget,
    targetLabels: Labels,
    private readonly shared: RunnerShared,
  ) {
    const type = target.collector.kind;
    this.component = new ComponentMetrics(
      shared.registry,
      `integrations/${target.key}`,
      "source",
      type,
    );
    this.emitter = new SeriesEmitter({
      targetLabels,
      consumer: shared.consumer,
      component: this.component,
    });
    this.duration = shared.registry.gauge(
      "outpost_integration_collect_duration_seconds",
      "How long the last collection of a detected or configured service took.",
      ["integration"],
    );
    this.uninstrument =
      target.collector.instrument?.(shared.registry, target.key) ?? (() => undefined);
    this.state = {
      kind: type,
      key: target.key,
      address: target.address,
      how: target.how,
      pid: target.pid,
      state: "pending",
      reason: "",
      last_collect: "",
      last_duration_seconds: 0,
      series: 0,
    };
  }

  /** The service's state for `outpost integrations`. */
  get status(): IntegrationStatus {
    return { ...this.state, series: this.emitter.seriesCount };
  }

  /** Starts collecting at the key's phase of the interval. */
  start(): void {
    this.running = this.run(this.controller.signal);
  }

  /** Stops, marks every series stale (unless the agent is shutting down) and closes the connection. */
  async stop(markStale = true): Promise<void> {
    this.controller.abort();
    await this.running;
    if (markStale) this.emitter.stop(Date.now());
    this.duration.remove({ integration: this.target.key });
    this.uninstrument();
    await this.target.collector.close();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { interval } = this.shared;
    let next = nextPhase(this.target.key, interval, Date.now());
    while (!signal.aborted) {
      if (!(await sleepUntil(next, signal))) return;
      await this.collectOnce(next);
      next = nextSlot(next, interval, Date.now());
    }
  }

  /** One collection at `ts`: the exporter's families, or `<prefix>_up 0` when it fails. */
  async collectOnce(ts: number): Promise<void> {
    const { collector } = this.target;
    const start = performance.now();
    this.emitter.begin(ts);
    try {
      const problems = await collector.collect(this.emitter, this.shared.timeout);
      this.succeeded(problems);
    } catch (err) {
      const refused = this.failed(err);
      await collector.close();
      // Only `up 0` stays, with whether the service refused the agent: every other series of
      // the service goes stale, as with the exporter.
      this.emitter.begin(ts);
      this.emitter.family(collector.up.name, "gauge", collector.up.help);
      this.emitter.sample(collector.up.name, [], collector.up.down ?? 0);
      this.emitter.family(REFUSED.name, "gauge", REFUSED.help);
      this.emitter.sample(REFUSED.name, [], refused ? 1 : 0);
    }
    this.emitter.finish();
    const seconds = (performance.now() - start) / 1000;
    this.duration.labels({ integration: this.target.key }).set(seconds);
    this.state.last_duration_seconds = seconds;
    this.state.last_collect = new Date(ts).toISOString();
  }

  private succeeded(problems: string[]): void {
    if (this.state.state !== "up" && this.state.state !== "pending")
      log.info("Integration recovered", { integration: this.target.key });
    const text = problems.join("; ");
    this.state.state = "up";
    this.state.reason = text;
    if (text !== "" && text !== this.failure)
      log.warn("Cannot collect part of a service", { integration: this.target.key, error: text });
    this.failure = text === "" ? null : text;
  }

  /** Logs a failed collection once per spell; true when the service refused the agent. */
  private failed(err: unknown): boolean {
    this.component.errors.inc();
    const grant = this.target.collector.refusal(err);
    const message = grant ?? String((err as Error)?.message ?? err);
    this.state.state = grant ? "refused" : "down";
    this.state.reason = message;
    // One line per failure spell: a refused login would otherwise log every interval.
    if (message !== this.failure)
      log.warn(grant ? "Service refused the agent" : "Cannot collect a service", {
        integration: this.target.key,
        address: this.target.address,
        error: message,
      });
    this.failure = message;
    return Boolean(grant);
  }
}
