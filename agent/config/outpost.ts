import { z } from "zod";
import { byteSize, duration, filePath, positiveDuration } from "../../shared/config/fields.ts";
import { isListenAddress } from "../../shared/config/listen.ts";
import { checkNatsAuth, natsConnectionFields } from "../../shared/config/nats.ts";

/** The sections of the agent config that are Outpost's own: agent, nats, batch, spool. */

/** JetStream recognises a re-sent batch only within this window; the spool may replay after a long outage. */
const MIN_DUPLICATE_WINDOW_MS = 10 * 60_000;

/** The runtime's share (96 MiB) and room for a few scrapes. */
const MIN_MEMORY_LIMIT = 128 * 1024 * 1024;

/** Identifiers that end up in NATS subjects, message ids and storage paths. */
const TOKEN = /^[A-Za-z0-9_-]+$/;
const TOKEN_ERROR = "must contain only letters, digits, _ and - (it becomes part of NATS subjects)";

/** `agent`: who this agent is and where it serves its own endpoints. */
export const agentSectionSchema = z
  .object({
    id: z
      .string()
      .regex(TOKEN, { error: TOKEN_ERROR })
      .optional()
      .meta({ "x-default": "host name" })
      .describe(
        "Name of this agent, unique in the fleet. It is part of every subject and message id the agent publishes. Defaults to the host name up to its first dot, with characters other than letters, digits, _ and - replaced by _.",
      ),
    tenant: z
      .string()
      .regex(TOKEN, { error: TOKEN_ERROR })
      .default("default")
      .describe(
        "Tenant the data belongs to. The NATS credentials must allow publishing on the tenant's subjects.",
      ),
    http_listen: z
      .string()
      .refine(isListenAddress, {
        error: 'expected host:port, for example "127.0.0.1:9909" or ":9909"',
      })
      .default("127.0.0.1:9909")
      .describe(
        "Address of the agent's HTTP endpoint, serving /metrics (self-metrics) and /healthz.",
      ),
    memory_limit: byteSize()
      .refine((bytes) => bytes >= MIN_MEMORY_LIMIT, { error: "must be at least 128MiB" })
      .prefault("512MiB")
      .describe(
        "Memory the agent may use (its peak RSS). The default holds about 140,000 scraped series. 96MiB of it is the runtime's and the sinks'; scrapes reserve the rest for bodies as they arrive and for series as they are parsed, and a scrape that does not fit fails with reason memory_limit instead of growing the agent. An eighth is kept for scrapes under 4MiB, so that hostile targets cannot starve ordinary ones.",
      ),
  })
  .strict();

/** `nats`: the connection and the JetStream stream batches are published to. */
export const natsSchema = z
  .object({
    ...natsConnectionFields,
    stream: z
      .string()
      .regex(/^[^\s.*>/\\]+$/, {
        error: "stream names cannot contain spaces, '.', '*', '>', '/' or '\\'",
      })
      .default("OUTPOST_INGEST")
      .describe(
        "JetStream stream that stores the batches. The agent creates it when missing and allowed to (an enrolled agent is not: the aggregator creates it), and never changes an existing one.",
      ),
    subject_prefix: z
      .string()
      .regex(/^[^\s.*>]+(\.[^\s.*>]+)*$/, {
        error: "expected dot-separated subject tokens without wildcards",
      })
      .default("outpost.ingest")
      .describe("Batches go to `<subject_prefix>.<tenant>.<signal>.<agent id>`."),
    stream_max_age: duration()
      .prefault("24h")
      .describe(
        "Oldest data the stream keeps when the agent creates it; 0 keeps data until `stream_max_bytes` is reached.",
      ),
    stream_max_bytes: byteSize()
      .prefault("4GiB")
      .describe(
        "Size cap of the stream when the agent creates it; the oldest data is dropped first. 0 means unlimited, which lets a stalled aggregator fill the NATS server's disk.",
      ),
    duplicate_window: positiveDuration()
      .prefault("10m")
      .describe(
        "JetStream drops a batch whose message id it saw within this window. At least 10m, so batches re-sent from the spool after a reconnect are not stored twice.",
      ),
    publish_timeout: positiveDuration()
      .prefault("5s")
      .describe(
        "How long to wait for the stream's acknowledgement of one batch before trying again.",
      ),
    max_in_flight: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(16)
      .describe(
        "Batches published but not yet acknowledged, at most. Bounds memory and the replay after a failure.",
      ),
  })
  .strict()
  .superRefine(checkNats);

/** `batch`: when a batch of samples is sealed and handed to the spool. */
export const batchSchema = z
  .object({
    max_samples: z
      .number()
      .int()
      .min(1)
      .default(100_000)
      .describe("A batch is sealed when it holds this many samples."),
    max_wait: positiveDuration()
      .prefault("10s")
      .describe(
        "A batch is sealed this long after its first sample at the latest, even if not full.",
      ),
    compression: z
      .enum(["lz4", "zstd"])
      .default("lz4")
      .describe(
        "Wire compression of metric batches. lz4 costs the least CPU; zstd (level 1) makes batches about a third smaller (see docs/wire.md) for a little more CPU.",
      ),
    log_compression: z
      .enum(["lz4", "zstd"])
      .default("zstd")
      .describe(
        "Wire compression of log batches. Log text is where zstd pays: at level 6 it sends ~27 bytes per 200-byte line against lz4's ~49, for ~1 µs of CPU per line (docs/logs.md).",
      ),
  })
  .strict();

/** `spool`: the on-disk buffer of batches not yet acknowledged by NATS. */
export const spoolSchema = z
  .object({
    dir: filePath()
      .default("data/agent-spool")
      .describe(
        "Directory of the spool. A relative path is taken relative to the config file's directory.",
      ),
    max_bytes: byteSize()
      .refine((bytes) => bytes > 0, { error: "must be larger than 0" })
      .prefault("512MiB")
      .describe(
        "Size cap of the spool. When it is full the oldest batches are dropped and counted.",
      ),
  })
  .strict();

interface NatsFields {
  user?: string;
  password?: string;
  token?: string;
  creds_file?: string;
  nkey_file?: string;
  stream_max_age: number;
  duplicate_window: number;
}

function checkNats(nats: NatsFields, ctx: z.RefinementCtx): void {
  checkNatsAuth(nats, ctx);
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: "custom", path: [path], message });
  if (nats.duplicate_window < MIN_DUPLICATE_WINDOW_MS) {
    issue(
      "duplicate_window",
      "must be at least 10m so that batches re-sent from the spool are still recognised",
    );
  } else if (nats.stream_max_age > 0 && nats.duplicate_window > nats.stream_max_age) {
    issue(
      "duplicate_window",
      "must not be longer than stream_max_age (JetStream refuses such a stream)",
    );
  }
}
