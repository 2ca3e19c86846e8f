/**
 * `outpost notifier`: the notifier alone, where Alertmanager would run. It reads the aggregator's
 * config file (NATS, `alerting`, `tenants`, `auth`), joins the notifier the aggregators share
 * through NATS KV (alerts, notification log, silences, lease) and serves Alertmanager's API v2
 * on `notifier.http_listen`. No bucket, no store, no query engine, no rules: what it keeps is
 * the alerts, which is why it is a fraction of an aggregator's memory. The aggregators' rules
 * reach it through the shared alerts; with `alerting.dispatch: false` on them it is the one
 * that sends. Its history records go into the ingest stream, which the aggregators store.
 */
import { Hono } from "hono";
import { parseListen } from "../shared/config/listen.ts";
import { statusApp } from "../shared/http/status.ts";
import { logger } from "../shared/log/log.ts";
import { registerProcessMetrics } from "../shared/metrics/process.ts";
import { Registry } from "../shared/metrics/registry.ts";
import { untilAborted } from "../shared/runtime/signal.ts";
import { fromHttp } from "./audit/actor.ts";
import type { Who } from "./audit/record.ts";
import { auditLimitsReload, auditReload } from "./audit/reloads.ts";
import { authRequired } from "./auth/config.ts";
import { Guard } from "./auth/guard.ts";
import { reloadScope } from "./auth/reload_scope.ts";
import { AuthStore } from "./auth/store.ts";
import { DEFAULT_TENANT, SYSTEM_TENANT } from "./auth/tenants.ts";
import type { AggregatorConfig } from "./config/schema.ts";
import { NatsLink } from "./ingest/nats_link.ts";
import { alertLimitsOnly } from "./limits/alerts.ts";
import { reloadLimits } from "./limits/reload.ts";
import { TenantNotifiers } from "./tenant_notifiers.ts";

const log = logger("notifier");

/** A running notifier process. */
export class NotifierProcess {
  readonly registry = new Registry();
  readonly notifiers: TenantNotifiers;
  readonly guard: Guard;
  /** The tenants' limits; of them only `max_alerts` applies here. */
  readonly limits: ReturnType<typeof alertLimitsOnly>;
  /** Users, tokens and sessions; null until NATS is connected. */
  auth: AuthStore | null = null;
  private readonly nats: NatsLink;
  private server: ReturnType<typeof Bun.serve> | null = null;
  private connected = false;

  constructor(readonly config: AggregatorConfig) {
    registerProcessMetrics(this.registry);
    const required = authRequired(config.auth.enabled, config.notifier.http_listen);
    this.guard = new Guard(() => this.auth, config.auth, required, this.registry);
    this.limits = alertLimitsOnly(config.limits, this.registry);
    this.notifiers = new TenantNotifiers(config, this.registry, this.limits.alerts);
    this.guard.auditInto(this.notifiers.auditFor(SYSTEM_TENANT));
    this.nats = new NatsLink(config.nats, `outpost-notifier-${config.aggregator.id}`);
  }

  /** The address the HTTP endpoint listens on (after start). */
  get url(): string {
    const scheme = this.config.tls ? "https" : "http";
    return this.server ? `${scheme}://${this.server.hostname}:${this.server.port}` : "";
  }

  /** Serves HTTP, connects to NATS, loads users and silences and joins the shared notifier. */
  async start(signal?: AbortSignal): Promise<void> {
    const c = this.config;
    if (this.notifiers.tenants().every((t) => this.notifiers.configFile(t) === undefined))
      log.warn("No tenant has an alertmanager.yml (alerting.config_file): nothing will be sent");
    await this.notifiers.create(() => this.url);
    const app = new Hono();
    app.use(this.guard.middleware());
    app.route("/", statusApp(this.registry, { ready: () => this.connected }));
    this.notifiers.routes(app);
    app.post("/-/reload", async (ctx) => {
      const problems = await this.reload(fromHttp(ctx), reloadScope(ctx));
      return problems.length === 0
        ? ctx.text("")
        : ctx.text(`failed to reload config: ${problems.join("\n")}`, 500);
    });
    this.server = Bun.serve({
      ...parseListen(c.notifier.http_listen),
      fetch: app.fetch,
      idleTimeout: 255,
      tls: c.tls && { cert: Bun.file(c.tls.cert_file), key: Bun.file(c.tls.key_file) },
    });
    await untilAborted(this.nats.start(), signal);
    const auth = new AuthStore({
      kv: (bucket) => this.nats.keyValue(bucket),
      registry: this.registry,
      sessionTtlMs: c.auth.session_ttl,
      sessionIdleMs: c.auth.session_idle,
    });
    this.auth = auth;
    await untilAborted(auth.start(signal), signal);
    // This process is there to send: it always takes part in the lease, under a name of its
    // own, so that an aggregator of the same id (the host name by default) is its standby.
    await this.notifiers.connect(this.nats, `notifier-${c.aggregator.id}`, true, signal);
    process.on("SIGHUP", this.onHangup);
    this.connected = true;
    log.info("Notifier started", { http: this.url, authRequired: this.guard.required });
  }

  /** Stops sending (handing the lease over), sends the history it holds and closes. */
  async stop(): Promise<void> {
    this.connected = false;
    process.off("SIGHUP", this.onHangup);
    // No new posts: one accepted now would be answered 200 and not shared.
    void this.server?.stop();
    await this.notifiers.stop();
    this.auth?.stop();
    this.guard.flushAudit();
    await this.notifiers.drain(5_000);
    await this.nats.close();
    this.server?.stop(true);
  }

  /**
   * Reloads the alertmanager.yml of `tenants` (every tenant's when undefined), and with every
   * tenant's the `limits` section of the config file; the problems.
   */
  private async reload(who: Who, tenants?: readonly string[]): Promise<string[]> {
    const all: string[] = [];
    if (tenants === undefined && this.config.file !== undefined) {
      const problems = await reloadLimits(this.config.file, this.limits);
      auditLimitsReload(this.notifiers.auditFor(SYSTEM_TENANT), who, problems);
      all.push(...problems.map((p) => `limits: ${p}`));
    }
    for (const tenant of this.notifiers.tenants()) {
      if (tenants !== undefined && !tenants.includes(tenant)) continue;
      const problems = await this.notifiers.reload(tenant);
      if (problems === null) continue;
      auditReload(this.notifiers.auditFor(tenant), who, {
        alerting: problems,
        configFile: this.notifiers.configFile(tenant),
      });
      all.push(...problems.map((p) => (tenant === DEFAULT_TENANT ? p : `${tenant}: ${p}`)));
    }
    return all;
  }

  /** SIGHUP reloads the alertmanager.yml files, as it does Alertmanager's. */
  private readonly onHangup = () =>
    void this.reload({ actor: { kind: "system", name: "SIGHUP" }, source: "SIGHUP" });
}
