import { describe, expect, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import { BASE_BYTES, MemoryBudget, SMALL_SCRAPE_BYTES } from "./budget.ts";

const MiB = 1024 * 1024;

function budget(limitMiB: number) {
  let collections = 0;
  const registry = new Registry();
  const b = new MemoryBudget({
    limit: limitMiB * MiB,
    registry,
    collect: () => {
      collections++;
    },
  });
  return { b, registry, collections: () => collections };
}

describe("MemoryBudget", () => {
  test("its pool is the limit less the runtime's share", () => {
    expect(budget(256).b.pool).toBe(256 * MiB - BASE_BYTES);
  });

  test("refuses a reservation that does not fit and counts the refusal", () => {
    const { b, registry } = budget(256);
    const large = b.pool * (7 / 8);
    expect(b.tryReserve(large, SMALL_SCRAPE_BYTES)).toBe(true);
    expect(b.tryReserve(SMALL_SCRAPE_BYTES + 1, SMALL_SCRAPE_BYTES)).toBe(false);
    expect(b.reserved).toBe(large);
    expect(registry.render()).toContain("outpost_agent_memory_refused_total 1");
  });

  test("a small scrape may use the headroom that large ones cannot", () => {
    const { b } = budget(256);
    expect(b.tryReserve(b.pool * (7 / 8), SMALL_SCRAPE_BYTES)).toBe(true);
    expect(b.tryReserve(MiB, SMALL_SCRAPE_BYTES)).toBe(false);
    expect(b.tryReserve(MiB, 0)).toBe(true);
    expect(b.tryReserve(MiB, SMALL_SCRAPE_BYTES - MiB)).toBe(true);
  });

  test("release() collects once garbage and reservations near the pool, not before", () => {
    const { b, collections } = budget(256);
    expect(b.tryReserve(b.pool / 2, 0)).toBe(true);
    b.release(b.pool / 4);
    // 1/4 reserved + 1/4 garbage: far from the pool, no collection.
    expect(collections()).toBe(0);
    expect(b.reserved).toBe(b.pool / 4);
    expect(b.tryReserve((b.pool * 5) / 8, 0)).toBe(true);
    b.release(b.pool / 16);
    // 13/16 reserved + 5/16 garbage: past 85 %, so the garbage is collected.
    expect(collections()).toBe(1);
    b.release(b.pool / 32);
    // Less than a sixteenth of garbage since: not yet again.
    expect(collections()).toBe(1);
  });
});
