import { z } from "zod";
import { byteSize, duration, filePath, positiveDuration } from "../../shared/config/fields.ts";
import { isListenAddress } from "../../shared/config/listen.ts";
import {
  checkNatsAuth,
  type NatsConnectionConfig,
  natsConnectionFields,
} from "../../shared/config/nats.ts";
import { relabelConfigSchema } from "../../shared/relabel/config.ts";
import { alertmanagersSchema } from "../alertmanagers/config.ts";
import { authSchema, tlsSchema } from "../auth/config.ts";
import { dashboardsSchema } from "../dashboards/config.ts";
import { limitsSchema } from "../limits/config.ts";
import { packsSchema } from "../packs/config.ts";
import { rulerSchema } from "../ruler/config.ts";
import { globalSchema, ruleEvaluationSchema, ruleFilesSchema } from "../rules/config.ts";
import { sloFilesSchema, sloProbesSchema } from "../slo/config.ts";
import { storageSchema } from "../storage/bucket/config.ts";
import { statusPageSchema } from "../uptime/status_config.ts";
import { tenantsSchema } from "./tenants.ts";

/** Identifiers that end up in object keys and NATS consumer names. */
const TOKEN = /^[A-Za-z0-9_-]+$/;
const TOKEN_ERROR = "must contain only letters, digits, _ and -";

/** `aggregator`: who this instance is, where it listens and keeps local state. */
const aggregatorSectionSchema = z
  .object({
    id: z
      .string()
      .regex(TOKEN, { error: TOKEN_ERROR })
      .optional()
      .meta({ "x-default": "host name" })
      .describe(
        "Name of this aggregator, unique among the aggregators sharing a bucket. It names the catalog records and files it writes.",
      ),
    http_listen: z
      .string()
      .refine(isListenAddress, { error: 'expected host:port, for example ":9090"' })
      .default("127.0.0.1:9090")
      .describe(
        "Address of the HTTP endpoint: /metrics (self-metrics), /healthz, /-/ready and the query APIs.",
      ),
    data_dir: filePath()
      .default("data/aggregator")
      .describe(
        "Local working directory: the local copy of the catalog and files being written. Relative to the config file's directory.",
      ),
  })
  .strict();

/** `nats`: where batches come from. */
const natsSchema = z
  .object({
    ...natsConnectionFields,
    stream: z
      .string()
      .regex(/^[^\s.*>/\\]+$/, {
        error: "stream names cannot contain spaces, '.', '*', '>', '/' or '\\'",
      })
      .default("OUTPOST_INGEST")
      .describe("JetStream stream the agents publish to; created when missing."),
    subject_prefix: z
      .string()
      .regex(/^[^\s.*>]+(\.[^\s.*>]+)*$/, {
        error: "expected dot-separated subject tokens without wildcards",
      })
      .default("outpost.ingest")
      .describe("Batches arrive on `<subject_prefix>.<tenant>.<signal>.<agent id>`."),
    consumer: z
      .string()
      .regex(TOKEN, { error: TOKEN_ERROR })
      .default("outpost-aggregator")
      .describe(
        "Durable pull consumer shared by every aggregator: each batch goes to one of them (work-queue semantics).",
      ),
    ack_wait: positiveDuration()
      .prefault("5m")
      .describe(
        "How long JetStream waits for an acknowledgement before redelivering a batch. A batch is acknowledged only once its data is in a committed Parquet file, so this must exceed `flush.interval` by a margin.",
      ),
    max_ack_pending: z
      .number()
      .int()
      .min(1)
      .default(100_000)
      .describe(
        "Batches delivered but not yet acknowledged, at most, per consumer. Must hold every batch of one flush interval.",
      ),
    dead_letter_subject: z
      .string()
      .regex(/^[^\s*>]+$/, { error: "expected a subject without wildcards" })
      .default("outpost.deadletter")
      .describe(
        "Batches that cannot be decoded are parked on `<subject>.<reason>` in the stream `OUTPOST_DEADLETTER` and acknowledged.",
      ),
    max_batch_bytes: byteSize()
      .prefault("64MiB")
      .describe(
        "Largest decompressed batch accepted, enforced before and while decompressing, so a forged batch (a lying size prefix, a compression bomb) costs at most this much memory; larger ones are dead-lettered as `size`.",
      ),
    stream_max_age: duration()
      .prefault("24h")
      .describe("Oldest data the stream keeps, when the aggregator creates it."),
    stream_max_bytes: byteSize()
      .prefault("4GiB")
      .describe("Size cap of the stream, when the aggregator creates it."),
  })
  .strict()
  .superRefine(checkNatsAuth);

