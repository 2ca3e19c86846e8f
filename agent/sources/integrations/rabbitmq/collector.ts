import type { Registry } from "../../../../shared/metrics/registry.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { ExpositionRelay } from "../exposition_relay.ts";
import { FamilyWriter } from "../family_writer.ts";
import { basicAuth, firstOf, getJson, getText, httpStatusOf } from "../http_get.ts";
import { QuietPorts } from "../quiet_ports.ts";
import type { StatusPageError } from "../status_page.ts";
import { type ManagementData, QUEUE_COLUMNS, writeManagement } from "./management.ts";

/** How to reach one RabbitMQ node, and the management API login. */
export interface RabbitmqTarget {
  /** The Prometheus plugin's page (`http://127.0.0.1:15692/metrics`) from the config. */
  prometheusUrl?: string;
  /** The management API's base URL (`http://127.0.0.1:15672`) from the config. */
  managementUrl?: string;
  /** The node's ports, probed on 127.0.0.1 for either when detected. */
  ports?: readonly number[];
  user: string;
  /** Read at each collection; never logged. Without one, `guest` uses its default password. */
  password?: () => Promise<string | undefined>;
  /** The node's OS pid when detected (its open log file), else 0. */
  pid?: number;
}

/** The `up` family: the plugin has none, so it is Outpost's own (the pack's marker). */
export const RABBITMQ_UP = {
  name: "rabbitmq_up",
  help: "Whether the agent read the node's Prometheus plugin or management API (1) or not (0).",
};

/** What to enable when neither answers: the log line and `outpost integrations` say it. */
export const PLUGIN_HINT =
  "enable the Prometheus plugin (`rabbitmq-plugins enable rabbitmq_prometheus`, port 15692) or the management plugin (`rabbitmq-plugins enable rabbitmq_management`, port 15672)";

/** A refusal: no endpoint where the agent looked, or a refused login; the message says what to do. */
class RabbitRefusal extends Error {}

type Source = { kind: "plugin"; url: string } | { kind: "management"; url: string };

/**
 * RabbitMQ under the rabbitmq_prometheus plugin's names: its page scraped where it listens,
 * else the families the management API can give (management.ts).
 */
export class RabbitmqCollector implements IntegrationCollector {
  readonly kind = "rabbitmq" as const;
  readonly up = RABBITMQ_UP;
  private source: Source | null = null;
  /** The plugin's page, relayed as it is: its names are the reference. */
  private readonly relay = new ExpositionRelay();
  /** Which of the node's ports a probe may send a GET (quiet_ports.ts). */
  private readonly quiet = new QuietPorts();

  constructor(private readonly target: RabbitmqTarget) {}

