import type { MetricMetadata } from "../../shared/model/sample.ts";
import type { SampleRows } from "../storage/storage.ts";
import type { Chunk } from "./chunks.ts";

/** Receives the chunks of an import, one at a time. */
export type ChunkConsumer = (rows: SampleRows, metadata: MetricMetadata[]) => Promise<void>;

/**
 * Hands chunks to the consumer one at a time without waiting for each to finish: the reader
 * parses the next chunk while the consumer writes the previous one (on two cores, parsing and a
 * Parquet write overlap). At most one call runs at a time, and its failure surfaces at the next
 * {@link send} or {@link drain}.
 */
export class Delivery {
  private inflight: Promise<void> | undefined;
  private failed = false;
  private failure: unknown;

  constructor(private readonly consumer: ChunkConsumer) {}

  /** Waits for the previous chunk, then starts handing over `chunk`. */
  async send(chunk: Chunk): Promise<void> {
    await this.drain();
    let call: Promise<void>;
    try {
      call = this.consumer(chunk.rows, chunk.metadata);
    } catch (err) {
      call = Promise.reject(err);
    }
    this.inflight = Promise.resolve(call).then(undefined, (err: unknown) => {
      this.failed = true;
      this.failure = err;
    });
  }

  /** Waits for the chunk being handed over; throws what the consumer threw. */
  async drain(): Promise<void> {
    if (this.inflight !== undefined) {
      await this.inflight;
      this.inflight = undefined;
    }
    if (this.failed) throw this.failure;
  }

  /** Waits for the chunk being handed over, ignoring its outcome (cleanup after an error). */
  async settle(): Promise<void> {
    await this.inflight;
  }
}
