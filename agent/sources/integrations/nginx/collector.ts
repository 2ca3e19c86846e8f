import type { Registry } from "../../../../shared/metrics/registry.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { ProbeBackoff, probedWhere, probeStatusPage, StatusPage } from "../status_page.ts";
import { NGINX_UP, parseStubStatus, writeStubStatus } from "./stub_status.ts";

/** Where detection looks for `stub_status` on each of nginx's ports, in this order. */
export const STATUS_PATHS = ["/nginx_status", "/stub_status", "/basic_status"];

/** What to add to nginx's config when no status page answers: the log line and `outpost integrations` say it. */
export const STUB_STATUS_HINT =
  "add `location = /stub_status { stub_status; allow 127.0.0.1; deny all; }` to a server block on a local port and reload nginx";

/** How to reach one nginx: its status URL, or the local ports to probe for one. */
export interface NginxTarget {
  /** The `stub_status` URL from the config; when absent, `ports` are probed. */
  statusUrl?: string;
  /** Ports the nginx listens on, probed on 127.0.0.1 at {@link STATUS_PATHS}. */
  ports?: readonly number[];
}

/** An nginx with no `stub_status` page where the agent looked: reported as refused, with the hint. */
class NoStubStatusError extends Error {}

/** nginx, collected from `stub_status` as nginx-prometheus-exporter 0.11 does. */
export class NginxCollector implements IntegrationCollector {
  readonly kind = "nginx" as const;
  readonly up = NGINX_UP;
  private readonly page = new StatusPage();
  /** The status URL found by probing, kept until a collection fails. */
  private url: string | null;

  constructor(
    private readonly target: NginxTarget,
    private readonly backoff = new ProbeBackoff(),
  ) {
    this.url = target.statusUrl ?? null;
  }

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const url = this.url ?? (await this.probe(deadline, timeoutMs));
    this.url = url;
    const text = await this.page.fetchText(url, deadline, timeoutMs);
    writeStubStatus(w, parseStubStatus(text, url));
    return [];
  }

  instrument(registry: Registry, integration: string): () => void {
    return this.page.instrument(registry, integration);
  }

  refusal(err: unknown): string | null {
    return err instanceof NoStubStatusError ? err.message : null;
  }

  async close(): Promise<void> {
    // No connection is kept; a probed URL is looked for again (the config may have changed).
    if (this.target.statusUrl === undefined) this.url = null;
  }

  /** The first well-known path on the first port that answers with a stub_status page. */
  private async probe(deadline: number, timeoutMs: number): Promise<string> {
    const isPage = (text: string) => text.startsWith("Active connections:");
    const ports = this.target.ports ?? [];
    return this.backoff.probe(
      () =>
        probeStatusPage(ports, STATUS_PATHS, isPage, "nginx's stub_status", deadline, timeoutMs),
      (tried) =>
        new NoStubStatusError(
          `nginx has no stub_status page ${probedWhere(tried)}: ${STUB_STATUS_HINT}, or set integrations.nginx[].status_url`,
        ),
    );
  }
}
