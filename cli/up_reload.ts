/**
 * The prometheus.yml of `outpost up --config.file`, read again at reloads: up's agent reloads
 * its jobs from it, up's aggregator its `alerting` section, each on its own `POST /-/reload`
 * and both on one SIGHUP, which each of them traps. A SIGHUP's file is read once for the two,
 * as Prometheus reads its file once per reload, and a bad one is reported once: by the agent,
 * whose whole reload it refuses, while the aggregator keeps its section in force unsaid.
 */
import type { OutboundConfig } from "../aggregator/alertmanagers/outbound.ts";
import { readUpPrometheusFile, type UpPrometheusFile } from "./up_prometheus.ts";

/** The source the agent and the aggregator give the reloads a SIGHUP causes. */
const HANGUP = "SIGHUP";

/** Reads up's prometheus.yml for the reloads of its agent and its aggregator. */
export class UpPrometheusReloads {
  /** The read of the last SIGHUP, which the reloads it caused take. */
  private hangup: Promise<UpPrometheusFile> | null = null;

  constructor(
    private readonly path: string,
    private readonly cwd: string,
  ) {}

  /**
   * Starts a SIGHUP's read. up adds it as a SIGHUP listener before the aggregator and the agent
   * add theirs: listeners run in that order, so their reloads find the read started.
   */
  readonly onHangup = (): void => {
    this.hangup = readUpPrometheusFile(this.path, this.cwd);
    this.hangup.catch(() => {}); // reported by the agent's reload, which takes it too
  };

  /** The file for a reload of up's agent from `source`; a bad file throws its ConfigError. */
  file(source: string): Promise<UpPrometheusFile> {
    if (source === HANGUP && this.hangup !== null) return this.hangup;
    return readUpPrometheusFile(this.path, this.cwd);
  }

  /**
   * The `alerting` section for a reload of up's aggregator from `source`; null for a SIGHUP's
   * bad file, which the agent's reload of that SIGHUP reports (a POST's throws, to be answered).
   */
  async alerting(source: string): Promise<OutboundConfig | null> {
    const read = this.file(source);
    const file = source === HANGUP ? await read.catch(() => null) : await read;
    if (file === null) return null;
    return { alertmanagers: file.alertmanagers, alert_relabel_configs: file.alertRelabelConfigs };
  }
}
