/**
 * Alerting for every tenant of an aggregator, as Mimir keeps a ruler and an Alertmanager per
 * tenant: for each tenant with rules, a rules component reading that tenant's store and
 * publishing under its subject, feeding that tenant's notifier and history writer
 * (tenant_notifiers.ts, which holds the notifiers, histories and audit logs).
 * The HTTP routes hand each request to its tenant's parts (the guard allows one tenant there).
 */
import type { Hono } from "hono";
import { logger } from "../shared/log/log.ts";
import type { Registry } from "../shared/metrics/registry.ts";
import { untilAborted } from "../shared/runtime/signal.ts";
import { OutboundAlerts, type OutboundConfig } from "./alertmanagers/outbound.ts";
import { reloadOutbound } from "./alertmanagers/reload.ts";
import type { AlertmanagerListing } from "./alertmanagers/sender.ts";
import type { AuditLog } from "./audit/log.ts";
import type { Audit } from "./audit/record.ts";
import { DEFAULT_TENANT } from "./auth/tenants.ts";
import type { AggregatorConfig } from "./config/schema.ts";
import type { IngestConsumer } from "./ingest/consumer.ts";
import type { LogQueryable } from "./logs/source.ts";
import { historyApi } from "./notify/api/history.ts";
import { rulerApi } from "./ruler/api.ts";
import { RULER_BUCKET, RulerStore } from "./ruler/store.ts";
import type { RulesComponent } from "./rules/eval/component.ts";
import { createRules, type RulesParts } from "./rules/eval/setup.ts";
import { type NotifierParts, type TenantAlertLimits, TenantNotifiers } from "./tenant_notifiers.ts";

const log = logger("alerting");

/** One tenant's alerting parts; each null when the tenant has none. */
interface TenantParts extends NotifierParts {
  rules: RulesComponent | null;
}

/** The alerting of every configured tenant, and the audit log of every tenant. */
export class TenantAlerting {
  /** Each tenant's notifier, history and audit log (tenant_notifiers.ts). */
  readonly notifiers: TenantNotifiers;
  private readonly rules = new Map<string, RulesComponent>();
  /** Rule groups uploaded through the ruler API; null until NATS is connected. */
  ruler: RulerStore | null = null;
  /** What each tenant's rules are built from; set by startRules(). */
  private rulesParts: ((tenant: string) => RulesParts) | null = null;
  /** Starts and reloads of rules after uploads, one at a time. */
  private changing: Promise<unknown> = Promise.resolve();
  /**
   * The default tenant's rules' alerts on their way out: `alerting.alert_relabel_configs`, and
   * the pushes to `alerting.alertmanagers`.
   */
  private readonly outbound: OutboundAlerts;

  constructor(
    private readonly config: AggregatorConfig,
    private readonly registry: Registry,
    alertLimits?: TenantAlertLimits,
  ) {
    this.notifiers = new TenantNotifiers(config, registry, alertLimits);
    this.outbound = new OutboundAlerts(config.alerting, config.baseDir, registry);
  }

  /** The Alertmanagers the default tenant's rules' alerts go to, for `/api/v1/alertmanagers`. */
  alertmanagerURLs(): AlertmanagerListing {
    return this.outbound.alertmanagers();
  }

  /** Reloads the default tenant's outbound section, read with `read`; its problems, if any. */
  reloadOutbound(read: () => Promise<OutboundConfig | null>): Promise<string[]> {
    return reloadOutbound(read, this.outbound);
  }

  /** The default tenant, then those under `tenants`. */
  tenants(): string[] {
    return this.notifiers.tenants();
  }

  /** A tenant's parts (all null for a tenant without alerting config). */
  of(tenant: string): Readonly<TenantParts> {
    return { ...this.notifiers.of(tenant), rules: this.rules.get(tenant) ?? null };
  }

  /** The audit log of a tenant, made on first use. */
  auditLog(tenant: string): AuditLog {
    return this.notifiers.auditLog(tenant);
  }

  /** Records a change in a tenant's audit log. */
  readonly auditFor = (tenant: string): Audit => this.notifiers.auditFor(tenant);

  /** Builds each tenant's history writer and notifier; none needs NATS yet. */
  create(externalURL: () => string): Promise<void> {
    return this.notifiers.create(externalURL);
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
    this.notifiers.routes(app);
    if (this.config.alerting.history.enabled) app.route("/", historyApi(logs));
  }

