import { describe, expect, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import type { Frame } from "../ingest/frame.ts";
import { limitsSchema } from "./config.ts";
import { batchHours, HOURS_WINDOW_MS, HourWindows } from "./hours.ts";
import { tenantLimiters } from "./limits.ts";

const H = 3_600_000;

/** A metrics batch of `tenant` with one sample at each of `times` (ms). */
const metrics = (tenant: string, times: number[]) =>
  ({
    tenant,
    signal: "metrics",
    batch: { samples: { length: times.length, timestamps: Float64Array.from(times) } },
  }) as unknown as Frame;

/** A log batch of `tenant` with one line at each of `times` (ms). */
const logs = (tenant: string, times: number[]) =>
  ({
    tenant,
    signal: "logs",
    batch: {
      samples: { length: 0 },
      logs: {
        lineBytes: 10 * times.length,
        timeNs: BigInt64Array.from(times.map((t) => BigInt(t) * 1_000_000n)),
      },
    },
  }) as unknown as Frame;

describe("batchHours()", () => {
  test.each([
    ["one scrape", [10 * H + 5, 10 * H + 5], [10]],
    ["a batch across an hour's end", [10 * H - 1, 10 * H, 10 * H - 2], [9, 10]],
    ["before 1970", [-1, -H, -H - 1], [-2, -1]],
  ])("reads the hours of %s", (_what, times, hours) => {
    expect([...batchHours(metrics("t", times))].sort((a, b) => a - b)).toEqual(hours);
    expect([...batchHours(logs("t", times))].sort((a, b) => a - b)).toEqual(hours);
  });
});

describe("HourWindows", () => {
  test("counts each hour once a window, waits out the window past the limit, never fits more than it", () => {
    const w = new HourWindows();
    expect(w.take("t", new Set([1, 2]), 3, 0)).toBe(0);
    expect(w.take("t", new Set([2, 3]), 3, 10)).toBe(0);
    expect(w.take("t", new Set([4]), 3, 1_000)).toBe(HOURS_WINDOW_MS - 1_000);
    expect(w.take("other", new Set([4]), 3, 1_000)).toBe(0);
    expect(w.take("t", new Set([4]), 3, HOURS_WINDOW_MS)).toBe(0);
    expect(w.take("t", new Set([1, 2, 3, 4]), 3, HOURS_WINDOW_MS)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("max_hours_per_minute", () => {
  function limiter(tenants: Record<string, object> = {}) {
    let now = 0;
    const l = tenantLimiters(limitsSchema.parse({ tenants }), new Registry());
    // biome-ignore lint/suspicious/noExplicitAny: the limiter's clock, set for the test
    (l.ingest as any).now = () => now;
    return { admit: (f: Frame, d = 1) => l.ingest.admit(f, d), at: (t: number) => (now = t) };
  }
  const hoursFrom = (first: number, n: number) =>
    Array.from({ length: n }, (_, i) => (first + i) * H);

  test("is 120 by default: a spool's replay is paced a minute at a time, each signal apart", () => {
    const { admit, at } = limiter();
    expect(admit(metrics("a", hoursFrom(0, 100))).kind).toBe("accept");
    expect(admit(metrics("a", hoursFrom(100, 20))).kind).toBe("accept");
    expect(admit(metrics("a", hoursFrom(120, 1)))).toEqual({ kind: "delay", ms: HOURS_WINDOW_MS });
    expect(admit(logs("a", hoursFrom(0, 120))).kind).toBe("accept");
    expect(admit(metrics("b", hoursFrom(0, 120))).kind).toBe("accept");
    at(HOURS_WINDOW_MS);
    expect(admit(metrics("a", hoursFrom(120, 1)), 2).kind).toBe("accept");
  });

  test("dead-letters a batch falling in more hours than the limit, and one still over after its redeliveries", () => {
    const { admit } = limiter({ a: { max_hours_per_minute: 3 } });
    expect(admit(metrics("a", hoursFrom(0, 3000)))).toMatchObject({
      kind: "refuse",
      reason: "max_hours",
      message:
        'Cannot ingest a batch of tenant "a": a batch whose samples fall in 3000 hours, more than max_hours_per_minute (3)',
    });
    expect(admit(metrics("a", hoursFrom(0, 3))).kind).toBe("accept");
    expect(admit(metrics("a", hoursFrom(3, 1)), 6)).toMatchObject({
      kind: "refuse",
      reason: "max_hours",
    });
  });

  test("does not apply at 0", () => {
    const { admit } = limiter({ a: { max_hours_per_minute: 0 } });
    expect(admit(metrics("a", hoursFrom(0, 3000))).kind).toBe("accept");
  });
});
