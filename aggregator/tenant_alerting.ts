/**
 * Alerting for every tenant of an aggregator, as Mimir keeps a ruler and an Alertmanager per
 * tenant: for each tenant with rules, a rules component reading that tenant's store and
 * publishing under its subject; for each tenant with an alertmanager.yml, a notifier with its
 * own lease, shared alerts, nflog and silences; a history writer and an audit log per tenant.
 * The HTTP routes hand each request to its tenant's parts (the guard allows one tenant there).
 */
import { type Context, Hono } from "hono";
import { logger } from "../shared/log/log.ts";
import type { Registry } from "../shared/metrics/registry.ts";
import { untilAborted } from "../shared/runtime/signal.ts";
import { AuditLog } from "./audit/log.ts";
import type { Audit } from "./audit/record.ts";
import { DEFAULT_TENANT, tenantsOf } from "./auth/tenants.ts";
import type { AggregatorConfig } from "./config/schema.ts";
import type { IngestConsumer } from "./ingest/consumer.ts";
import type { LogQueryable } from "./logs/source.ts";
import { Alerting } from "./notify/alerting.ts";
import { DEFAULT_BATCHING } from "./notify/history/batch.ts";
import { AlertHistory } from "./notify/history/history.ts";
import type { OwnLogPublisher } from "./ownlog/writer.ts";
import { rulerApi } from "./ruler/api.ts";
import { RULER_BUCKET, RulerStore } from "./ruler/store.ts";
import type { RulesComponent } from "./rules/eval/component.ts";
import { createRules, type RulesParts } from "./rules/eval/setup.ts";

const log = logger("alerting");

/** One tenant's alerting parts; each null when the tenant has none. */
interface TenantParts {
  rules: RulesComponent | null;
  alerting: Alerting | null;
  api: Hono | null;
  history: AlertHistory | null;
}

