import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OutpostError } from "../../shared/errors/errors.ts";
import { parseDashboard } from "./model.ts";
import { importDashboard, LOKI_UID, PROMETHEUS_UID, placeholder, shareDashboard } from "./share.ts";

const DS_PROM = placeholder("DS_PROM");
const FIXTURES = join(import.meta.dir, "../../test/fixtures/grafana");
const redisText = readFileSync(join(FIXTURES, "redis-exporter.json"), "utf8");
const MAX = 4 * 1024 * 1024;

const panels = (d: Record<string, unknown>) => (d.panels as unknown[]).length;

describe("importDashboard()", () => {
  test("maps a real export's prometheus input to Outpost's and replaces every placeholder", () => {
    const out = importDashboard(parseDashboard(redisText, "json", MAX), new Map());
    const text = JSON.stringify(out);
    expect(text).not.toContain(DS_PROM);
    const expected = JSON.parse(redisText.replaceAll(DS_PROM, PROMETHEUS_UID));
    delete expected.__inputs;
    delete expected.__requires;
    expect(out).toEqual(expected);
    expect(panels(out)).toBe(13);
  });

  test("takes a caller's value for an input over the built-in one", () => {
    const out = importDashboard(
      parseDashboard(redisText, "json", MAX),
      new Map([["DS_PROM", "mine"]]),
    );
    expect(JSON.stringify(out).match(/"mine"/g)?.length).toBe(redisText.split(DS_PROM).length - 1);
  });

  test.each([
    [
      "an elasticsearch input without a value",
      { __inputs: [{ name: "DS_ES", type: "datasource", pluginId: "elasticsearch" }] },
      new Map<string, string>(),
      'input "DS_ES"',
    ],
    ["a value for an input the dashboard lacks", {}, new Map([["DS_X", "v"]]), 'no input "DS_X"'],
    ["__inputs that is not a list", { __inputs: {} }, new Map<string, string>(), "json.__inputs"],
  ])("refuses %s, naming it", (_, extra, given, named) => {
    const doc = { title: "t", ...extra };
    try {
      importDashboard(doc, given);
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(OutpostError);
      expect((err as OutpostError).code).toBe("bad_data");
      expect((err as Error).message).toContain(named);
    }
  });

  test("keeps placeholders that name no input, such as a datasource variable's", () => {
    const doc = {
      title: "t",
      __inputs: [{ name: "DS_LOKI", type: "datasource", pluginId: "loki" }],
      panels: [
        {
          datasource: { uid: placeholder("DS_LOKI") },
          targets: [{ expr: "rate(x[$__rate_interval])" }],
        },
      ],
      templating: { list: [{ datasource: placeholder("ds_prometheus") }] },
    };
    expect(importDashboard(doc, new Map())).toEqual({
      title: "t",
      panels: [{ datasource: { uid: LOKI_UID }, targets: [{ expr: "rate(x[$__rate_interval])" }] }],
      templating: { list: [{ datasource: placeholder("ds_prometheus") }] },
    });
  });
});

describe("shareDashboard()", () => {
  test("turns Outpost's data sources into inputs, and import turns them back", () => {
    const imported = importDashboard(parseDashboard(redisText, "json", MAX), new Map());
    const shared = shareDashboard(imported);
    expect(JSON.stringify(shared)).not.toContain(PROMETHEUS_UID);
    expect((shared.__inputs as { name: string }[]).map((i) => i.name)).toEqual(["DS_PROMETHEUS"]);
    expect(importDashboard(shared, new Map())).toEqual(imported);
  });
});

describe("parseDashboard()", () => {
  test.each([
    ["{", "json", "not JSON"],
    ["[]", "json", "not a JSON object"],
    ['{"title": ""}', "json.title", "needs a title"],
    ['{"title": "t", "uid": "a b"}', "json.uid", "not 1 to 40"],
    [`{"title": "t", "uid": "${"a".repeat(41)}"}`, "json.uid", "not 1 to 40"],
    ['{"title": "t", "tags": [1]}', "json.tags", "not a list of strings"],
    ['{"title": "t", "version": "3"}', "json.version", "not an integer"],
    [`{"title": "${"x".repeat(100)}"}`, "json", "more than the 64 allowed"],
  ])("refuses %s in %s", (text, field, why) => {
    expect(() => parseDashboard(text, "json", text.length > 90 ? 64 : 1024)).toThrow(
      `Cannot accept ${field}: `,
    );
    expect(() => parseDashboard(text, "json", text.length > 90 ? 64 : 1024)).toThrow(why);
  });
});
