import type { Registry } from "../../../../shared/metrics/registry.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { ExpositionRelay } from "../exposition_relay.ts";
import { StatusPage } from "../status_page.ts";
import { withTimeout } from "../timeout.ts";
import { socketCommand } from "./socket.ts";
import { HAPROXY_UP, parseInfo, writeStats, writeVersionInfo } from "./stats.ts";

/** What to add to haproxy.cfg when HAProxy shows no stats: the log line and `outpost integrations` say it. */
export const STATS_HINT =
  "add `stats socket /run/haproxy/admin.sock mode 660 level admin` to the global section of haproxy.cfg (Debian's default has it) and reload HAProxy";

/** How to reach one HAProxy's statistics: the first of these that is set. */
export interface HaproxyTarget {
  /**
   * Its built-in Prometheus exporter (`http-request use-service prometheus-exporter`), relayed
   * under HAProxy's own names (`haproxy_process_*`, `haproxy_frontend_*` with a `proxy` label).
   */
  prometheusUrl?: string;
  /** Its stats socket (`show stat`, `show info`), under haproxy_exporter's names. */
  socket?: string;
  /** Its stats page's CSV (`http://127.0.0.1:8404/stats;csv`). */
  statsUrl?: string;
}

/** An HAProxy with neither a stats socket nor a stats page: reported as refused, with the hint. */
export class NoStatsError extends Error {}

/**
 * HAProxy, relayed from its built-in Prometheus exporter where it serves one, else collected
 * from its stats socket or CSV page as haproxy_exporter 0.14 does.
 */
export class HaproxyCollector implements IntegrationCollector {
  readonly kind = "haproxy" as const;
  readonly up = HAPROXY_UP;
  private readonly page = new StatusPage();
  /** One fetch, and so one set of fetch metrics, for the relay and the CSV page alike. */
  private readonly relay = new ExpositionRelay(undefined, undefined, this.page);
  private resolved: HaproxyTarget | null;

  /**
   * `target` is where the stats are, or, for a detected HAProxy, how to find them (its config
   * and sockets), looked up on first use and again after a failure.
   */
  constructor(private readonly target: HaproxyTarget | (() => Promise<HaproxyTarget>)) {
    this.resolved = typeof target === "function" ? null : target;
  }

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    if (this.resolved === null && typeof this.target === "function")
      this.resolved = await withTimeout(this.target(), timeoutMs, "read HAProxy's config");
    const { prometheusUrl, socket, statsUrl } = this.resolved ?? {};
    let bad = 0;
    if (prometheusUrl) {
      await this.relay.relay(w, prometheusUrl, Date.now() + timeoutMs, timeoutMs);
    } else if (socket) {
      // One connection, two commands: HAProxy answers both, then closes.
      const text = await socketCommand(socket, "show info;show stat", timeoutMs);
      const at = text.indexOf("# pxname,");
      if (at < 0) throw new SyntaxError(`Cannot parse ${socket}'s show stat: ${text.slice(0, 80)}`);
      bad = writeStats(w, text.slice(at), socket).badCells;
      writeVersionInfo(w, parseInfo(text.slice(0, at)));
    } else if (statsUrl) {
      const text = await this.page.fetchText(statsUrl, Date.now() + timeoutMs, timeoutMs);
      bad = writeStats(w, text, statsUrl).badCells;
    } else {
      throw new NoStatsError(`HAProxy has no stats socket and no stats page: ${STATS_HINT}`);
    }
    w.family(HAPROXY_UP.name, "gauge", HAPROXY_UP.help);
    w.sample(HAPROXY_UP.name, [], 1);
    // The runner logs a changed list of problems once, and `outpost integrations` shows it.
    return bad > 0 ? [`Cannot parse ${bad} cells of HAProxy's stats: not numbers`] : [];
  }

  instrument(registry: Registry, integration: string): () => void {
    // The relay registers the shared page's fetch metrics with its own.
    return this.relay.instrument(registry, integration);
  }

  refusal(err: unknown): string | null {
    if (err instanceof NoStatsError) return err.message;
    const message = String((err as Error)?.message ?? err);
    // Debian's admin socket is mode 660, group haproxy: an agent not in it is refused.
    if (/EACCES|permission denied/i.test(message))
      return `${message}: run the agent as root or add its user to the socket's group (haproxy on Debian)`;
    return null;
  }

  async close(): Promise<void> {
    // Nothing is kept open (each collection is one connection); a detected one looks again.
    if (typeof this.target === "function") this.resolved = null;
  }
}
