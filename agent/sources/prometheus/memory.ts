import type { Labels } from "../../../shared/model/labels.ts";
import { type MemoryBudget, MemoryLimitError } from "../../pipeline/budget.ts";

/**
 * What a new series costs in RSS besides its label text: about 500 bytes of live objects
 * (entry, labels array, block row, key bytes), the garbage made while parsing and labeling it,
 * and the collector's slack. Measured: a refused million-series parse peaks at ~2.8 KB per
 * series; an agent keeping 100,000 series (bench/agent_e2e.ts) sits at ~3 KB per series.
 */
const SERIES_OVERHEAD_BYTES = 2816;

/** Estimated bytes one cached series holds: the overhead and its strings (UTF-16 at worst). */
export function seriesBytes(labels: Labels): number {
  let bytes = SERIES_OVERHEAD_BYTES;
  for (const s of labels) bytes += 2 * s.length;
  return bytes;
}

/**
 * One scrape loop's share of the agent's {@link MemoryBudget}: the series its cache keeps
 * between scrapes, plus what the scrape in progress holds (body bytes, new series). A
 * reservation the budget refuses throws {@link MemoryLimitError} and so fails the scrape.
 */
export class ScrapeMemory {
  /** Bytes reserved for series kept in the cache. */
  private retained = 0;
  /** Bytes reserved by the scrape in progress. */
  private transient = 0;

  constructor(private readonly budget: MemoryBudget | null) {}

  /** Reserves `bytes` for the scrape in progress, or throws MemoryLimitError. */
  readonly reserve = (bytes: number): void => {
    if (!this.budget) return;
    if (!this.budget.tryReserve(bytes, this.transient)) {
      throw new MemoryLimitError(
        `memory_limit reached: the agent's scrape pool of ${this.budget.pool} bytes is full (${this.budget.reserved} reserved, this scrape holds ${this.transient})`,
      );
    }
    this.transient += bytes;
  };

  /** Ends a scrape: the cache now keeps `retained` bytes of series; the rest is released. */
  settle(retained: number): void {
    if (!this.budget) return;
    const held = this.retained + this.transient;
    this.transient = 0;
    this.retained = retained;
    // Series the cache keeps were reserved when parsed, so `retained` never exceeds `held`
    // by more than rounding; what remains (the body, forgotten series) is released.
    this.budget.release(held - retained);
  }
}
