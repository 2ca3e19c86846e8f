import type { Registry, Value } from "../../shared/metrics/registry.ts";

/**
 * What the runtime, the sinks (open batch, spool writes, publishes in flight) and the agent's
 * own endpoint take before any scrape: an agent scraping a few small targets sits at 70–90 MiB
 * RSS (measured in test/integration/agent_hostile.test.ts). The rest of `agent.memory_limit`
 * is the pool scrapes draw from.
 */
export const BASE_BYTES = 96 * 1024 * 1024;

/**
 * A scrape whose own reservation stays at or below this may use the headroom held back from
 * large scrapes: an ordinary exporter's body and new series fit, so hostile targets that fill
 * the pool cannot starve healthy ones.
 */
export const SMALL_SCRAPE_BYTES = 4 * 1024 * 1024;

/** Share of the pool only small scrapes may use. */
const HEADROOM_SHARE = 1 / 8;

/** Options of a {@link MemoryBudget}. */
export interface MemoryBudgetOptions {
  /** The agent's whole memory limit, bytes (`agent.memory_limit`). */
  limit: number;
  registry?: Registry;
  /** Runs a full garbage collection; Bun.gc(true) by default, tests count calls. */
  collect?: () => void;
}

/**
 * The agent's memory budget as admission control: scrapes reserve what they hold (body bytes as
 * they arrive, series as the parser creates them) before holding it, and a reservation that
 * does not fit fails that scrape instead of growing the process. Released bytes are garbage
 * until the collector runs, so enough of them trigger a collection: the budget bounds RSS,
 * not only the live heap.
 */
export class MemoryBudget {
  /** Bytes scrapes may reserve in all. */
  readonly pool: number;
  private readonly largeLimit: number;
  private used = 0;
  private freedSinceGc = 0;
  private readonly gcEvery: number;
  private readonly gcAbove: number;
  private readonly collect: () => void;
  private readonly reservedGauge: Value | undefined;
  private readonly refused: Value | undefined;

  constructor(opts: MemoryBudgetOptions) {
    this.pool = Math.max(0, opts.limit - BASE_BYTES);
    this.largeLimit = this.pool * (1 - HEADROOM_SHARE);
    this.gcEvery = Math.max(this.pool / 16, 1024 * 1024);
    this.gcAbove = this.pool * 0.85;
    // A full, synchronous collection: Bun.gc(false) leaves the garbage resident for too long.
    this.collect = opts.collect ?? (() => Bun.gc(true));
    const r = opts.registry;
    r?.gauge("outpost_agent_memory_limit_bytes", "The agent's memory limit (agent.memory_limit).")
      .labels({})
      .set(opts.limit);
    r?.gauge("outpost_agent_memory_pool_bytes", "Part of the memory limit scrapes may reserve.")
      .labels({})
      .set(this.pool);
    this.reservedGauge = r
      ?.gauge("outpost_agent_memory_reserved_bytes", "Bytes scrapes hold: bodies and series.")
      .labels({});
    this.refused = r
      ?.counter(
        "outpost_agent_memory_refused_total",
        "Reservations refused because the memory pool was full; each fails a scrape.",
      )
      .labels({});
  }

  /** Bytes reserved now. */
  get reserved(): number {
    return this.used;
  }

  /**
   * Reserves `bytes` for a holder that already holds `holding` transient bytes; false when
   * they do not fit. Large holders stop short of the headroom kept for small ones.
   */
  tryReserve(bytes: number, holding: number): boolean {
    const after = this.used + bytes;
    const cap = holding + bytes <= SMALL_SCRAPE_BYTES ? this.pool : this.largeLimit;
    if (after > cap) {
      this.refused?.inc();
      return false;
    }
    this.used = after;
    this.reservedGauge?.set(after);
    return true;
  }

  /**
   * Returns `bytes`. They stay resident as garbage until the collector runs, so once garbage
   * and reservations together pass 85 % of the pool (and at least a sixteenth of it is
   * garbage), it collects: the budget bounds RSS, not only the live heap, and an agent far
   * from its limit pays for no extra collection.
   */
  release(bytes: number): void {
    if (bytes <= 0) return;
    this.used = Math.max(0, this.used - bytes);
    this.reservedGauge?.set(this.used);
    this.freedSinceGc += bytes;
    if (this.freedSinceGc >= this.gcEvery && this.used + this.freedSinceGc > this.gcAbove) {
      this.freedSinceGc = 0;
      this.collect();
    }
  }
}

/** The budget refused a scrape's reservation: the scrape fails with reason memory_limit. */
export class MemoryLimitError extends RangeError {}
