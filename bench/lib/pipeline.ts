/**
 * Builds the agent's real scrape → batch path for benchmarks, without timers: a ScrapeLoop per
 * target whose scrapes the benchmark triggers at chosen timestamps, feeding Batchers whose
 * batches land in memory.
 */
import type { SampleConsumer } from "../../agent/pipeline/component.ts";
import { Batcher } from "../../agent/sinks/nats/batcher.ts";
import type { ScrapeLoop } from "../../agent/sources/prometheus/loop.ts";
import { standaloneLoop } from "../../agent/sources/prometheus/standalone.ts";
import type { Codec } from "../../shared/codec/compress.ts";
import { logger } from "../../shared/log/log.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";

/** Sealed batches kept in memory: their count, samples and compressed size. */
export class MemoryStore {
  batches = 0;
  bytes = 0;
  async append(batch: { payload: Uint8Array }): Promise<void> {
    this.batches++;
    this.bytes += batch.payload.length;
  }
  has(): boolean {
    return false;
  }
}

/** A Batcher writing to a MemoryStore, sealed only when the benchmark says so. */
export function memoryBatcher(codec: Codec = "lz4"): { batcher: Batcher; store: MemoryStore } {
  const store = new MemoryStore();
  const batcher = new Batcher({
    agentId: "bench",
    tenant: "default",
    subjectPrefix: "outpost.ingest",
    maxSamples: 10_000_000,
    maxBytes: 1 << 30,
    maxWaitMs: 3_600_000,
    codec,
    store,
    registry: new Registry(),
  });
  return { batcher, store };
}

/** Sends every block to several consumers. */
export function fanOut(...consumers: SampleConsumer[]): SampleConsumer & { samples: number } {
  return {
    samples: 0,
    consume(block: SampleBlock) {
      this.samples += block.length;
      for (const c of consumers) c.consume(block);
    },
  };
}

/** A scrape loop for `address` with the job settings given as YAML lines (indented by 4). */
export function scrapeLoop(address: string, consumer: SampleConsumer, jobYaml = ""): ScrapeLoop {
  const text = `scrape_configs:\n  - job_name: bench\n    scrape_interval: 15s\n${jobYaml}    static_configs:\n      - targets: ["${address}"]\n`;
  return standaloneLoop(text, consumer, new Registry(), logger("bench"));
}

/** Prints one benchmark figure as `name value unit`. */
export function report(name: string, value: number, unit: string): void {
  const v = Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(4));
  console.log(`${name} ${v} ${unit}`);
}
