/**
 * One aggregator: the bucket and its catalog, the metrics store, the JetStream consumer that
 * feeds it, the compactor, and the HTTP endpoint. `start()` brings them up in dependency
 * order; `stop()` stops pulling, flushes and acknowledges what it can, then closes.
 */

import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { AdminService } from "../proto/gen/outpost/admin/v1/admin_pb.ts";
import { AlertsService } from "../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { AuthService } from "../proto/gen/outpost/auth/v1/auth_pb.ts";
import { DashboardsService } from "../proto/gen/outpost/dashboards/v1/dashboards_pb.ts";
import { LogsService } from "../proto/gen/outpost/logs/v1/logs_pb.ts";
import { QueryService } from "../proto/gen/outpost/query/v1/query_pb.ts";
import { UptimeService } from "../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { parseListen } from "../shared/config/listen.ts";
import { statusApp } from "../shared/http/status.ts";
import { logger } from "../shared/log/log.ts";
import { registerProcessMetrics } from "../shared/metrics/process.ts";
import { Registry } from "../shared/metrics/registry.ts";
import { untilAborted } from "../shared/runtime/signal.ts";
import { stopEach } from "../shared/runtime/stop_stack.ts";
import { OUTPOST_VERSION } from "../shared/runtime/version.ts";
import type { OutboundConfig } from "./alertmanagers/outbound.ts";
import { adminService } from "./api/connect/admin_service.ts";
import { alertsService } from "./api/connect/alerts/service.ts";
import { authService } from "./api/connect/auth_service.ts";
import { dashboardsService } from "./api/connect/dashboards/service.ts";
import { logsService } from "./api/connect/logs_service.ts";
import { mountConnect } from "./api/connect/mount.ts";
import { queryService } from "./api/connect/query_service.ts";
import { queries as uptimeQueries, uptimeService } from "./api/connect/uptime/service.ts";
import { EncodeHelper } from "./api/http/encode_helper.ts";
import type { AnswerWriting } from "./api/http/large_answers.ts";
import { lokiApi, lokiWebSocket } from "./api/http/loki/loki.ts";
import { prometheusApi } from "./api/http/prometheus.ts";
import { rulesApi } from "./api/http/rules.ts";
import { runbooksApp } from "./api/http/runbooks.ts";
import { statusPageApi } from "./api/http/status_page.ts";
import { uiApp } from "./api/http/ui.ts";
import { warmQueries } from "./api/http/warm.ts";
import { fromHttp } from "./audit/actor.ts";
import type { AuditLog } from "./audit/log.ts";
import { AuthChangeObserver } from "./audit/observer.ts";
import type { Audit, Who } from "./audit/record.ts";
import { auditLimitsReload, auditReload } from "./audit/reloads.ts";
import { authRequired } from "./auth/config.ts";
import { connectContext } from "./auth/context.ts";
import { Guard } from "./auth/guard.ts";
import { reloadScope } from "./auth/reload_scope.ts";
import { AuthStore } from "./auth/store.ts";
import { DEFAULT_TENANT, SYSTEM_TENANT } from "./auth/tenants.ts";
import { loadAggregatorConfig } from "./config/load.ts";
import type { AggregatorConfig } from "./config/schema.ts";
import { DashboardStore } from "./dashboards/store.ts";
import { IngestConsumer } from "./ingest/consumer.ts";
import type { Lease } from "./ingest/lease.ts";
import { SignalRouter } from "./ingest/router.ts";
import { tenantLimiters } from "./limits/limits.ts";
import { reloadLimits } from "./limits/reload.ts";
import { runLogQuery } from "./logs/logql/query.ts";
import { LogsStore } from "./logs/store.ts";
import { TailRegistry } from "./logs/tail/registry.ts";
import type { Alerting } from "./notify/alerting.ts";
import type { AlertHistory } from "./notify/history/history.ts";
import type { Notifier } from "./notify/notifier.ts";
import { PackOffer } from "./packs/offer.ts";
import { Engine, RateHelper } from "./promql/engine/engine.ts";
import type { RulesComponent } from "./rules/eval/component.ts";
import type { LoadedRules } from "./rules/load.ts";
import type { Bucket } from "./storage/bucket/bucket.ts";
import { openBucket } from "./storage/bucket/config.ts";
import { Catalog } from "./storage/catalog/catalog.ts";
import { Compactor } from "./storage/compact/compactor.ts";
import { tenantsQueryable } from "./storage/federated.ts";
import { promoteCommitted } from "./storage/staging/repair.ts";
import { MetricsStore } from "./storage/store.ts";
import { TenantAlerting } from "./tenant_alerting.ts";

