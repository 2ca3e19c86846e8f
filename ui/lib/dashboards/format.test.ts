/**
 * The display processor against what Grafana shows: thresholds pick the last step reached
 * (percentage steps between min and max), mappings win over units and thresholds and apply in
 * order, null shows `noValue`, colour modes as Grafana's `getFieldColorModeForField`.
 */
import { describe, expect, test } from "bun:test";
import { cssColor, interpolate, paletteColor, textOn } from "./colors.ts";
import { activeThreshold, displayText, displayValue, mapValue } from "./format.ts";
import type { FieldConfig, ValueMapping } from "./types.ts";

const steps = {
  mode: "absolute",
  steps: [
    { value: null, color: "green" },
    { value: 70, color: "orange" },
    { value: 90, color: "red" },
  ],
};

describe("activeThreshold()", () => {
  test.each([
    [-5, "green"],
    [69.9, "green"],
    [70, "orange"],
    [95, "red"],
  ])("absolute: %p is %p", (v, color) => {
    expect(activeThreshold(v, steps, { min: 0, max: 100 }).color).toBe(color);
  });

  test.each([
    [5, "green"],
    [7, "orange"],
    [10, "red"],
  ])("percentage of 0–10: %p is %p", (v, color) => {
    const pct = { ...steps, mode: "percentage" };
    expect(activeThreshold(v, pct, { min: 0, max: 10 }).color).toBe(color);
  });

  test("no thresholds are Grafana's default: green, red from 80", () => {
    expect(activeThreshold(81, undefined, { min: 0, max: 100 }).color).toBe("red");
  });
});

const mappings: ValueMapping[] = [
  {
    type: "value",
    options: { "1": { text: "Up", color: "green" }, "0": { text: "Down", color: "red" } },
  },
  { type: "range", options: { from: 100, to: 200, result: { text: "High", color: "orange" } } },
  { type: "regex", options: { pattern: "/^v(\\d+)$/", result: { text: "version $1" } } },
  { type: "special", options: { match: "null", result: { text: "N/A", color: "blue" } } },
  { type: "special", options: { match: "nan", result: { text: "not a number" } } },
];

describe("mapValue()", () => {
  test.each([
    [1, "Up"],
    [0, "Down"],
    [150, "High"],
    [200, "High"],
    [201, undefined],
    ["v12", "version 12"],
    [null, "N/A"],
    [Number.NaN, "not a number"],
  ] as const)("maps %p to %p", (v, text) => {
    expect(mapValue(mappings, v)?.text).toBe(text);
  });

  test("reads legacy type-1 mappings", () => {
    const legacy = [{ type: 1, value: "2", text: "Two" }] as unknown as ValueMapping[];
    expect(mapValue(legacy, 2)?.text).toBe("Two");
  });
});

describe("displayValue()", () => {
  const config: FieldConfig = { unit: "percent", thresholds: steps, mappings };

  test("a mapping's text and colour win over unit and thresholds", () => {
    const v = displayValue(1, config);
    expect(displayText(v)).toBe("Up");
    expect(v.color).toBe(cssColor("green"));
  });

  test("an unmapped value has its unit and threshold colour", () => {
    const v = displayValue(95.25, config);
    expect(displayText(v)).toBe("95.3%");
    expect(v.color).toBe(cssColor("red"));
  });

  test("null shows noValue", () => {
    expect(displayValue(null, { noValue: "nothing" }).text).toBe("nothing");
  });

  test("decimals from the config override auto", () => {
    expect(displayText(displayValue(2, { unit: "s", decimals: 2 }))).toBe("2.00 s");
  });

  test("fixed colour mode uses the named colour", () => {
    const v = displayValue(5, { color: { mode: "fixed", fixedColor: "semi-dark-purple" } });
    expect(v.color).toBe("#A352CC");
  });

  test("palette-classic colours by series index", () => {
    const v = displayValue(5, { color: { mode: "palette-classic" } }, { index: 1 });
    expect(v.color).toBe(paletteColor(1));
    expect(paletteColor(0)).toBe("#73BF69");
  });

  test("continuous-GrYlRd runs from green at min to red at max", () => {
    const c = { color: { mode: "continuous-GrYlRd" }, min: 0, max: 10 };
    expect(displayValue(0, c).color).toBe(interpolate(["green", "yellow", "red"], 0));
    expect(displayValue(10, c).color).toBe("rgb(242, 73, 92)");
  });

  test("percent places the value between min and max", () => {
    expect(displayValue(25, { min: 0, max: 50 }).percent).toBe(0.5);
  });
});

describe("textOn()", () => {
  test.each([
    ["red", "#fff"],
    ["blue", "#fff"],
    ["green", "#111"],
    ["orange", "#111"],
    ["dark-green", "#fff"],
  ])("text on %p is %p", (bg, fg) => {
    expect(textOn(bg)).toBe(fg);
  });
});

describe("the light theme", () => {
  test("names resolve one shade darker, as Grafana's getLightHues", () => {
    expect(cssColor("green", undefined, false)).toBe("#56A64B");
    expect(
      displayValue(1, { color: { mode: "fixed", fixedColor: "red" } }, { dark: false }).color,
    ).toBe("#E02F44");
    expect(paletteColor(0, false)).toBe("#56A64B");
  });
});
