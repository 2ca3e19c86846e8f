import type { Registry } from "../../../../shared/metrics/registry.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { ProbeBackoff, probedWhere, probeStatusPage, StatusPage } from "../status_page.ts";
import { APACHE_UP, cpuLoadOf, parseServerStatus, writeServerStatus } from "./status.ts";

/** Where detection looks for mod_status on each of Apache's ports (Debian's status.conf path first). */
export const STATUS_PATHS = ["/server-status?auto", "/status?auto"];

/** What to change when no status page answers: the log line and `outpost integrations` say it. */
export const MOD_STATUS_HINT =
  "enable mod_status (`a2enmod status` on Debian, whose status.conf serves /server-status to `Require local`) and reload Apache";

/** How to reach one Apache: its status URL, or the local ports to probe for one. */
export interface ApacheTarget {
  /** The `?auto` status URL from the config; when absent, `ports` are probed. */
  statusUrl?: string;
  /** Ports Apache listens on, probed on 127.0.0.1 at {@link STATUS_PATHS}. */
  ports?: readonly number[];
  /** The status paths its config declares, probed before the usual ones. */
  configPaths?: () => Promise<string[]>;
}

/** An Apache with no status page where the agent looked: reported as refused, with the hint. */
class NoServerStatusError extends Error {}

/** Apache, collected from `mod_status` as apache_exporter 0.12 does. */
export class ApacheCollector implements IntegrationCollector {
  readonly kind = "apache" as const;
  readonly up = APACHE_UP;
  private readonly page = new StatusPage();
  private url: string | null;
  /** The last CPULoad seen: the exporter's gauge keeps it while Apache leaves the line out. */
  private cpuload = 0;

  constructor(
    private readonly target: ApacheTarget,
    private readonly backoff = new ProbeBackoff(),
  ) {
    this.url = target.statusUrl ?? null;
  }

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const url = this.url ?? (await this.probe(deadline, timeoutMs));
    this.url = url;
    const text = await this.page.fetchText(url, deadline, timeoutMs);
    const page = parseServerStatus(text, url);
    this.cpuload = cpuLoadOf(page) ?? this.cpuload;
    writeServerStatus(w, page, this.cpuload);
    return [];
  }

  instrument(registry: Registry, integration: string): () => void {
    return this.page.instrument(registry, integration);
  }

  refusal(err: unknown): string | null {
    return err instanceof NoServerStatusError ? err.message : null;
  }

  async close(): Promise<void> {
    if (this.target.statusUrl === undefined) this.url = null;
  }

  /** The first path (its config's, then well-known ones) on the first port that answers with a `?auto` page. */
  private async probe(deadline: number, timeoutMs: number): Promise<string> {
    return this.backoff.probe(
      async () => {
        const declared = (await this.target.configPaths?.().catch(() => [])) ?? [];
        const paths = [...new Set([...declared.map((p) => `${p}?auto`), ...STATUS_PATHS])];
        const isPage = (text: string) => /^(ServerVersion|Total Accesses|Scoreboard):/m.test(text);
        const ports = this.target.ports ?? [];
        return probeStatusPage(ports, paths, isPage, "Apache's server-status", deadline, timeoutMs);
      },
      (tried) =>
        new NoServerStatusError(
          `Apache has no server-status page ${probedWhere(tried)}: ${MOD_STATUS_HINT}, or set integrations.apache[].status_url`,
        ),
    );
  }
}
