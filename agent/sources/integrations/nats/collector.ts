import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { FamilyWriter } from "../family_writer.ts";
import { firstOf, getJson } from "../http_get.ts";
import { QuietPorts } from "../quiet_ports.ts";
import { writeJsz } from "./jsz.ts";
import { type Json, writeConnz, writeGeneric, writeRoutez } from "./write.ts";

/** How to reach one nats-server's monitoring endpoint: its URL, or the local ports to probe. */
export interface NatsTarget {
  /** Base URL of the monitoring endpoint (`http://127.0.0.1:8222`) from the config. */
  monitorUrl?: string;
  /** Ports the server listens on, probed on 127.0.0.1 for `/varz`. */
  ports?: readonly number[];
}

/** The `up` family: the exporter has none, so it is Outpost's own (a pack's marker). */
export const NATS_UP = {
  name: "nats_up",
  help: "Whether the agent read nats-server's monitoring endpoint (1) or not (0).",
};

/** What to turn on when no monitoring endpoint answers: the log line and `outpost integrations` say it. */
export const MONITOR_HINT =
  "start nats-server with a monitoring port (`-m 8222`, or `http_port: 8222` in its config file)";

/** A nats-server with no monitoring endpoint where the agent looked: reported as refused, with the hint. */
class NoMonitorError extends Error {}

/** nats-server, read from its monitoring endpoint as prometheus-nats-exporter does. */
export class NatsCollector implements IntegrationCollector {
  readonly kind = "nats" as const;
  readonly up = NATS_UP;
  /** The monitoring URL found by probing, kept until a collection fails. */
  private url: string | null;
  /** The client, route and cluster ports are never sent a GET (quiet_ports.ts). */
  private readonly quiet = new QuietPorts();

  constructor(private readonly target: NatsTarget) {
    this.url = target.monitorUrl?.replace(/\/+$/, "") ?? null;
  }

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const left = () => ({ timeoutMs: Math.max(1, deadline - Date.now()) });
    const url = this.url ?? (await this.probe(deadline));
    this.url = url;
    const [varz, connz, subsz, routez] = await Promise.all(
      ["varz", "connz", "subsz", "routez"].map((e) => getJson(`${url}/${e}`, left())),
    );
    // /varz has a jetstream.config only where JetStream is enabled.
    const js = (varz.jetstream as Json | undefined)?.config !== undefined;
    const jsz = js
      ? await getJson(`${url}/jsz?accounts=true&streams=true&consumers=true&config=true`, left())
      : null;
    const f = new FamilyWriter(w);
    writeGeneric(f, "varz", url, varz);
    writeConnz(f, url, connz);
    writeGeneric(f, "subsz", url, subsz);
    writeRoutez(f, url, routez);
    if (jsz) writeJsz(f, url, String(varz.server_name ?? ""), jsz);
    w.family(NATS_UP.name, "gauge", NATS_UP.help);
    w.sample(NATS_UP.name, [], 1);
    return [];
  }

  refusal(err: unknown): string | null {
    return err instanceof NoMonitorError ? err.message : null;
  }

  async close(): Promise<void> {
    // No connection is kept; a probed URL is looked for again (the server may have restarted).
    if (this.target.monitorUrl === undefined) this.url = null;
  }

  /** The first of the server's ports whose `/varz` answers as nats-server's. */
  private async probe(deadline: number): Promise<string> {
    const ports = this.target.ports ?? [];
    // The client, route, leafnode and gateway ports greet with INFO and are left out: a GET
    // there is an [ERR] line in the server's log.
    const candidates = await this.quiet.candidates(ports);
    // Half the budget at most: a found port leaves time for the collection itself.
    const timeoutMs = Math.max(1, Math.min((deadline - Date.now()) / 2, 2000));
    const found = await firstOf(candidates, async (port) => {
      const url = `http://127.0.0.1:${port}`;
      const varz = await this.quiet
        .ask(port, getJson(`${url}/varz`, { timeoutMs }))
        .catch(() => null);
      return varz && typeof varz.server_id === "string" ? url : null;
    });
    if (found) return found;
    throw new NoMonitorError(
      `nats-server has no monitoring endpoint on its ports (${ports.join(", ") || "none"}): ${MONITOR_HINT}, or set integrations.nats[].monitor_url`,
    );
  }
}
