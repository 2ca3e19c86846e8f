/**
 * Aggregators for tests: a config writer, and the aggregator as a child process that a test can
 * kill -9 (in-process aggregators are built with `new Aggregator(config)`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { stringify } from "yaml";
import { Aggregator } from "../../aggregator/aggregator.ts";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import type { AggregatorConfig } from "../../aggregator/config/schema.ts";
import { freePort } from "./ports.ts";

/** Where an aggregator under test keeps its data. */
export type TestStorage =
  | { type: "dir"; path: string }
  | { type: "s3"; endpoint: string; bucket: string; cacheDir: string };

/** Settings a test usually changes; everything else keeps its default. */
export interface TestAggregatorOptions {
  id: string;
  natsUrl: string;
  dataDir: string;
  storage: TestStorage;
  httpPort?: number;
  flushInterval?: string;
  ackWait?: string;
  compactionInterval?: string;
  compactionDelay?: string;
  headRetention?: string;
  maxBatchBytes?: string;
}

/** The YAML of a test aggregator config. */
export function testAggregatorYaml(o: TestAggregatorOptions & { httpPort: number }): string {
  const storage =
    o.storage.type === "dir"
      ? { type: "dir", dir: { path: o.storage.path } }
      : {
          type: "s3",
          s3: {
            endpoint: o.storage.endpoint,
            bucket: o.storage.bucket,
            region: "us-east-1",
            access_key_id: "S3RVER",
            secret_access_key: "S3RVER",
          },
          cache: { dir: o.storage.cacheDir, max_bytes: "256MiB" },
        };
  return stringify({
    aggregator: { id: o.id, http_listen: `127.0.0.1:${o.httpPort}`, data_dir: o.dataDir },
    nats: {
      url: o.natsUrl,
      ack_wait: o.ackWait ?? "5s",
      max_batch_bytes: o.maxBatchBytes ?? "64MiB",
    },
    storage,
    flush: { interval: o.flushInterval ?? "500ms" },
    head: { retention: o.headRetention ?? "1h" },
    compaction: {
      interval: o.compactionInterval ?? "1h",
      delay: o.compactionDelay ?? "10m",
      delete_delay: "1s",
    },
  });
}

/** Writes a test aggregator config and returns it loaded, with the path of its file. */
export async function testAggregatorConfig(
  o: TestAggregatorOptions,
): Promise<{ path: string; config: AggregatorConfig }> {
  const httpPort = o.httpPort ?? (await freePort());
  mkdirSync(o.dataDir, { recursive: true });
  const path = join(o.dataDir, `${o.id}.yaml`);
  const yaml = testAggregatorYaml({ ...o, httpPort });
  writeFileSync(path, yaml);
  return { path, config: parseAggregatorConfig(yaml, path) };
}

/** Copies `stream` to stderr and hands each of its lines to `onLine`. */
async function forwardLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const bytes of stream) {
    process.stderr.write(bytes);
    rest += decoder.decode(bytes, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
}

/** An aggregator running as a child process. */
export interface AggregatorProcess {
  readonly url: string;
  readonly proc: Subprocess;
  /** SIGKILL, as a crash; waits for the exit. */
  kill(): Promise<void>;
  /** SIGTERM; waits for the exit (a clean stop flushes and acknowledges). */
  stop(): Promise<number>;
}

const ROOT = join(import.meta.dir, "..", "..");

/**
 * Starts `outpost aggregator --config path` and waits until it answers /-/ready. `root` runs
 * the CLI of another checkout (a benchmark's baseline commit). `onLog`, when given, is called
 * with each line the aggregator logs (they are passed on to this process's stderr too).
 */
export function startAggregatorProcess(
  path: string,
  config: AggregatorConfig,
  env: Record<string, string> = {},
  root = ROOT,
  onLog?: (line: string) => void,
): Promise<AggregatorProcess> {
  const url = `http://${config.aggregator.http_listen}`;
  return startOutpostDaemon("aggregator", path, url, env, root, onLog);
}

/**
 * Starts `outpost notifier --config path` (the notifier alone, on `notifier.http_listen`) and
 * waits until it answers /-/ready, as startAggregatorProcess does.
 */
export function startNotifierProcess(
  path: string,
  config: AggregatorConfig,
  env: Record<string, string> = {},
  onLog?: (line: string) => void,
): Promise<AggregatorProcess> {
  const url = `http://${config.notifier.http_listen}`;
  return startOutpostDaemon("notifier", path, url, env, ROOT, onLog);
}

async function startOutpostDaemon(
  command: "aggregator" | "notifier",
  path: string,
  url: string,
  env: Record<string, string>,
  root: string,
  onLog?: (line: string) => void,
): Promise<AggregatorProcess> {
  const proc = Bun.spawn(["bun", "run", join(root, "cli/outpost.ts"), command, "--config", path], {
    env: { ...process.env, ...env },
    stdout: "inherit",
    stderr: onLog ? "pipe" : "inherit",
  });
  if (onLog) void forwardLines(proc.stderr as ReadableStream<Uint8Array>, onLog);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null)
      throw new Error(`Cannot start the ${command}: it exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`Cannot start the ${command}: not ready after 20 s`);
    }
    await Bun.sleep(100);
  }
  return {
    url,
    proc,
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
    async stop() {
      proc.kill("SIGTERM");
      return await proc.exited;
    },
  };
}

/**
 * Starts an aggregator in this process with a dir bucket under `dir` and `extraYaml` (rule
 * files, alerting, …) added to its config; relative paths in it are taken from `dir`.
 */
export async function startInProcessAggregator(
  dir: string,
  natsUrl: string,
  extraYaml: string,
  id = "agg",
): Promise<Aggregator> {
  const yaml = testAggregatorYaml({
    id,
    natsUrl,
    dataDir: join(dir, id),
    storage: { type: "dir", path: join(dir, "bucket") },
    httpPort: await freePort(),
  });
  const aggregator = new Aggregator(
    parseAggregatorConfig(yaml + extraYaml, join(dir, `${id}.yaml`)),
  );
  await aggregator.start();
  return aggregator;
}
