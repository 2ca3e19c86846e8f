import { dirname, join } from "node:path";
import { parseListen } from "../shared/config/listen.ts";
import { loopbackAddress } from "../shared/http/loopback.ts";
import { statusApp } from "../shared/http/status.ts";
import { logger } from "../shared/log/log.ts";
import { registerProcessMetrics } from "../shared/metrics/process.ts";
import { Registry } from "../shared/metrics/registry.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { agentInboxPrefix } from "../shared/nats/agent_subjects.ts";
import { loadAgentConfig } from "./config/load.ts";
import { type AgentConfig, PROMETHEUS_ONLY_SECTIONS } from "./config/schema.ts";
import { syslogSources } from "./config/syslog.ts";
import { LogSources } from "./logs.ts";
import { MemoryBudget } from "./pipeline/budget.ts";
import { ConfigReloader, type ReloadResult } from "./reload.ts";
import { Batcher } from "./sinks/nats/batcher.ts";
import { LogBatcher } from "./sinks/nats/log_batcher.ts";
import { Publisher } from "./sinks/nats/publisher.ts";
import { Spool } from "./sinks/nats/spool.ts";
import { Wal } from "./sinks/nats/wal.ts";
import { hostCollectorsFor, selectCollectors } from "./sources/host/collectors/index.ts";
import { HostSource } from "./sources/host/source.ts";
import { IntegrationsSource } from "./sources/integrations/source.ts";
import { JournalSource } from "./sources/journal/source.ts";
import { ProbeSource } from "./sources/probe/source.ts";
import { PrometheusSource } from "./sources/prometheus/source.ts";
import { AggregateTransform } from "./transforms/aggregate/aggregate.ts";

const log = logger("agent");

/** Uncompressed batch size cap: below NATS's default 1 MiB max_payload even if LZ4 gains nothing. */
const MAX_BATCH_BYTES = 960 * 1024;
/** A write-ahead log file holds at most one batch's records; larger is damage. */
const MAX_WAL_FILE_BYTES = 4 * MAX_BATCH_BYTES;
/** Log records per batch at most; bytes usually seal a batch first (~4,700 lines of 200 B). */
const LOG_BATCH_RECORDS = 20_000;

/**
 * One running agent: the Prometheus source feeding the NATS sink (batcher → spool →
 * publisher), and the HTTP endpoint with self-metrics. Built from a validated config.
 */
export class Agent {
  readonly registry = new Registry();
  private readonly spool: Spool;
  private readonly publisher: Publisher;
  private readonly batcher: Batcher;
  private readonly logBatcher: LogBatcher;
  private readonly logs: LogSources;
  private readonly journal: JournalSource | null;
  private readonly source: PrometheusSource;
  private readonly probes: ProbeSource;
  private readonly host: HostSource | null;
  /** Detected and configured services (PostgreSQL, Redis); always built, so `/integrations` answers. */
  readonly integrations: IntegrationsSource;
  /** Edge pre-aggregation between the sources and the sink, when rules are configured. */
  private readonly aggregate: AggregateTransform | null;
  private server: ReturnType<typeof Bun.serve> | null = null;
  private started = false;
  private gcTimer: ReturnType<typeof setInterval> | null = null;
  private readonly controller = new AbortController();
  private readonly reloader: ConfigReloader;
  /** A SIGHUP came while the agent was starting: applied once it has started. */
  private hangupWhileStarting = false;
  private stopping = false;