const log = logger("aggregator");
/**
 * How often the catalog is re-read from the bucket, so that queries here see the files other
 * aggregators (and imports) committed. Their unflushed samples stay invisible here until their
 * next flush.
 */
const CATALOG_REFRESH_MS = 10_000;

/** What the aggregator takes beside its config. */
export interface AggregatorOptions {
  /**
   * Reads the outbound alerting section again at a reload from `source` (see the constructor);
   * null keeps the section in force without a word, its reader having reported why.
   */
  outbound?: (source: string) => Promise<OutboundConfig | null>;
  /**
   * The top-level `rule_files`, loaded already: the default tenant's rules start with them
   * instead of reading the files again (`outpost up` loads them to refuse a bad one first).
   */
  rules?: LoadedRules;
}

/** A running aggregator. */
export class Aggregator {
  readonly registry = new Registry();
  /** Per-tenant limits on ingest and queries (docs/limits.md). */
  readonly limits: ReturnType<typeof tenantLimiters>;
  readonly bucket: Bucket;
  readonly catalog: Catalog;
  readonly store: MetricsStore;
  readonly logs: LogsStore;
  /** Live tails, fed while open by every log batch entering the stream (logs/tail/follow.ts). */
  readonly tails: TailRegistry;
  readonly compactor: Compactor;
  private consumer: IngestConsumer | null = null;
  private compactorLease: Lease | null = null;
  /** Rules, notifiers, history and audit logs of every tenant (tenant_alerting.ts). */
  readonly alerts: TenantAlerting;
  /** Users, tokens and sessions; null until NATS is connected. */
  auth: AuthStore | null = null;
  /** Dashboards and folders; null until NATS is connected. */
  dashboards: DashboardStore | null = null;
  /** The integration packs offered to each tenant (aggregator/packs). */
  readonly packs: PackOffer;
  /** Authentication and roles in front of every route. */
  readonly guard: Guard;
  /** The default tenant's audit log (users, tokens, logins); published once NATS is connected. */
  readonly auditLog: AuditLog;
  /** Records a change in the default tenant's audit log: users, tokens and logins (not per tenant). */
  readonly audit: Audit;
  private readonly authObserver: AuthChangeObserver;

  /** The default tenant's notifier, with `alerting.config_file`; null until started or without one. */
  get notifier(): Notifier | null {
    return this.alerting?.notifier ?? null;
  }

  /** The default tenant's rules; null until the consumer is connected. */
  get rules(): RulesComponent | null {
    return this.alerts.of(DEFAULT_TENANT).rules;
  }

  /** The default tenant's notifier and silences; null until started or without a config. */
  get alerting(): Alerting | null {
    return this.alerts.of(DEFAULT_TENANT).alerting;
  }

  /** The default tenant's alert history; null until started or when off. */
  get history(): AlertHistory | null {
    return this.alerts.of(DEFAULT_TENANT).history;
  }
  private server: ReturnType<typeof Bun.serve> | null = null;
  private lagTimer: ReturnType<typeof setInterval> | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  /** The query warm-up after the cache's (api/http/warm.ts); aborted by stop(). */
  private readonly warmStop = new AbortController();
  private warmingQueries: Promise<unknown> = Promise.resolve();
  private ingesting = false;
  /** Where the process is in its life, for SIGHUP (see onHangup). */
  private phase: "starting" | "running" | "stopping" = "starting";
  /** A SIGHUP came while starting: the reload runs once started. */
  private hangupWhileStarting = false;
  /** The second thread of large rate() queries, when there is a second core for it. */
  private readonly rateHelper: RateHelper | undefined;
  /** The second thread that writes half of a large range answer's JSON. */
  private readonly encodeHelper: EncodeHelper | undefined;
  /** How large answers are written (`query.json_bytes`, the helper thread). */
  private readonly answerWriting: AnswerWriting;

