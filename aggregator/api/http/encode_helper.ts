/**
 * A second thread for the JSON of large range answers (large_answers.ts, queryDataJsonParallel):
 * it writes the later half of the series while the request's thread writes the first.
 * Answers are the same bytes; a failed or stopped helper leaves the request's thread writing
 * everything, counted and logged.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { SeriesPoints } from "../../promql/value.ts";
import type { SeriesEncoder } from "./large_answers.ts";

const log = logger("api");

interface Waiting {
  resolve(bytes: Uint8Array): void;
  reject(error: Error): void;
}

/** The request thread's side of the encoding thread. */
export class EncodeHelper implements SeriesEncoder {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  private broken = false;
  private readonly failures;

  /**
   * `strings`: the helper writes with the reference writer (seriesListJson, then encoded)
   * rather than straight as bytes (seriesListBytes), as `query.json_bytes: false` asks.
   */
  constructor(
    registry?: Registry,
    private readonly strings = false,
  ) {
    this.failures = registry?.counter(
      "outpost_api_encode_helper_failures_total",
      "Answers the JSON-encoding helper thread failed to write; the request's thread wrote them.",
    );
  }

  /**
   * The thread, started with the first answer large enough to share: each thread is a JS heap
   * of its own, which an aggregator at rest does not need.
   */
  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL("./encode_worker.ts", import.meta.url).href);
    worker.addEventListener("message", (event: MessageEvent) => {
      const { id, bytes, error } = event.data as { id: number; bytes?: Uint8Array; error?: string };
      const w = this.waiting.get(id);
      if (w === undefined) return;
      this.waiting.delete(id);
      if (bytes !== undefined) w.resolve(bytes);
      else this.fail(w, new Error(error ?? "no answer"));
    });
    worker.addEventListener("error", (event: ErrorEvent) => {
      this.broken = true;
      log.error("The JSON-encoding helper thread stopped; answers are written on one thread", {
        error: event.message,
      });
      for (const w of this.waiting.values()) this.fail(w, new Error(event.message));
      this.waiting.clear();
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** The JSON of `series`, comma-separated (seriesListJson), HTML-safe UTF-8 from the helper. */
  encode(series: readonly SeriesPoints[]): Promise<Uint8Array> | null {
    if (this.broken) return null;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.thread().postMessage({ id, series, strings: this.strings });
    });
  }

  /** Stops the thread; later answers are written on the request's thread. */
  close(): void {
    this.broken = true;
    this.worker?.terminate();
    for (const w of this.waiting.values()) w.reject(new Error("the encoding helper was closed"));
    this.waiting.clear();
  }

  private fail(w: Waiting, error: Error): void {
    this.failures?.inc();
    log.error("The JSON-encoding helper thread failed an answer", { error: error.message });
    w.reject(error);
  }
}