  /**
   * `load` reads the config again at a reload (SIGHUP, `POST /-/reload`: its `source`); by
   * default the file at `configPath`. `outpost up` gives its own, which adds a prometheus.yml's
   * jobs.
   */
  constructor(
    private readonly config: AgentConfig,
    configPath: string,
    load: (source: string) => Promise<AgentConfig> = () => loadAgentConfig(configPath),
  ) {
    registerProcessMetrics(this.registry);
    const { agent, nats, batch, spool } = config;
    this.spool = new Spool({ dir: spool.dir, maxBytes: spool.max_bytes, registry: this.registry });
    this.publisher = new Publisher({
      nats,
      spool: this.spool,
      registry: this.registry,
      inboxPrefix: agentInboxPrefix(agent.tenant, agent.id),
    });
    this.batcher = new Batcher({
      agentId: agent.id,
      tenant: agent.tenant,
      subjectPrefix: nats.subject_prefix,
      maxSamples: batch.max_samples,
      maxBytes: MAX_BATCH_BYTES,
      maxWaitMs: batch.max_wait,
      codec: batch.compression,
      store: this.spool,
      registry: this.registry,
      wal: new Wal({
        dir: join(spool.dir, "wal"),
        registry: this.registry,
        maxFileBytes: MAX_WAL_FILE_BYTES,
      }),
    });
    this.aggregate =
      config.aggregate.length > 0
        ? new AggregateTransform({
            rules: config.aggregate,
            consumer: this.batcher,
            registry: this.registry,
            externalLabels: Object.keys(config.global.external_labels),
          })
        : null;
    const consumer = this.aggregate ?? this.batcher;
    this.source = new PrometheusSource({
      jobs: config.scrape_configs,
      externalLabels: labelsFromRecord(config.global.external_labels),
      baseDir: dirname(configPath),
      registry: this.registry,
      consumer,
      budget: new MemoryBudget({ limit: agent.memory_limit, registry: this.registry }),
    });
    this.host = config.host.enabled
      ? new HostSource({
          config: config.host,
          collectors: selectCollectors(config.host.collectors, hostCollectorsFor(config.host)),
          externalLabels: labelsFromRecord(config.global.external_labels),
          registry: this.registry,
          consumer,
        })
      : null;
    this.logBatcher = new LogBatcher({
      agentId: agent.id,
      tenant: agent.tenant,
      subjectPrefix: nats.subject_prefix,
      maxRecords: LOG_BATCH_RECORDS,
      maxBytes: MAX_BATCH_BYTES,
      maxWaitMs: batch.max_wait,
      codec: batch.log_compression,
      spool: this.spool,
      registry: this.registry,
      stateDir: spool.dir,
    });
    // Always built: detected services (nginx) bring their log files while the agent runs.
    this.logs = new LogSources({
      sources: [...config.logs, ...syslogSources(config.syslog)],
      consumer: this.logBatcher,
      samples: consumer,
      externalLabels: config.global.external_labels,
      registry: this.registry,
      dataDir: spool.dir,
      metricsIntervalMs: config.global.scrape_interval,
    });
    this.journal = config.journal.enabled
      ? new JournalSource({
          config: config.journal,
          consumer: this.logBatcher,
          registry: this.registry,
          dataDir: spool.dir,
          externalLabels: config.global.external_labels,
        })
      : null;
    this.integrations = new IntegrationsSource({
      config: config.integrations,
      externalLabels: labelsFromRecord(config.global.external_labels),
      registry: this.registry,
      consumer,
      logs: this.logs,
    });
    this.probes = new ProbeSource({
      config: config.probes,
      externalLabels: labelsFromRecord(config.global.external_labels),
      registry: this.registry,
      consumer,
    });
    const live = {
      updateScrapeConfigs: (jobs: AgentConfig["scrape_configs"]) => this.source.update(jobs),
      updateProbes: (probes: AgentConfig["probes"]) => this.probes.update(probes),
    };
    this.reloader = new ConfigReloader(config, load, live, this.registry);
  }

  /** Reads the config again and applies its scrape jobs (reload.ts); `source` names who asked. */
  reload(source: string): Promise<ReloadResult> {
    return this.reloader.reload(source);
  }

  /** The address the HTTP endpoint listens on, once started. */
  get httpUrl(): string {
    if (!this.server) return "";
    const host = this.server.hostname ?? "";
    // An IPv6 listen (`[::1]:9909`, `[::]:9909`) is written in brackets in a URL.
    return `http://${host.includes(":") ? `[${host}]` : host}:${this.server.port}`;
  }

