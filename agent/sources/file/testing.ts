/**
 * Test helpers for the file source: a LogConsumer that records pushes and acknowledges them
 * at once or when the test says, temporary folders, and a config builder. (The real sink is
 * tested on its own; here only its promise contract matters.)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import type { LogConsumer, LogOrigin } from "../../pipeline/component.ts";
import { type FileSourceConfig, fileSourceSchema } from "./config.ts";
import { FileSource, type FileSourceOptions } from "./source.ts";

/** One recorded push. */
export interface Push {
  readonly records: LogRecord[];
  readonly origin: LogOrigin | undefined;
  acked: boolean;
  readonly ack: () => void;
}

/** A LogConsumer that records pushes; with `hold`, they wait for ack()/ackAll(). */
export class TestConsumer implements LogConsumer {
  readonly pushes: Push[] = [];
  hold = false;
  pending: { offsets: Map<string, number>; delivered: Promise<void> }[] = [];

  pushLogs(records: readonly LogRecord[], origin?: LogOrigin): Promise<void> {
    let resolve!: () => void;
    const delivered = new Promise<void>((r) => {
      resolve = r;
    });
    const push: Push = {
      records: [...records],
      origin,
      acked: false,
      ack: () => {
        push.acked = true;
        resolve();
      },
    };
    this.pushes.push(push);
    if (!this.hold) push.ack();
    return delivered;
  }

  pendingLogs() {
    return this.pending;
  }

  /** Acknowledges every push so far. */
  ackAll(): void {
    for (const p of this.pushes) if (!p.acked) p.ack();
  }

  /** Every line pushed, in order. */
  lines(): string[] {
    return this.pushes.flatMap((p) => p.records.map((r) => r.line));
  }

  /** Every record pushed, in order. */
  records(): LogRecord[] {
    return this.pushes.flatMap((p) => p.records);
  }
}

/** A fresh temporary folder, and a function that removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "outpost-file-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A validated config with a short poll interval, for tests. */
export function testConfig(input: Record<string, unknown>): FileSourceConfig {
  return fileSourceSchema.parse({ poll_interval: "10ms", start_at: "beginning", ...input });
}

/** Builds a file source over `dir` with a fresh registry. */
export function testSource(
  consumer: TestConsumer,
  dataDir: string,
  config: FileSourceConfig,
  extra: Partial<FileSourceOptions> = {},
): FileSource {
  return new FileSource({
    id: "test",
    config,
    consumer,
    registry: new Registry(),
    dataDir,
    stopWaitMs: 50,
    ...extra,
  });
}

/** Waits until `cond` holds, failing after `timeoutMs`. */
export async function waitFor(
  cond: () => boolean,
  timeoutMs = 5000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline)
      throw new Error(`Cannot wait for ${what}: timed out after ${timeoutMs} ms`);
    await Bun.sleep(5);
  }
}

/** The value of one rendered series (`name{labels}` exactly as rendered), NaN when absent. */
export function metricValue(registry: Registry, series: string): number {
  const line = registry
    .render()
    .split("\n")
    .find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

/**
 * Waits until a watching source has settled: its passes (`outpost_agent_file_passes_total`)
 * stop for `quietMs`, so that what the test does next reaches it only as a change heard.
 */
export async function settled(registry: Registry, id = "test", quietMs = 200): Promise<void> {
  const passes = () =>
    metricValue(registry, `outpost_agent_file_passes_total{component_id="${id}"}`);
  const deadline = Date.now() + 5000;
  for (;;) {
    const before = passes();
    await Bun.sleep(quietMs);
    if (passes() === before) return;
    if (Date.now() > deadline)
      throw new Error("Cannot wait for the source to settle: it still passes over its files");
  }
}
