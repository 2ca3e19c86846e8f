import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import { Rejections } from "./rejections.ts";

const lines: string[] = [];
const spy = spyOn(process.stderr, "write").mockImplementation((chunk) => {
  lines.push(String(chunk));
  return true;
});

afterEach(() => {
  lines.length = 0;
});

describe("Rejections", () => {
  test("counts every refusal but logs once a minute per tenant and reason, with the total since", () => {
    let now = 0;
    const registry = new Registry();
    const r = new Rejections(registry, () => now);
    for (let i = 0; i < 100; i++) r.refuse("samples", "a", "rate_limited", 10, "over the rate");
    r.refuse("samples", "b", "rate_limited", 1, "over the rate");
    r.refuse("samples", "a", "max_active_series", 1, "at the series limit");
    now = 59_999;
    r.refuse("samples", "a", "rate_limited", 10, "over the rate");
    now = 60_000;
    r.refuse("samples", "a", "rate_limited", 10, "over the rate");
    spy.mockRestore();
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain("tenant=a reason=rate_limited samples_refused_since_last_line=10");
    expect(lines[3]).toContain("tenant=a reason=rate_limited samples_refused_since_last_line=1010");
    const counter = registry.counter("outpost_tenant_rejected_samples_total", "", [
      "tenant",
      "reason",
    ]);
    expect(counter.labels({ tenant: "a", reason: "rate_limited" }).value).toBe(1020);
    expect(counter.labels({ tenant: "b", reason: "rate_limited" }).value).toBe(1);
  });
});