/** `head`: the in-memory part of the store. */
const headSchema = z
  .object({
    max_bytes: byteSize()
      .prefault("1GiB")
      .describe(
        "Memory the head may hold. Past it, flushed data is dropped from memory first, then a flush is forced.",
      ),
    retention: positiveDuration()
      .prefault("1h")
      .describe(
        "How long flushed samples stay in memory for fast queries; older ones are read from Parquet.",
      ),
  })
  .strict();

/** `flush`: when the head's new samples become Parquet files. */
const flushSchema = z
  .object({
    interval: positiveDuration()
      .prefault("1m")
      .describe(
        "New samples are written to Parquet and acknowledged at least this often. Shorter means more small files (compaction merges them) and fewer batches held unacknowledged.",
      ),
    max_samples: z
      .number()
      .int()
      .min(1000)
      .default(5_000_000)
      .describe("A flush also starts when this many samples wait for one."),
  })
  .strict();

/** `compaction`: merging, rollups and retention. */
const compactionSchema = z
  .object({
    interval: positiveDuration().prefault("5m").describe("How often compaction runs."),
    delay: duration()
      .prefault("10m")
      .describe(
        "An hour is compacted this long after it ends, so late batches (an agent's spool after an outage) usually make it into the merged file.",
      ),
    retention_raw: duration()
      .prefault("15d")
      .describe("Raw samples are deleted after this long; 0 keeps them."),
    retention_1m: duration()
      .prefault("90d")
      .describe("1-minute rollups are deleted after this long; 0 keeps them."),
    retention_5m: duration()
      .prefault("1y")
      .describe("5-minute rollups are deleted after this long; 0 keeps them."),
    retention_1h: duration()
      .prefault("2y")
      .describe(
        "1-hour rollups (a file a day, written once the day's hours are merged) are deleted after this long; 0 keeps them.",
      ),
    delete_delay: positiveDuration()
      .prefault("10m")
      .describe(
        "An object dropped from the catalog is deleted this long later, so queries still reading it (here or on another aggregator) finish first.",
      ),
  })
  .strict();

/** `logs`: the logs store (its files follow `flush.interval` and `compaction.retention_raw`). */
const logsSchema = z
  .object({
    head_max_bytes: byteSize()
      .prefault("256MiB")
      .describe(
        "Memory unflushed log lines may hold. Past it, ingest pauses and a flush is forced.",
      ),
    flush_max_records: z
      .number()
      .int()
      .min(1000)
      .default(1_000_000)
      .describe("A logs flush also starts when this many records wait for one."),
    tail_max_queued: z
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe(
        "Matching lines a live tail's client (Connect `Tail`, Loki's `tail`) may have waiting. A client that falls further behind is dropped (`resource_exhausted`), so a slow reader never slows ingest.",
      ),
  })
  .strict();