  /**
   * `options.outbound` reads `alerting.alertmanagers` and `alert_relabel_configs` again at a
   * reload; by default they are read from the config file. `outpost up` gives its own, which
   * reads them from the prometheus.yml of `--config.file`.
   */
  constructor(
    readonly config: AggregatorConfig,
    private readonly options: AggregatorOptions = {},
  ) {
    const id = config.aggregator.id;
    registerProcessMetrics(this.registry);
    const required = authRequired(config.auth.enabled, config.aggregator.http_listen);
    this.guard = new Guard(() => this.auth, config.auth, required, this.registry);
    this.limits = tenantLimiters(config.limits, this.registry);
    this.alerts = new TenantAlerting(config, this.registry, this.limits.alerts);
    this.packs = new PackOffer({
      config: config.packs,
      tenants: () => this.alerts.tenants(),
      queryable: (tenant) => this.store.queryable(tenant),
      reloadRules: async (tenant) => this.alerts.of(tenant).rules?.reload(),
      dashboards: () => this.dashboards,
      registry: this.registry,
    });
    // Users, tokens, logins, refusals and limits belong to no tenant: Outpost's own.
    this.auditLog = this.alerts.auditLog(SYSTEM_TENANT);
    this.audit = this.alerts.auditFor(SYSTEM_TENANT);
    this.guard.auditInto(this.audit);
    this.authObserver = new AuthChangeObserver(this.audit);
    const helper = config.query.helper_thread ?? availableParallelism() >= 2;
    this.rateHelper =
      helper && config.query.cache_max_bytes > 0 ? new RateHelper(this.registry) : undefined;
    const strings = !config.query.json_bytes;
    this.encodeHelper = helper ? new EncodeHelper(this.registry, strings) : undefined;
    this.answerWriting = { encoder: this.encodeHelper, strings };
    this.bucket = openBucket(config.storage, { baseDir: config.baseDir, registry: this.registry });
    this.catalog = new Catalog({
      bucket: this.bucket,
      writer: id,
      localDir: join(config.aggregator.data_dir, "catalog"),
    });
    this.catalogMetrics();
    this.store = new MetricsStore({
      bucket: this.bucket,
      catalog: this.catalog,
      writer: id,
      tmpDir: join(config.aggregator.data_dir, "tmp"),
      head: { maxBytes: config.head.max_bytes, retentionMs: config.head.retention },
      queryCacheBytes: config.query.cache_max_bytes,
      queryCacheWarmMs: config.query.cache_warm,
      queryCacheMirror: this.rateHelper,
      rollupDisk: {
        dir: join(config.aggregator.data_dir, "cache", "rollups"),
        maxBytes: config.query.cache_disk_bytes,
      },
      flush: { intervalMs: config.flush.interval, maxSamples: config.flush.max_samples },
      registry: this.registry,
      onCommitted: (refs) => this.consumer?.ack(refs),
      onFlushStart: () => this.consumer?.touch(),
      seriesLimit: this.limits.ingest,
    });
    this.tails = new TailRegistry(this.registry, {
      open: async (offer, sinceMs) => {
        if (!this.consumer) throw new Error("Cannot follow log batches: NATS is not connected yet");
        return this.consumer.followLogs((f) => {
          if (f.batch.logs && f.batch.logs.length > 0)
            offer(f.tenant, f.batch.series, f.batch.logs);
        }, sinceMs);
      },
    });
    this.logs = new LogsStore({
      bucket: this.bucket,
      catalog: this.catalog,
      writer: id,
      tmpDir: join(config.aggregator.data_dir, "tmp"),
      maxBytes: config.logs.head_max_bytes,
      flush: { intervalMs: config.flush.interval, maxRecords: config.logs.flush_max_records },
      pins: this.store.pins,
      registry: this.registry,
      onCommitted: (refs) => this.consumer?.ack(refs),
      onFlushStart: () => this.consumer?.touch(),
    });
    this.compactor = new Compactor({
      bucket: this.bucket,
      catalog: this.catalog,
      writer: id,
      tmpDir: join(config.aggregator.data_dir, "tmp"),
      config: { ...config.compaction, retention_own: config.alerting.history.retention },
      pins: this.store.pins,
      registry: this.registry,
      orphanAgeMs: config.nats.ack_wait + config.flush.interval,
      // One compactor at a time across the aggregators sharing the stream and bucket.
      mayRun: () => this.compactorLease?.acquire() ?? Promise.resolve(false),
      renewEveryMs: compactorLeaseTtl(config) / 3,
      onMerged: () => void this.store.rewarm(),
    });
  }