  /**
   * Publishes history and audit records, starts each notifier on the shared state and loads
   * the uploaded rule groups.
   */
  async connect(consumer: IngestConsumer, holder: string, signal?: AbortSignal): Promise<void> {
    const ruler = new RulerStore(
      consumer.keyValue(RULER_BUCKET),
      (tenant) => void this.rulesChanged(tenant),
      this.registry,
    );
    this.ruler = ruler;
    await untilAborted(ruler.start(), signal);
    await this.notifiers.connect(consumer, holder, this.config.alerting.dispatch, signal);
  }

  /**
   * Starts the rules of the default tenant, of each tenant with rule or SLO files or with
   * `uploaded` groups (the ruler API's), or of every tenant when integration packs may add
   * groups to any of them.
   */
  async startRules(parts: (tenant: string) => RulesParts): Promise<void> {
    const uploaded = this.ruler?.tenantsWithGroups() ?? [];
    this.rulesParts = parts;
    this.outbound.start();
    for (const t of uploaded) this.notifiers.entry(t);
    for (const [tenant] of [...this.notifiers.all()]) {
      const own = this.config.tenants[tenant];
      const files = (own?.rule_files.length ?? 0) + (own?.slo_files.length ?? 0);
      const probes = own?.slo_probes.length ?? 0;
      const some = files + probes > 0 || this.config.packs.enabled || uploaded.includes(tenant);
      if (tenant !== DEFAULT_TENANT && !some) continue;
      // An upload seen meanwhile (rulesChanged) may have started them already.
      if (this.rules.has(tenant)) continue;
      await this.startRulesOf(tenant, parts);
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
        const rules = this.rules.get(tenant);
        if (rules === undefined) await this.startRulesOf(tenant, parts);
        else await rules.reload();
      })
      .catch((err) => {
        log.error("Cannot reload a tenant's rules after its uploaded groups changed", {
          tenant,
          error: String(err),
        });
      });
    return this.changing;
  }

  /** Starts a tenant's rules, feeding its notifier and history (made for it if it has none). */
  private async startRulesOf(tenant: string, parts: (tenant: string) => RulesParts): Promise<void> {
    const n = this.notifiers.entry(tenant);
    const rules = createRules(
      this.config,
      {
        ...parts(tenant),
        uploaded: (t) => this.ruler?.files(t) ?? [],
        registry: this.notifiers.metricsOf(tenant),
        onAlerts: (_group, alerts) => {
          // Only the operator's own rules go outside: a tenant's alerts stay with its notifier.
          if (tenant !== DEFAULT_TENANT) {
            n.alerting?.fromRules(alerts);
            return;
          }
          // Relabeled before either receiver: each gets what Prometheus would send.
          const out = this.outbound.relabel(alerts);
          if (out.length === 0) return;
          n.alerting?.fromRules(out);
          this.outbound.send(out);
        },
        onChanges: (group, changes) => n.history?.fromRules(group, changes),
      },
      tenant,
    );
    this.rules.set(tenant, rules);
    await rules.start();
  }

  /**
   * Reloads the rules and alertmanager.yml of `only` (every tenant's when undefined): the
   * problems of each, by tenant.
   */
  async reload(
    only?: readonly string[],
  ): Promise<Map<string, [rules: unknown[] | null, alerting: string[] | null]>> {
    const out = new Map<string, [unknown[] | null, string[] | null]>();
    for (const [tenant] of [...this.notifiers.all()]) {
      if (only !== undefined && !only.includes(tenant)) continue;
      const [rules, alerting] = await Promise.all([
        this.rules.get(tenant)?.reload() ?? null,
        this.notifiers.reload(tenant),
      ]);
      out.set(tenant, [rules, alerting]);
    }
    return out;
  }

  /** Stops the rules, then the pushes to `alerting.alertmanagers`. */
  async stopRules(): Promise<void> {
    this.ruler?.stop();
    this.rulesParts = null;
    await this.changing;
    for (const rules of this.rules.values()) await rules.stop();
    await this.outbound.stop();
  }

  /** Stops the notifiers. */
  stopNotifiers(): Promise<void> {
    return this.notifiers.stop();
  }

  /** Sends what the history writers and audit logs hold, for at most `timeoutMs` each. */
  drain(timeoutMs: number): Promise<void> {
    return this.notifiers.drain(timeoutMs);
  }

  /** The alertmanager.yml of a tenant, if it has one. */
  configFile(tenant: string): string | undefined {
    return this.notifiers.configFile(tenant);
  }
}