/** The alerting of every configured tenant, and the audit log of every tenant. */
export class TenantAlerting {
  private readonly parts = new Map<string, TenantParts>();
  private readonly audits = new Map<string, AuditLog>();
  private publisher: OwnLogPublisher | null = null;
  /** Rule groups uploaded through the ruler API; null until NATS is connected. */
  ruler: RulerStore | null = null;
  /** What each tenant's rules are built from; set by startRules(). */
  private rulesParts: ((tenant: string) => RulesParts) | null = null;
  /** Starts and reloads of rules after uploads, one at a time. */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AggregatorConfig,
    private readonly registry: Registry,
  ) {
    for (const t of this.tenants())
      this.parts.set(t, { rules: null, alerting: null, api: null, history: null });
  }

  /** The default tenant, then those under `tenants`. */
  tenants(): string[] {
    return [DEFAULT_TENANT, ...Object.keys(this.config.tenants)];
  }

  /** A tenant's parts (all null for a tenant without alerting config). */
  of(tenant: string): Readonly<TenantParts> {
    return this.parts.get(tenant) ?? { rules: null, alerting: null, api: null, history: null };
  }

  /** The audit log of a tenant, made on first use. */
  auditLog(tenant: string): AuditLog {
    let log = this.audits.get(tenant);
    if (log === undefined) {
      log = new AuditLog(tenant, this.metricsOf(tenant));
      if (this.publisher) log.connect(this.publisher);
      this.audits.set(tenant, log);
    }
    return log;
  }

  /** Records a change in a tenant's audit log. */
  readonly auditFor = (tenant: string): Audit => {
    const log = this.auditLog(tenant);
    return (input) => void log.audit(input);
  };

  /** Builds each tenant's history writer and notifier; none needs NATS yet. */
  async create(externalURL: () => string): Promise<void> {
    for (const [tenant, p] of this.parts) {
      const registry = this.metricsOf(tenant);
      p.history = this.historyOf(tenant);
      const file = this.configFile(tenant);
      p.alerting = await Alerting.create(
        file,
        registry,
        externalURL,
        p.history ?? undefined,
        tenant,
      );
      p.api = p.alerting?.api(this.auditFor(tenant)) ?? null;
    }
  }

  /**
   * Mounts Alertmanager's API v2, the alert history and the ruler API, each serving the
   * request's tenant.
   */
  routes(app: Hono, logs: (tenant: string) => LogQueryable): void {
    app.route(
      "/",
      rulerApi({ store: () => this.ruler, config: this.config.ruler, audit: this.auditFor }),
    );
    const unconfigured = unconfiguredApi();
    app.all("/api/v2/*", (c) => {
      const api = this.of(tenantsOf(c)[0]).api ?? unconfigured;
      return api.fetch(c.req.raw, c);
    });
    if (this.config.alerting.history.enabled) AlertHistory.routes(app, logs);
  }

  /**
   * Publishes history and audit records, starts each notifier on the shared state and loads
   * the uploaded rule groups.
   */
  async connect(consumer: IngestConsumer, holder: string, signal?: AbortSignal): Promise<void> {
    this.publisher = consumer.logPublisher();
    const ruler = new RulerStore(
      consumer.keyValue(RULER_BUCKET),
      (tenant) => void this.rulesChanged(tenant),
      this.registry,
    );
    this.ruler = ruler;
    await untilAborted(ruler.start(), signal);
    for (const log of this.audits.values()) log.connect(this.publisher);
    for (const p of this.parts.values()) {
      p.history?.connect(this.publisher);
      await p.alerting?.connect(consumer, holder, signal);
    }
  }

  /**
   * Starts the rules of the default tenant, of each tenant with rule or SLO files or with
   * `uploaded` groups (the ruler API's), or of every tenant when integration packs may add
   * groups to any of them.
   */
  async startRules(parts: (tenant: string) => RulesParts): Promise<void> {
    const uploaded = this.ruler?.tenantsWithGroups() ?? [];
    this.rulesParts = parts;
    for (const t of uploaded) this.entry(t);
    for (const [tenant, p] of this.parts) {
      const own = this.config.tenants[tenant];
      const files = (own?.rule_files.length ?? 0) + (own?.slo_files.length ?? 0);
      const probes = own?.slo_probes.length ?? 0;
      const some = files + probes > 0 || this.config.packs.enabled || uploaded.includes(tenant);
      if (tenant !== DEFAULT_TENANT && !some) continue;
      await this.startRulesOf(tenant, p, parts);
    }
  }

  /**
   * Reloads a tenant's rules after its uploaded groups changed (the ruler API, on any
   * aggregator), starting its rules first when it had none. Before startRules() it does nothing:
   * the start loads what is uploaded by then.
   */
  rulesChanged(tenant: string): Promise<unknown> {
    this.changing = this.changing
      .then(async () => {
        const parts = this.rulesParts;
        if (parts === null) return;
        const p = this.entry(tenant);
        if (p.rules === null) await this.startRulesOf(tenant, p, parts);
        else await p.rules.reload();
      })
      .catch((err) => {
        log.error("Cannot reload a tenant's rules after its uploaded groups changed", {
          tenant,
          error: String(err),
        });
      });
    return this.changing;
  }

  private async startRulesOf(
    tenant: string,
    p: TenantParts,
    parts: (tenant: string) => RulesParts,
  ): Promise<void> {
    p.rules = createRules(
      this.config,
      {
        ...parts(tenant),
        uploaded: (t) => this.ruler?.files(t) ?? [],
        registry: this.metricsOf(tenant),
        onAlerts: (_group, alerts) => p.alerting?.fromRules(alerts),
        onChanges: (group, changes) => p.history?.fromRules(group, changes),
      },
      tenant,
    );
    await p.rules.start();
  }

  /**
   * A tenant's parts, made for a tenant the config does not name (one that uploaded rules):
   * its history, no notifier (its alerts are listed, not sent, as Mimir without an
   * Alertmanager configuration).
   */
  private entry(tenant: string): TenantParts {
    let p = this.parts.get(tenant);
    if (p === undefined) {
      const history = this.historyOf(tenant);
      if (this.publisher) history?.connect(this.publisher);
      p = { rules: null, alerting: null, api: null, history };
      this.parts.set(tenant, p);
    }
    return p;
  }

  /**
   * Reloads the rules and alertmanager.yml of `only` (every tenant's when undefined): the
   * problems of each, by tenant.
   */
  async reload(
    only?: readonly string[],
  ): Promise<Map<string, [rules: unknown[] | null, alerting: string[] | null]>> {
    const out = new Map<string, [unknown[] | null, string[] | null]>();
    for (const [tenant, p] of this.parts) {
      if (only !== undefined && !only.includes(tenant)) continue;
      const [rules, alerting] = await Promise.all([
        p.rules?.reload() ?? null,
        p.alerting?.reload() ?? null,
      ]);
      out.set(tenant, [rules, alerting]);
    }
    return out;
  }

  /** Stops the rules, then the notifiers. */
  async stopRules(): Promise<void> {
    this.ruler?.stop();
    this.rulesParts = null;
    await this.changing;
    for (const p of this.parts.values()) await p.rules?.stop();
  }

  /** Stops the notifiers. */
  async stopNotifiers(): Promise<void> {
    for (const p of this.parts.values()) await p.alerting?.stop();
  }

  /** Sends what the history writers and audit logs hold, for at most `timeoutMs` each. */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.all([
      ...[...this.audits.values()].map((l) => l.stop(timeoutMs)),
      ...[...this.parts.values()].map((p) => p.history?.stop(timeoutMs)),
    ]);
  }

  /** A new history writer of a tenant, or null when history is off. */
  private historyOf(tenant: string): AlertHistory | null {
    const h = this.config.alerting.history;
    if (!h.enabled) return null;
    const batching = { ...DEFAULT_BATCHING, maxRecords: h.batch_size, lingerMs: h.batch_linger };
    return new AlertHistory(tenant, this.metricsOf(tenant), batching);
  }

  /** The registry a tenant's components register in: each series labelled `tenant`. */
  private metricsOf(tenant: string): Registry {
    return this.registry.labelled({ tenant });
  }

  /** The alertmanager.yml of a tenant, if it has one. */
  configFile(tenant: string): string | undefined {
    return tenant === DEFAULT_TENANT
      ? this.config.alerting.config_file
      : this.config.tenants[tenant]?.alerting.config_file;
  }
}

/**
 * The Alertmanager API of a tenant without an alertmanager.yml: what an Alertmanager with
 * nothing configured lists (no alerts, groups, silences or receivers); anything else is 404,
 * as Mimir answers for a tenant whose Alertmanager is not configured.
 */
function unconfiguredApi(): Hono {
  const app = new Hono();
  for (const path of [
    "/api/v2/alerts",
    "/api/v2/alerts/groups",
    "/api/v2/silences",
    "/api/v2/receivers",
  ])
    app.get(path, (c: Context) => c.json([]));
  app.all("*", (c) => c.text("the Alertmanager is not configured for this tenant", 404));
  return app;
}
