import { describe, expect, test } from "bun:test";
import { Registry } from "./registry.ts";

describe("Registry.labelled()", () => {
  test.each([
    [
      "counter",
      (r: Registry) => r.counter("x_total", "X.", ["kind"]).labels({ kind: "k" }).inc(2),
      4,
    ],
    ["gauge", (r: Registry) => r.gauge("x_total", "X.", ["kind"]).labels({ kind: "k" }).set(2), 2],
  ])("keeps each owner's %s in its own series of one family", (_kind, record, b) => {
    const registry = new Registry();
    record(registry.labelled({ tenant: "a" }));
    record(registry.labelled({ tenant: "b" }));
    record(registry.labelled({ tenant: "b" }));
    const lines = registry
      .render()
      .split("\n")
      .filter((l) => l.startsWith("x_total"));
    const type = registry
      .render()
      .split("\n")
      .filter((l) => l.startsWith("# TYPE"));
    expect(type).toHaveLength(1);
    expect(lines[0]).toBe('x_total{kind="k",tenant="a"} 2');
    expect(lines[1]).toBe(`x_total{kind="k",tenant="b"} ${b}`);
  });

  test("labels an unlabelled family's inc() and set() by the owner", () => {
    const registry = new Registry();
    registry.labelled({ tenant: "a" }).gauge("held", "Held.").set(1);
    registry.labelled({ tenant: "b" }).gauge("held", "Held.").set(0);
    expect(registry.render()).toContain('held{tenant="a"} 1\nheld{tenant="b"} 0\n');
  });

  test("runs each owner's collector, each setting its own series", () => {
    const registry = new Registry();
    for (const [tenant, n] of [
      ["a", 3],
      ["b", 5],
    ] as const) {
      const g = registry.labelled({ tenant }).gauge("silences", "S.", ["state"]);
      g.onCollect(() => g.labels({ state: "active" }).set(n));
    }
    const text = registry.render();
    expect(text).toContain('silences{state="active",tenant="a"} 3');
    expect(text).toContain('silences{state="active",tenant="b"} 5');
  });

  test("renders the parent's families, and a labelled registry of a labelled one adds labels", () => {
    const registry = new Registry();
    const nested = registry.labelled({ tenant: "a" }).labelled({ shard: "1" });
    nested.counter("n_total", "N.").inc();
    expect(nested.render()).toBe(registry.render());
    expect(registry.render()).toContain('n_total{tenant="a",shard="1"} 1');
  });

  test("refuses a histogram, which no owner's component registers", () => {
    expect(() => new Registry().labelled({ tenant: "a" }).histogram("h", "H.")).toThrow(
      "Cannot register histogram h",
    );
  });
});
