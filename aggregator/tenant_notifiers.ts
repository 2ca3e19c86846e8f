/**
 * The notifying side of every tenant, as Mimir keeps an Alertmanager per tenant: for each tenant
 * with an alertmanager.yml a notifier with its own lease, shared alerts, nflog and silences,
 * and for every tenant a history writer and an audit log. An aggregator holds one under its
 * rules (tenant_alerting.ts); `outpost notifier` runs one alone (notifier_process.ts), which
 * is why nothing here reaches the query engine or the rules.
 */
import { type Context, Hono } from "hono";
import type { Registry } from "../shared/metrics/registry.ts";
import { AuditLog } from "./audit/log.ts";
import type { Audit } from "./audit/record.ts";
import { DEFAULT_TENANT, tenantsOf } from "./auth/tenants.ts";
import type { AggregatorConfig } from "./config/schema.ts";
import type { NatsState } from "./ingest/nats_link.ts";
import { Alerting } from "./notify/alerting.ts";
import { DEFAULT_BATCHING } from "./notify/history/batch.ts";
import { AlertHistory } from "./notify/history/history.ts";
import type { AlertLimit } from "./notify/notifier.ts";
import type { OwnLogPublisher } from "./ownlog/writer.ts";

/** Each tenant's limit on the alerts its notifier holds (limits/alerts.ts). */
export interface TenantAlertLimits {
  of(tenant: string): AlertLimit;
}

/** One tenant's notifying parts; each null when the tenant has none. */
export interface NotifierParts {
  alerting: Alerting | null;
  api: Hono | null;
  history: AlertHistory | null;
}

const NONE: Readonly<NotifierParts> = { alerting: null, api: null, history: null };

/** The notifiers, history writers and audit logs of every tenant. */
export class TenantNotifiers {
  private readonly parts = new Map<string, NotifierParts>();
  private readonly audits = new Map<string, AuditLog>();
  private publisher: OwnLogPublisher | null = null;

  constructor(
    private readonly config: AggregatorConfig,
    private readonly registry: Registry,
    /** Each tenant's `limits.max_alerts`; no limit when absent. */
    private readonly alertLimits?: TenantAlertLimits,
  ) {
    for (const t of this.tenants()) this.parts.set(t, { ...NONE });
  }

  /** The default tenant, then those under `tenants`. */
  tenants(): string[] {
    return [DEFAULT_TENANT, ...Object.keys(this.config.tenants)];
  }

  /** A tenant's parts (all null for a tenant without alerting config). */
  of(tenant: string): Readonly<NotifierParts> {
    return this.parts.get(tenant) ?? NONE;
  }

  /** Every tenant with parts: the configured ones and those entry() added. */
  all(): IterableIterator<[string, NotifierParts]> {
    return this.parts.entries();
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
        this.alertLimits?.of(tenant),
      );
      p.api = p.alerting?.api(this.auditFor(tenant)) ?? null;
    }
  }

  /** Mounts Alertmanager's API v2, each request served by its tenant's notifier. */
  routes(app: Hono): void {
    const unconfigured = unconfiguredApi();
    app.all("/api/v2/*", (c) => {
      const api = this.of(tenantsOf(c)[0]).api ?? unconfigured;
      return api.fetch(c.req.raw, c);
    });
  }

  /**
   * Publishes history and audit records, then starts each notifier on the shared state. With
   * `dispatch` false none takes the notifier lease: the alerts go to the shared bucket, and a
   * process that dispatches (`outpost notifier`, another aggregator) sends them.
   */
  async connect(
    nats: NatsState,
    holder: string,
    dispatch: boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    this.publisher = nats.logPublisher();
    for (const log of this.audits.values()) log.connect(this.publisher);
    for (const p of this.parts.values()) {
      p.history?.connect(this.publisher);
      await p.alerting?.connect(nats, holder, dispatch, signal);
    }
  }

  /**
   * A tenant's parts, made for a tenant the config does not name (one that uploaded rules):
   * its history, no notifier (its alerts are listed, not sent, as Mimir without an
   * Alertmanager configuration).
   */
  entry(tenant: string): NotifierParts {
    let p = this.parts.get(tenant);
    if (p === undefined) {
      const history = this.historyOf(tenant);
      if (this.publisher) history?.connect(this.publisher);
      p = { ...NONE, history };
      this.parts.set(tenant, p);
    }
    return p;
  }

  /** Reloads a tenant's alertmanager.yml: its problems, null without a notifier. */
  reload(tenant: string): Promise<string[]> | null {
    return this.of(tenant).alerting?.reload() ?? null;
  }

  /** Stops the notifiers. */
  async stop(): Promise<void> {
    for (const p of this.parts.values()) await p.alerting?.stop();
  }

  /** Sends what the history writers and audit logs hold, for at most `timeoutMs` each. */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.all([
      ...[...this.audits.values()].map((l) => l.stop(timeoutMs)),
      ...[...this.parts.values()].map((p) => p.history?.stop(timeoutMs)),
    ]);
  }

  /** The registry a tenant's components register in: each series labelled `tenant`. */
  metricsOf(tenant: string): Registry {
    return this.registry.labelled({ tenant });
  }

  /** The alertmanager.yml of a tenant, if it has one. */
  configFile(tenant: string): string | undefined {
    return tenant === DEFAULT_TENANT
      ? this.config.alerting.config_file
      : this.config.tenants[tenant]?.alerting.config_file;
  }

  /** A new history writer of a tenant, or null when history is off. */
  private historyOf(tenant: string): AlertHistory | null {
    const h = this.config.alerting.history;
    if (!h.enabled) return null;
    const batching = { ...DEFAULT_BATCHING, maxRecords: h.batch_size, lingerMs: h.batch_linger };
    return new AlertHistory(tenant, this.metricsOf(tenant), batching);
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