  /** Opens the spool, starts publishing, serving and scraping. */
  async start(): Promise<void> {
    // Trapped from the first moment, as Prometheus traps it before its long TSDB start: a
    // SIGHUP with no listener would end the process (while the spool is read, say).
    process.on("SIGHUP", this.onHangup);
    await this.spool.open();
    // Before the first scrape: the log's files are the open batches of the previous run.
    await this.batcher.recover();
    const signal = this.controller.signal;
    void this.publisher.start(signal);
    this.batcher.start();
    this.logBatcher.start();
    this.aggregate?.start(signal);
    const app = statusApp(this.registry, { ready: () => this.started });
    // What `outpost integrations` prints: detected services, how, and their state.
    app.get("/integrations", (c) => c.json(this.integrations.report()));
    // POST or PUT, as Prometheus's /-/reload takes either.
    app.on(["POST", "PUT"], "/-/reload", (c) => this.reloadRequest(c.req.raw, c.env));
    this.server = Bun.serve({ ...parseListen(this.config.agent.http_listen), fetch: app.fetch });
    this.source.start();
    this.host?.start();
    this.integrations.start();
    this.probes.start();
    this.logs.start(signal);
    this.journal?.start(signal);
    this.started = true;
    if (this.hangupWhileStarting) void this.reload("SIGHUP");
    // With Bun's 1 s GC timer off (BUN_GC_TIMER_DISABLE=1, see README) memory is only collected
    // as it is allocated; one collection per batch interval keeps RSS down at a few wake-ups
    // a minute.
    this.gcTimer = setInterval(() => Bun.gc(false), this.config.batch.max_wait);
    log.info("Agent started", {
      id: this.config.agent.id,
      http: this.httpUrl,
      nats: [this.config.nats.url].flat().join(","),
      jobs: this.config.scrape_configs.length,
      spool: this.config.spool.dir,
    });
    const unused = this.config.unused_sections ?? [];
    if (unused.length > 0)
      log.warn("Config sections of a prometheus.yml that the agent does not use", {
        sections: unused.join(","),
        why: unused.map((k) => `${k}: ${PROMETHEUS_ONLY_SECTIONS[k]}`).join("; "),
      });
  }

  /**
   * Stops scraping (no staleness markers: Prometheus writes none when it stops, so a restart
   * keeps alerts' `for` state), seals and spools the last batch, then disconnects.
   */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    // A reload reading the file now would start its jobs after the scrapes stopped: wait for it,
    // and refuse any later one. SIGHUP stays trapped (and ignored) until the stop is done.
    await this.reloader.close();
    if (this.gcTimer) clearInterval(this.gcTimer);
    await Promise.all([
      this.source.stop(),
      this.probes.stop(),
      this.host?.stop(),
      this.integrations.stop(),
      this.logs.stop(),
      this.journal?.stop(),
      // Sealed now, the last log batch can be acknowledged while the file sources wait for it.
      this.logBatcher.flush(),
    ]);
    // After the sources: their last samples must reach the transform before its last outputs.
    await this.aggregate?.stop();
    await this.batcher.stop();
    await this.logBatcher.stop();
    const left = (await this.publisher.drain(5_000)) ? 0 : this.spool.count;
    if (left > 0) log.warn("Batches stay in the spool until the next start", { batches: left });
    this.controller.abort();
    await this.publisher.stop();
    this.logBatcher.close();
    this.server?.stop(true);
    process.off("SIGHUP", this.onHangup);
    log.info("Agent stopped");
  }

  /**
   * SIGHUP reloads the config, as it does Prometheus's: one during the start is applied once
   * started, one during the stop is ignored (the reloader is closed by then).
   */
  private readonly onHangup = () => {
    if (this.started || this.stopping) void this.reload("SIGHUP");
    else this.hangupWhileStarting = true;
  };

  /**
   * `POST /-/reload`, from this host only (the agent's endpoint has no credentials, and may
   * listen beyond loopback for its /metrics) and not from a web page (one with an `Origin`),
   * so a page the user opens cannot make the agent read its files.
   */
  private async reloadRequest(req: Request, server: unknown): Promise<Response> {
    const peer = (server as { requestIP?: (r: Request) => { address: string } | null }).requestIP?.(
      req,
    )?.address;
    if (peer === undefined || !loopbackAddress(peer) || req.headers.has("origin"))
      return new Response("Cannot reload: /-/reload is served to this host's command line only\n", {
        status: 403,
      });
    const { problems, needRestart, stopping } = await this.reload("POST /-/reload");
    if (stopping) return new Response("Cannot reload: the agent is stopping\n", { status: 503 });
    if (problems.length > 0)
      return new Response(`failed to reload config: ${problems.join("\n")}\n`, { status: 500 });
    const restart =
      needRestart.length > 0 ? `not applied until a restart: ${needRestart.join(", ")}\n` : "";
    return new Response(restart);
  }
}