  /** The address the HTTP endpoint listens on (after start). */
  get url(): string {
    const scheme = this.config.tls ? "https" : "http";
    return this.server ? `${scheme}://${this.server.hostname}:${this.server.port}` : "";
  }

  /**
   * Loads the catalog, serves HTTP, connects to NATS and starts ingesting. Gives up (throws)
   * when `signal` aborts: the bucket or NATS may keep it waiting. stop() undoes a partial start.
   */
  async start(signal?: AbortSignal): Promise<void> {
    // From the first moment: a SIGHUP with no listener would end the process.
    process.on("SIGHUP", this.onHangup);
    const c = this.config;
    await untilAborted(this.catalog.load(), signal);
    log.info("Catalog loaded", {
      bucket: this.bucket.description,
      files: this.catalog.all().length,
    });
    await this.repairStaging();
    // The guard first: every route below, the status endpoints too, goes through it.
    const app = new Hono();
    app.use(this.guard.middleware());
    app.route("/", statusApp(this.registry, { ready: () => this.ingesting }));
    // Every API reads the tenants of its request; each tenant's rules read its own store.
    const byTenants = (tenants: readonly string[]) =>
      tenantsQueryable(tenants, (t) => this.store.queryable(t));
    const metadata = (tenants: readonly string[] = [DEFAULT_TENANT]) =>
      tenants.flatMap((t) => this.store.metadata(t));
    // Prometheus keeps limitk, limit_ratio, mad_over_time, … behind a feature flag; the
    // issue that specified the engine asks for them, so they are on.
    const engine = new Engine({
      enableExperimentalFunctions: true,
      maxConcurrency: this.config.query.max_concurrency,
      rateHelper: this.rateHelper,
      tenants: this.limits.queries,
    });
    queueMetrics(this.registry, engine);
    app.route(
      "/",
      prometheusApi({
        engine,
        queryable: byTenants,
        metadata,
        buildInfo: { version: OUTPOST_VERSION },
        externalLabels: this.config.global.external_labels,
        alertmanagers: () => this.alerts.alertmanagerURLs(),
        writing: this.answerWriting,
        registry: this.registry,
        corsOrigins: this.config.auth.trusted_origins,
      }),
    );
    mountConnect(
      app,
      [
        {
          service: QueryService,
          impl: queryService({ engine, queryable: byTenants, metadata }),
        },
        {
          service: LogsService,
          impl: logsService({
            logs: (tenant) => this.logs.queryable(tenant),
            run: this.limits.queries.logRun(runLogQuery),
            tails: this.tails,
            tailMaxQueued: c.logs.tail_max_queued,
          }),
        },
        { service: AuthService, impl: authService(() => this.auth, this.guard) },
        {
          service: AdminService,
          impl: adminService(() => this.auth, {
            audit: this.audit,
            logs: (tenant) => this.logs.queryable(tenant),
          }),
        },
        {
          service: AlertsService,
          impl: alertsService({
            rules: (t) => this.alerts.of(t).rules?.manager.groups() ?? [],
            notifier: (t) => this.alerts.of(t).alerting?.notifier ?? null,
            silences: (t) => this.alerts.of(t).alerting?.silenceStore ?? null,
            history: (t) => (c.alerting.history.enabled ? this.logs.queryable(t) : null),
            query: (t) => ({ engine, queryable: byTenants([t]) }),
            audit: this.alerts.auditFor,
          }),
        },
        {
          service: UptimeService,
          impl: uptimeService({
            query: (tenants) => ({ engine, queryable: byTenants(tenants) }),
          }),
        },
        {
          service: DashboardsService,
          impl: dashboardsService({
            store: () => this.dashboards,
            maxBytes: c.dashboards.max_bytes,
            audit: this.alerts.auditFor,
          }),
        },
      ],
      this.registry,
      (ctx) => connectContext(ctx, c.tls !== undefined),
    );
    app.route("/", rulesApi({ groups: (t) => this.alerts.of(t).rules?.manager.groups() ?? [] }));
    await this.alerts.create(() => this.url);
    this.alerts.routes(app, (tenant) => this.logs.queryable(tenant));
    app.post("/-/reload", async (c) => {
      const [problems, alerting, limits] = await this.reload(fromHttp(c), reloadScope(c));
      if (alerting.length > 0)
        return c.text(`failed to reload config: ${alerting.join("\n")}`, 500);
      if (limits.length > 0) return c.text(`failed to reload limits: ${limits.join("\n")}`, 500);
      return problems.length === 0
        ? c.text("")
        : c.text(`failed to reload rules: ${problems.length} problems (see the log)`, 500);
    });
    app.route(
      "/",
      lokiApi({
        logs: (tenant) => this.logs.queryable(tenant),
        run: this.limits.queries.logRun(runLogQuery),
        registry: this.registry,
        tails: this.tails,
        tailMaxQueued: c.logs.tail_max_queued,
      }),
    );
    app.route(
      "/",
      statusPageApi({
        config: c.status_page,
        queries: (signal) =>
          uptimeQueries({ engine, queryable: byTenants([c.status_page.tenant]) }, signal),
      }),
    );
    app.route("/", runbooksApp());
    app.route("/", uiApp());
    this.server = Bun.serve({
      ...parseListen(c.aggregator.http_listen),
      fetch: app.fetch,
      // Loki's tail endpoint upgrades to a WebSocket; the upgrade needs this handler.
      websocket: lokiWebSocket,
      // Bun closes a connection idle for 10 s by default, which cuts off a query still being
      // evaluated; 255 s (its maximum) outlasts the engine's 2 m timeout.
      idleTimeout: 255,
      tls: c.tls && { cert: Bun.file(c.tls.cert_file), key: Bun.file(c.tls.key_file) },
      // What escapes a route (a client gone while its answer is written): one logfmt line,
      // instead of Bun printing the error object over many lines of the log.
      error: (err) => {
        const gone = err.name === "AbortError";
        const fields = { error: err.message };
        if (gone) log.debug("A client closed its connection before its answer", fields);
        else log.error("Cannot answer a request", fields);
        return new Response(gone ? null : "internal error\n", { status: gone ? 499 : 500 });
      },
    });
    this.store.start();
    this.warmingQueries = this.store.warming.then(() => {
      const target = this.store.warmed();
      if (target === null || this.warmStop.signal.aborted) return;
      // The aggregator's own work, not the tenant's: held to the engine's limits, not counted
      // against the tenant's (a queryable without a tenant).
      const own = (t: string) => ({ querier: () => this.store.queryable(t).querier() });
      const deps = { engine, queryable: own };
      return warmQueries({ ...deps, writing: this.answerWriting }, target, this.warmStop.signal);
    });
    this.logs.start();
    this.compactor.start();
    this.refreshTimer = setInterval(() => {
      this.catalog.refresh().catch((err) => {
        log.warn("Cannot refresh the catalog from the bucket: retrying", { error: String(err) });
      });
    }, CATALOG_REFRESH_MS);
    this.consumer = new IngestConsumer({
      nats: c.nats,
      name: `outpost-aggregator-${c.aggregator.id}`,
      sink: new SignalRouter(this.store, this.logs),
      admission: this.limits.ingest,
      registry: this.registry,
    });
    await this.startConsumer(this.consumer, signal);
    await this.startAuth(this.consumer, signal);
    await this.startDashboards(this.consumer, signal);
    await this.alerts.connect(this.consumer, c.aggregator.id, signal);
    this.compactorLease = this.consumer.lease("compactor", c.aggregator.id, compactorLeaseTtl(c));
    const sink = this.consumer.rulePublisher();
    await this.alerts.startRules((tenant) => ({
      engine,
      queryable: this.store.queryable(tenant),
      sink,
      lease: (key, ttl) => this.consumer?.lease(key, c.aggregator.id, ttl) ?? null,
      registry: this.registry,
      url: this.url,
      refresh: () => this.catalog.refresh(),
      packs: (tenant) => this.packs.rulesFor(tenant),
      loaded: tenant === DEFAULT_TENANT ? this.options.rules : undefined,
    }));
    await this.packs.start();
    this.watchLag();
    this.ingesting = true;
    this.phase = "running";
    if (this.hangupWhileStarting) this.onHangup();
    log.info("Aggregator started", {
      http: this.url,
      stream: c.nats.stream,
      consumer: c.nats.consumer,
    });
  }

