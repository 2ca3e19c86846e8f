// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's templates are written literally in dashboards.
/**
 * Field resolution as Grafana's `applyFieldOverrides`: defaults, then each matching override's
 * properties in order (later wins); matchers byName (display name), byRegexp (anchored unless
 * written /…/), byType, byFrameRefID; display names with `${__field.labels.x}`.
 */
import { describe, expect, test } from "bun:test";
import { resolveConfig, resolveFields, templateName } from "./fields.ts";
import type { Panel, SeriesFrame } from "./types.ts";

function frame(refId: string, name: string, labels: Record<string, string>): SeriesFrame {
  return { refId, name, labels, times: [1, 2], values: [1, 2] };
}

const panel: Panel = {
  id: 1,
  type: "timeseries",
  gridPos: { x: 0, y: 0, w: 12, h: 8 },
  fieldConfig: {
    defaults: { unit: "bytes", decimals: 1, custom: { lineWidth: 1 } },
    overrides: [
      {
        matcher: { id: "byName", options: "rx" },
        properties: [{ id: "custom.transform", value: "negative-Y" }],
      },
      {
        matcher: { id: "byRegexp", options: "/tx|rx/" },
        properties: [{ id: "unit", value: "Bps" }],
      },
      {
        matcher: { id: "byFrameRefID", options: "B" },
        properties: [
          { id: "displayName", value: "${__field.labels.device} in" },
          { id: "color", value: { mode: "fixed", fixedColor: "red" } },
        ],
      },
      {
        matcher: { id: "byType", options: "time" },
        properties: [{ id: "unit", value: "dateTimeAsIso" }],
      },
      {
        matcher: { id: "byValue", options: { reducer: "max", op: "gte", value: 100 } },
        properties: [{ id: "unit", value: "none" }],
      },
      { matcher: { id: "byRegexp", options: "r" }, properties: [{ id: "decimals", value: 3 }] },
    ],
  },
};

describe("resolveFields()", () => {
  const fields = resolveFields(panel, [
    frame("A", "rx", { device: "eth0" }),
    frame("A", "tx", { device: "eth0" }),
    frame("B", "other", { device: "lo" }),
  ]);

  test("byName sets a custom property and keeps the defaults' others", () => {
    expect(fields[0].config.custom).toEqual({ lineWidth: 1, transform: "negative-Y" });
    expect(fields[1].config.custom).toEqual({ lineWidth: 1 });
  });

  test("byRegexp with slashes matches part of the name; later overrides win", () => {
    expect(fields[0].config.unit).toBe("Bps");
    expect(fields[1].config.unit).toBe("Bps");
    expect(fields[2].config.unit).toBe("bytes");
  });

  test("byRegexp without slashes must match the whole name", () => {
    expect(fields[0].config.decimals).toBe(1);
  });

  test("byFrameRefID renames by template and colours", () => {
    expect(fields[2].name).toBe("lo in");
    expect(fields[2].config.color).toEqual({ mode: "fixed", fixedColor: "red" });
  });

  test("byType matches only fields of that type", () => {
    expect(resolveConfig(panel, { name: "Time", type: "time" }).config.unit).toBe("dateTimeAsIso");
  });

  test.each([
    [{ reducer: "max", op: "gte", value: 2 }, [1, 2], true],
    [{ reducer: "max", op: "gt", value: 2 }, [1, 2], false],
    [{ reducer: "mean", op: "lt", value: 2 }, [1, 2], true],
    [{ reducer: "lastNotNull", op: "eq", value: 2 }, [2, null], true],
    // Grafana: a boolean reducer matches by itself (the Redis dashboard hides all-zero series).
    [{ reducer: "allIsZero", op: "gte", value: 0 }, [0, 0], true],
    [{ reducer: "allIsZero", op: "gte", value: 0 }, [0, 1], false],
  ])("byValue %p over %p matches: %p", (options, values, hit) => {
    const p: Panel = {
      ...panel,
      fieldConfig: {
        defaults: {},
        overrides: [
          { matcher: { id: "byValue", options }, properties: [{ id: "unit", value: "hit" }] },
        ],
      },
    };
    const ref = { name: "x", type: "number" as const, values };
    expect(resolveConfig(p, ref).config.unit === "hit").toBe(hit);
  });

  test("the defaults are not changed by overrides", () => {
    expect(panel.fieldConfig?.defaults.custom).toEqual({ lineWidth: 1 });
  });
});

describe("templateName()", () => {
  test.each([
    ["${__field.labels.instance}", "host:9100"],
    ["${__series.name} on ${__field.labels.job}", "up on node"],
    ["${__field.labels}", 'instance="host:9100", job="node"'],
    ["${__field.labels.missing}x", "x"],
  ])("%p becomes %p", (template, out) => {
    const ref = {
      name: "up",
      type: "number" as const,
      labels: { instance: "host:9100", job: "node" },
    };
    expect(templateName(template, ref)).toBe(out);
  });
});