/** `query`: how queries read stored data. */
const querySchema = z
  .object({
    cache_max_bytes: byteSize()
      .prefault("1GiB")
      .describe(
        "Decoded samples of committed Parquet files kept in memory between queries (files never change, so a dashboard refreshing its panels reads Parquet once). A sample costs 8 bytes, 12 for series of whole numbers (most counters), which are also kept as 32-bit offsets that `rate()` reads at half the memory traffic; timestamps shared by a file's series count once. A metric's merged hourly files are joined into one entry in the background, after the warm-up and once a query has read them, where such series take 4 bytes a sample. Each series also counts its objects, labels and postings as measured in the heap (about 0.5 KB a series per file or joined entry). The process's resident memory is that of an aggregator without the cache plus about 1.25 times what the cache holds, 60 MB of which hardly grow with it (docs/storage.md). The rollup rows that long ranges read (docs/promql.md, Rollups) are cached beside it in up to a quarter of this size more, and the series each file holds of the metrics label lookups ask for (`/api/v1/label/<name>/values`, `/api/v1/labels`: dashboard variables) are kept too, at most a million (file, series) entries (docs/storage.md). 0 turns all three off.",
      ),
    cache_warm: duration()
      .prefault("24h")
      .describe(
        "At start, decode the metric files this far back from the newest one into the query cache, newest first and in the background, filling at most three quarters of `cache_max_bytes`, then join each metric's merged hourly files into one entry, then run the common query shapes once over the largest metric warmed (api/http/warm.ts), so that the engine's code is compiled: the first dashboard after a restart is then answered from memory at full speed. Afterwards, each hour compaction merges (here, or on another aggregator) is decoded into the cache the same way, within this span and the same fill, so a dashboard first opened long after the start is answered from memory too. 0 turns the warm-ups off.",
      ),
    cache_disk_bytes: byteSize()
      .prefault("1GiB")
      .describe(
        "Rollup rows that a long-range query read whole from the rollup files (a metric's month of 1 h rows, say) are also written to `<data_dir>/cache/rollups`, in the background, at most this many bytes of them (the least recently used go first). After a restart, the first such query maps them from there instead of decoding Parquet again, and a query a few hours on takes the files they hold from them and reads only the newer ones. Bucket files never change, so what is kept is what the files hold. 0 turns it off; it is also off when `cache_max_bytes` is 0.",
      ),
    max_concurrency: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe(
        "Queries from the HTTP API evaluated at once, as Prometheus's `--query.max-concurrency`; more wait in arrival order, the wait counting against their timeout. Queries share the thread in slices of 10 ms, so a small query waits at most about that long behind a running one. Rule evaluation has slots of its own.",
      ),
    helper_thread: z
      .boolean()
      .optional()
      .describe(
        "Walk three quarters of a large `rate()`, `increase()` or `delta()` over cached files (512 series or more) in a second thread, and write half of a large range answer's JSON (20,000 points or more) in a third. Results are the same bit for bit: the main thread adds them up in series order. `false` keeps queries on one thread. Default: on when the machine has two cores or more.",
      ),
    json_bytes: z
      .boolean()
      .default(true)
      .describe(
        "Write the JSON of range answers of 2,000 points or more straight as UTF-8 bytes, without a string a point: the same bytes as the string writer, which in an aggregator whose query cache holds millions of objects makes garbage enough for collections that mark the whole heap (docs/promql.md). `false` writes them as strings, the reference.",
      ),
  })
  .strict();

/** `alerting.history`: alert state changes and notification attempts kept as log lines. */
const historySchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Record the rules\' and the notifier\'s alert state changes and every notification attempt in the stream `{job="outpost", stream="alert_history"}`, readable with LogQL and `GET /api/v1/alerts/history`.',
      ),
    retention: duration()
      .prefault("90d")
      .describe(
        "History files are deleted after this long (other logs follow `compaction.retention_raw`); 0 keeps them.",
      ),
    batch_size: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe(
        "Records published together in one message, at most (also cut at 256 KiB of lines). 1 publishes each record as its own message, as before batching.",
      ),
    batch_linger: duration()
      .prefault("200ms")
      .describe(
        "How long a batch waits for more records after its first: records of one flush, one rule evaluation or one burst of posted alerts go out together.",
      ),
  })
  .strict();

/** `alerting`: the notifier's Alertmanager configuration. */
const alertingSchema = z
  .object({
    config_file: filePath()
      .optional()
      .describe(
        "An alertmanager.yml, loaded unchanged (routes, inhibit rules, receivers, time intervals, templates), relative to this file's directory. Checked by `outpost check`; the notifier routes the rules' alerts and those posted to `/api/v2/alerts` with it (docs/notify.md).",
      ),
    history: historySchema
      .prefault({})
      .describe(
        "Alert history: every alert state change and notification attempt, kept as log lines in the bucket (docs/notify.md, History).",
      ),
    alert_relabel_configs: z
      .array(relabelConfigSchema)
      .prefault([])
      .describe(
        "Relabeling of the default tenant's rules' alerts on their way out, after the external labels are added, as prometheus.yml's: every receiver gets the alerts as relabeled, the notifier of `config_file` as well as `alertmanagers`; an alert dropped, or left without labels, goes to none. The rules' own state (`ALERTS`, `/api/v1/alerts`) is not relabeled.",
      ),
    alertmanagers: alertmanagersSchema,
    dispatch: z
      .boolean()
      .default(true)
      .describe(
        "Take part in sending notifications (the notifier lease, one holder at a time). false: this aggregator's rules' alerts and the alerts posted to it go to the shared alerts, and an `outpost notifier` process (or another aggregator) sends them (docs/notify.md, A notifier process).",
      ),
  })
  .strict();