  /**
   * Stops ingesting, flushes and acknowledges what the head holds, then closes everything.
   * Each step goes on past one that fails, and the log names a step that keeps the stop waiting.
   */
  async stop(): Promise<void> {
    this.ingesting = false;
    this.phase = "stopping";
    if (this.lagTimer) clearInterval(this.lagTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    await stopEach(log, [
      ["the rule packs", () => this.packs.stop()],
      ["the rules", () => this.alerts.stopRules()],
      ["the notifiers", () => this.alerts.stopNotifiers()],
      [
        "the shared stores",
        () => {
          this.auth?.stop();
          this.dashboards?.stop();
          this.authObserver.flush();
          this.guard.flushAudit();
        },
      ],
      // Records still queued go out before the connection closes, but a NATS that is gone does
      // not hold the stop up for long: what is left after 5 s is counted as dropped.
      ["the alert records", () => this.alerts.drain(5_000)],
      ["the consumer", () => this.consumer?.stop()],
      [
        "the warm-up queries",
        () => {
          this.warmStop.abort();
          return this.warmingQueries;
        },
      ],
      ["the metrics store", () => this.store.stop()],
      ["the logs store", () => this.logs.stop()],
      ["the compactor", () => this.compactor.stop()],
      ["the NATS connection", () => this.consumer?.close()],
      [
        "the HTTP server and helper threads",
        () => {
          this.server?.stop(true);
          this.rateHelper?.close();
          this.encodeHelper?.close();
        },
      ],
    ]);
    // Trapped (and ignored) until here: a SIGHUP during the stop must not end the process.
    process.off("SIGHUP", this.onHangup);
  }

  /**
   * Reloads the rule files and alertmanager.yml of `tenants` (every tenant when undefined);
   * resolves to the problems of each. Each aggregator reloads its own files.
   */
  private async reload(
    who: Who,
    tenants?: readonly string[],
  ): Promise<[rules: unknown[], alerting: string[], limits: string[]]> {
    const all: [unknown[], string[], string[]] = [[], [], []];
    // Limits are every tenant's: reloaded by SIGHUP and by an operator's reload of all tenants.
    if (tenants === undefined && this.config.file !== undefined) {
      const file = this.config.file;
      // Read once for the limits and the alerting section.
      const loaded = loadAggregatorConfig(file);
      loaded.catch(() => {}); // reported by reloadLimits
      all[2] = await reloadLimits(file, this.limits, () => loaded);
      auditLimitsReload(this.audit, who, all[2]);
      // From the same file, unless `options.outbound` reads another: a file that did not load
      // for the limits is reported once, there.
      const own = this.options.outbound;
      const read = own ? () => own(who.source) : async () => (await loaded).alerting;
      if (own !== undefined || all[2].length === 0)
        all[1].push(...(await this.alerts.reloadOutbound(read)));
    }
    for (const [tenant, [rules, alerting]] of await this.alerts.reload(tenants)) {
      // Each tenant's reload is a change to that tenant's rules and notifier: audited there.
      auditReload(this.alerts.auditFor(tenant), who, {
        rules: rules?.length,
        alerting: alerting ?? undefined,
        configFile: this.alerts.configFile(tenant),
      });
      all[0].push(...(rules ?? []));
      all[1].push(
        ...(alerting ?? []).map((p) => (tenant === DEFAULT_TENANT ? p : `${tenant}: ${p}`)),
      );
    }
    return all;
  }

  /**
   * SIGHUP reloads the rule files and the alertmanager.yml, as it does Prometheus's and
   * Alertmanager's: one during the start once started, none during the stop.
   */
  private readonly onHangup = () => {
    if (this.phase === "starting") this.hangupWhileStarting = true;
    else if (this.phase === "running")
      void this.reload({ actor: { kind: "system", name: "SIGHUP" }, source: "SIGHUP" });
  };

  /** Starts the consumer; one given up on by `signal` is closed when its connect comes through. */
  private async startConsumer(consumer: IngestConsumer, signal?: AbortSignal): Promise<void> {
    const starting = consumer.start();
    try {
      await untilAborted(starting, signal);
    } catch (error) {
      if (signal?.aborted) {
        const close = async () => {
          await consumer.stop();
          await consumer.close();
        };
        void starting.then(close, () => {});
      }
      throw error;
    }
  }

  /** Loads users, tokens and sessions from NATS KV; requests needing them get 503 until then. */
  private async startAuth(consumer: IngestConsumer, signal?: AbortSignal): Promise<void> {
    const a = this.config.auth;
    const auth = new AuthStore({
      kv: (bucket) => consumer.keyValue(bucket),
      registry: this.registry,
      sessionTtlMs: a.session_ttl,
      sessionIdleMs: a.session_idle,
      observer: this.authObserver,
    });
    this.auth = auth;
    await untilAborted(auth.start(signal), signal);
    log.info("Authentication", {
      required: this.guard.required,
      users: auth.listUsers().length,
      tokens: auth.listTokens().length,
    });
  }

  /** Loads dashboards and folders from NATS KV; the service answers `unavailable` until then. */
  private async startDashboards(consumer: IngestConsumer, signal?: AbortSignal): Promise<void> {
    const dashboards = new DashboardStore({
      kv: (bucket) => consumer.keyValue(bucket),
      versionsKept: this.config.dashboards.versions_kept,
      registry: this.registry,
    });
    await untilAborted(dashboards.start(signal), signal);
    this.dashboards = dashboards;
  }

  /**
   * Promotes what a crash left committed but still in staging, before ingest resumes (the
   * compactor also does, every pass); a failure leaves that to the compactor.
   */
  private async repairStaging(): Promise<void> {
    try {
      const { bucket, catalog } = this;
      const { promoted, waiting } = await promoteCommitted({
        bucket,
        catalog,
        pins: this.store.pins,
      });
      if (promoted + waiting > 0)
        log.info("Promoted committed files left in staging", { promoted, waiting });
    } catch (err) {
      log.warn("Cannot promote committed files left in staging: the compactor will", {
        error: String(err),
      });
    }
  }

  private catalogMetrics(): void {
    const files = this.registry.gauge("outpost_catalog_files", "Objects the catalog holds.");
    const bytes = this.registry.gauge(
      "outpost_catalog_bytes",
      "Bytes of the objects the catalog holds.",
    );
    const ranges = this.registry.gauge(
      "outpost_catalog_sequence_ranges",
      "Ranges of committed stream sequences the catalog tracks for exactly-once.",
    );
    files.onCollect(() => {
      const s = this.catalog.stats();
      files.set(s.files);
      bytes.set(s.bytes);
      ranges.set(s.seqRanges);
    });
  }

  private watchLag(): void {
    const lag = this.registry.gauge(
      "outpost_ingest_consumer_lag_batches",
      "Batches in the stream not yet delivered to any aggregator.",
    );
    const ackPending = this.registry.gauge(
      "outpost_ingest_consumer_ack_pending_batches",
      "Batches delivered to aggregators and not yet acknowledged.",
    );
    this.lagTimer = setInterval(async () => {
      try {
        const l = await this.consumer!.lag();
        lag.set(l.pending);
        ackPending.set(l.ackPending);
      } catch {
        // NATS is away; the gauges keep their last value.
      }
    }, 5_000);
  }
}

/** The engine's slots as gauges, as Prometheus's `prometheus_engine_queries`. */
function queueMetrics(registry: Registry, engine: Engine): void {
  const running = registry.gauge(
    "outpost_query_running",
    "Queries evaluating now, by origin (user: the HTTP API; rule: rule evaluation).",
    ["origin"],
  );
  const waiting = registry.gauge(
    "outpost_query_waiting",
    "Queries waiting for a slot (query.max_concurrency), by origin.",
    ["origin"],
  );
  running.onCollect(() => {
    for (const origin of ["user", "rule"] as const) {
      const load = engine.load(origin);
      running.labels({ origin }).set(load.running);
      waiting.labels({ origin }).set(load.waiting);
    }
  });
}

/** The compaction lease's TTL: two compaction intervals, at least 10 minutes. */
function compactorLeaseTtl(c: AggregatorConfig): number {
  return Math.max(2 * c.compaction.interval, 10 * 60_000);
}