  /** The OS pid of a detected node, for its open log file. */
  get pid(): number {
    return this.target.pid ?? 0;
  }

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    this.source ??= await this.find(left());
    const s = this.source;
    if (s.kind === "plugin") await this.relay.relay(w, s.url, deadline, timeoutMs);
    else writeManagement(new FamilyWriter(w), await this.readApi(s.url, left));
    w.family(RABBITMQ_UP.name, "gauge", RABBITMQ_UP.help);
    w.sample(RABBITMQ_UP.name, [], 1);
    return [];
  }

  instrument(registry: Registry, integration: string): () => void {
    return this.relay.instrument(registry, integration);
  }

  refusal(err: unknown): string | null {
    if (err instanceof RabbitRefusal) return err.message;
    const status = httpStatusOf(err);
    if (status === 401 || status === 403)
      return `RabbitMQ's management API at ${(err as StatusPageError).url} refused user "${this.target.user}" (HTTP ${status}): create a user for the agent (rabbitmqctl add_user outpost …; rabbitmqctl set_user_tags outpost monitoring; rabbitmqctl set_permissions -p / outpost "" "" ".*") and set integrations.defaults.rabbitmq user and password_file, or ${PLUGIN_HINT.split(" or ")[0]}`;
    return null;
  }

  /** True once the node's `port` is known not to serve HTTP, so no probe sends it a GET again. */
  isQuietPort(port: number): boolean {
    return this.quiet.isQuiet(port);
  }

  async close(): Promise<void> {
    // Nothing is kept open; the endpoint is looked for again (a plugin may have been enabled).
    this.source = null;
  }

  /** The node's log files from the management API (logs.ts); throws when it cannot be asked. */
  async logFiles(): Promise<string[]> {
    const base = this.target.managementUrl ?? (await this.probe(5000)).management;
    if (!base) throw new Error("the management API does not answer");
    const auth = await this.authorization();
    const overview = await getJson(`${base}/api/overview`, {
      timeoutMs: 5000,
      authorization: auth,
    });
    const node = await getJson(
      `${base}/api/nodes/${encodeURIComponent(String(overview.node))}?memory=false`,
      {
        timeoutMs: 5000,
        authorization: auth,
      },
    );
    return Array.isArray(node.log_files) ? node.log_files.map(String) : [];
  }

  /** The plugin where configured or found, else the management API; else a refusal with the hint. */
  private async find(timeoutMs: number): Promise<Source> {
    const t = this.target;
    if (t.prometheusUrl) {
      const ok = await getText(t.prometheusUrl, { timeoutMs }).then(
        () => true,
        () => false,
      );
      if (ok || !t.managementUrl) return { kind: "plugin", url: t.prometheusUrl };
    }
    if (t.managementUrl) return { kind: "management", url: t.managementUrl.replace(/\/+$/, "") };
    const found = await this.probe(timeoutMs);
    if (found.plugin) return { kind: "plugin", url: found.plugin };
    if (found.management) return { kind: "management", url: found.management };
    throw new RabbitRefusal(
      `RabbitMQ has neither its Prometheus plugin nor its management API on its ports (${(t.ports ?? []).join(", ") || "none"}): ${PLUGIN_HINT}, or set integrations.rabbitmq[].prometheus_url`,
    );
  }

  /**
   * Which of the node's ports serve the plugin's page and the management API, asked in
   * parallel; a plugin found answers at once, without waiting for ports that never answer HTTP.
   */
  private async probe(timeoutMs: number): Promise<{ plugin?: string; management?: string }> {
    // AMQP's and Erlang's ports are never sent a GET: RabbitMQ logs each as an error.
    const ports = await this.quiet.candidates(this.target.ports ?? []);
    const ms = Math.max(1, Math.min(timeoutMs / 2, 2000));
    const base = (port: number) => `http://127.0.0.1:${port}`;
    const plugin = firstOf(ports, async (port) => {
      const page = await this.quiet
        .ask(port, getText(`${base(port)}/metrics`, { timeoutMs: ms }))
        .catch(() => "");
      return page.includes("rabbitmq_") ? `${base(port)}/metrics` : null;
    });
    // An API answers 401 without a login: the port is the API's all the same.
    const management = firstOf(ports, async (port) => {
      const api = await this.quiet
        .ask(port, getJson(`${base(port)}/api/overview`, { timeoutMs: ms }))
        .then(
          () => true,
          (e) => httpStatusOf(e) === 401,
        );
      return api ? base(port) : null;
    });
    const found = await plugin;
    if (found) return { plugin: found };
    return { management: (await management) ?? undefined };
  }

  private async authorization(): Promise<string> {
    const password =
      (await this.target.password?.()) ?? (this.target.user === "guest" ? "guest" : "");
    return basicAuth(this.target.user, password);
  }

  private async readApi(base: string, left: () => number): Promise<ManagementData> {
    const authorization = await this.authorization();
    const get = (path: string) => getJson(`${base}${path}`, { timeoutMs: left(), authorization });
    const overview = await get("/api/overview");
    const nodeName = encodeURIComponent(String(overview.node ?? ""));
    const [node, queues, clusterId] = await Promise.all([
      get(`/api/nodes/${nodeName}?memory=false&binary=false`),
      getText(`${base}/api/queues?disable_stats=false&columns=${QUEUE_COLUMNS.join(",")}`, {
        timeoutMs: left(),
        authorization,
      }).then((t) => JSON.parse(t) as Record<string, unknown>[]),
      // internal_cluster_id needs the policymaker tag or more: left empty otherwise.
      get("/api/global-parameters/internal_cluster_id").then(
        (p) => String(p.value ?? ""),
        () => "",
      ),
    ]);
    return { overview, node, queues: Array.isArray(queues) ? queues : [], clusterId };
  }
}