/** `notifier`: the `outpost notifier` process, which runs only the notifier. */
const notifierSectionSchema = z
  .object({
    http_listen: z
      .string()
      .refine(isListenAddress, { error: 'expected host:port, for example ":9093"' })
      .default("127.0.0.1:9093")
      .describe(
        "Address of `outpost notifier`'s HTTP endpoint: Alertmanager's API v2, /metrics, /healthz, /-/healthy, /-/ready and /-/reload. Alertmanager's port by default.",
      ),
  })
  .strict();

/** The aggregator's config file. */
export const aggregatorConfigSchema = z
  .object({
    aggregator: aggregatorSectionSchema
      .prefault({})
      .describe("Identity, HTTP endpoint, local state."),
    nats: natsSchema
      .prefault({})
      .describe("Connection to NATS and the consumer batches are read with."),
    storage: storageSchema.prefault({}).describe("Where Parquet files and the catalog are kept."),
    head: headSchema.prefault({}).describe("The in-memory part of the store."),
    flush: flushSchema.prefault({}).describe("When new samples are written to Parquet."),
    compaction: compactionSchema.prefault({}).describe("Merging small files, rollups, retention."),
    logs: logsSchema.prefault({}).describe("Log lines: memory and flush size."),
    query: querySchema.prefault({}).describe("How queries read stored data."),
    global: globalSchema
      .prefault({})
      .describe(
        "Settings shared with prometheus.yml's `global`: rule evaluation, external labels.",
      ),
    rule_files: ruleFilesSchema,
    rule_evaluation: ruleEvaluationSchema
      .prefault({})
      .describe("How alert state is restored and resent, as Prometheus's `--rules.*` flags."),
    alerting: alertingSchema
      .prefault({})
      .describe("Notifications: the Alertmanager configuration alerts are routed with."),
    notifier: notifierSectionSchema
      .prefault({})
      .describe(
        "The notifier run alone, as Alertmanager is: `outpost notifier --config FILE` reads this file and serves here (docs/notify.md, A notifier process).",
      ),
    tenants: tenantsSchema,
    ruler: rulerSchema
      .prefault({})
      .describe(
        "Rule groups uploaded per tenant through Mimir's ruler API, `/prometheus/config/v1/rules` (docs/notify.md, Ruler API).",
      ),
    slo_files: sloFilesSchema,
    slo_probes: sloProbesSchema,
    auth: authSchema
      .prefault({})
      .describe("Authentication and roles for every HTTP route (docs/auth.md)."),
    dashboards: dashboardsSchema
      .prefault({})
      .describe("Dashboards in Grafana's JSON model: history and size limits (docs/api.md)."),
    packs: packsSchema
      .prefault({})
      .describe(
        "Integration packs: alert rules and a dashboard per integration, offered when its series arrive (docs/integrations.md#packs).",
      ),
    limits: limitsSchema
      .prefault({})
      .describe(
        "Per-tenant limits on ingest (active series, samples and log bytes per second) and queries (concurrency, samples per query); docs/limits.md.",
      ),
    status_page: statusPageSchema
      .prefault({})
      .describe(
        "The opt-in public status page: chosen probe targets' state and SLA, without login (docs/ui.md).",
      ),
    tls: tlsSchema
      .optional()
      .describe("Serve the HTTP endpoint over HTTPS with this certificate; plain HTTP without."),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.nats.ack_wait < 2 * c.flush.interval) {
      ctx.addIssue({
        code: "custom",
        path: ["nats", "ack_wait"],
        message:
          "must be at least twice flush.interval: batches wait for a flush before they are acknowledged",
      });
    }
  });

/** The config as validated, before defaults that depend on the environment are applied. */
export type AggregatorConfigInput = z.output<typeof aggregatorConfigSchema>;

/** The loaded `nats` section: durations in ms, sizes in bytes, paths absolute. */
export type AggregatorNatsConfig = AggregatorConfigInput["nats"] & NatsConnectionConfig;

/** The loaded aggregator config: defaults applied, paths absolute, durations in ms. */
export interface AggregatorConfig extends Omit<AggregatorConfigInput, "aggregator" | "nats"> {
  aggregator: { id: string; http_listen: string; data_dir: string };
  nats: AggregatorNatsConfig;
  /** Directory relative paths were resolved against (the config file's). */
  baseDir: string;
  /** The config file it was loaded from (loadAggregatorConfig), read again to reload `limits`. */
  file?: string;
}
