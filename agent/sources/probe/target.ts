import type { Logger } from "../../../shared/log/log.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import type { MetricType } from "../../../shared/model/sample.ts";
import { stallTolerantTimeout } from "../../../shared/runtime/deadline.ts";
import { nextPhase, nextSlot, sleepUntil } from "../../../shared/runtime/schedule.ts";
import type { ComponentMetrics, SampleConsumer } from "../../pipeline/component.ts";
import { type MetricWriter, SeriesEmitter } from "../../pipeline/emitter.ts";
import type { ProbeModule } from "./config.ts";
import type { ProbeMetrics } from "./metrics.ts";
import { ProbeSetupError } from "./prober.ts";
import { PROBERS } from "./probers.ts";

/** Runs this close to their slot take the slot's time, as scrapes do. */
const ALIGN_TOLERANCE_MS = 10;

/** How long past its timeout a prober may take to notice the abort before the run is closed. */
const ABORT_GRACE_MS = 1_000;

/** What a probe target shares with its source. */
export interface TargetDeps {
  consumer: SampleConsumer;
  component: ComponentMetrics;
  metrics: ProbeMetrics;
  log: Logger;
}

/**
 * One target of one probe job: probes it every `interval` at a phase fixed by its hash, so a
 * job's targets spread over the interval, and writes blackbox_exporter's series for each run
 * (labels job, instance = the target, and the job's labels) with staleness for what a run
 * no longer reports.
 */
export class ProbeTarget {
  private readonly emitter: SeriesEmitter;
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;
  /** The series' target labels as text: a reload that keeps them writes no staleness markers. */
  readonly labelsKey: string;

  constructor(
    readonly job: string,
    readonly target: string,
    private readonly interval: number,
    private readonly module: ProbeModule,
    targetLabels: Labels,
    private readonly deps: TargetDeps,
  ) {
    this.labelsKey = JSON.stringify(targetLabels);
    this.emitter = new SeriesEmitter({
      targetLabels,
      consumer: deps.consumer,
      component: deps.component,
    });
  }

  /** Whether start() was called. */
  get started(): boolean {
    return this.running !== null;
  }

  /** Starts probing on schedule until stop(). */
  start(): void {
    this.running = this.loop(this.controller.signal);
  }

  /** Stops probing; the target's series get staleness markers. */
  async stop(markStale = true): Promise<void> {
    this.controller.abort();
    await this.running;
    if (markStale) this.emitter.stop(Date.now());
  }

  /** The first run time: the next instant whose phase in the interval matches the target's hash. */
  firstRunAt(now: number): number {
    return nextPhase(`${this.job}\xff${this.target}`, this.interval, now);
  }

  /** Runs one probe now (scheduled at `at`) and hands its samples downstream. */
  async probeOnce(at: number, signal: AbortSignal): Promise<void> {
    const { module, deps } = this;
    // The agent's own stalls are not the target's slowness (shared/runtime/deadline.ts).
    const timeout = stallTolerantTimeout(module.timeout);
    const probeSignal = AbortSignal.any([signal, timeout]);
    const writer = new RunWriter(this.emitter);
    this.emitter.begin(at);
    const started = performance.now();
    let result: "success" | "failure" | "timeout" | "setup_error";
    try {
      const prober = PROBERS[module.prober] as (typeof PROBERS)["http"];
      const ok = await settleBy(
        prober({
          target: this.target,
          config: module[module.prober] as NonNullable<ProbeModule["http"]>,
          w: writer,
          signal: probeSignal,
          log: deps.log,
        }),
        // The timeout may be extended by up to its own length for stalls.
        2 * module.timeout + ABORT_GRACE_MS,
      );
      result = ok ? "success" : timeout.aborted ? "timeout" : "failure";
    } catch (err) {
      result = this.failed(err);
    }
    writer.closed = true;
    if (signal.aborted) return;
    if (result === "setup_error") {
      // Nothing was probed: drop what the run wrote, so its series go stale ("unknown").
      this.emitter.begin(at);
    } else {
      this.emitter.family(
        "probe_success",
        "gauge",
        "Displays whether or not the probe was a success",
      );
      this.emitter.sample("probe_success", [], result === "success" ? 1 : 0);
      this.emitter.family(
        "probe_duration_seconds",
        "gauge",
        "Returns how long the probe took to complete in seconds",
      );
      this.emitter.sample("probe_duration_seconds", [], (performance.now() - started) / 1000);
    }
    deps.metrics.runs.labels({ job: this.job, result }).inc();
    this.emitter.finish();
  }

  private failed(err: unknown): "setup_error" | "failure" {
    const message = (err as Error)?.message ?? String(err);
    this.deps.component.errors.inc();
    if (err instanceof ProbeSetupError) {
      // The prober says why, once for all its targets.
      this.deps.log.debug("Cannot run probe on this host", {
        job: this.job,
        target: this.target,
        error: message,
      });
      return "setup_error";
    }
    // A prober is meant to resolve false rather than throw: this is a bug worth a warning.
    this.deps.log.warn("Probe failed unexpectedly", {
      job: this.job,
      target: this.target,
      error: message,
    });
    return "failure";
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let next = this.firstRunAt(Date.now());
    while (!signal.aborted) {
      if (!(await sleepUntil(next, signal))) return;
      // On schedule, the slot's time; late (a paused VM, a stalled loop), the real time.
      const now = Date.now();
      await this.probeOnce(Math.abs(now - next) <= ALIGN_TOLERANCE_MS ? next : now, signal);
      next = nextSlot(next, this.interval, Date.now());
    }
  }
}

/**
 * The writer a prober gets for one run: closed once the run is over, so a prober that keeps
 * going after its abort cannot write into the next run.
 */
class RunWriter implements MetricWriter {
  closed = false;

  constructor(private readonly inner: MetricWriter) {}

  family(name: string, type: MetricType, help: string): void {
    if (!this.closed) this.inner.family(name, type, help);
  }

  sample(name: string, labels: readonly string[], value: number): void {
    if (!this.closed) this.inner.sample(name, labels, value);
  }
}

/** Resolves with the prober's result, or false when it has not settled `ms` after starting. */
function settleBy(work: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
