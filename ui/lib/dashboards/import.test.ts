import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { importRequest, readImport } from "./import.ts";
import { findJsonError } from "./json_error.ts";

const NODE = readFileSync("/work/shared/ecosystem/grafana/node-exporter-full.json", "utf8");
const REDIS = readFileSync(
  "/work/shared/ecosystem/mixins/redis/grafana_prometheus_redis_dashboard.json",
  "utf8",
);

test("readImport() shows Node Exporter Full's title, uid and panels, with no inputs", () => {
  const p = readImport(NODE);
  if ("error" in p) throw new Error(p.error);
  expect(p).toMatchObject({ title: "Node Exporter Full", uid: "rYdddlPWk", inputs: [] });
  // 31 top-level panels of which 13 are rows; collapsed rows hold the rest.
  expect(p.panels).toBeGreaterThan(100);
  expect(p.text).toBe(NODE);
});

test("a Prometheus data source input is shown as mapped to Outpost's", () => {
  const p = readImport(REDIS);
  if ("error" in p) throw new Error(p.error);
  expect(p.inputs).toEqual([
    expect.objectContaining({
      name: "DS_PROM",
      type: "datasource",
      mappedTo: "outpost-prometheus",
    }),
  ]);
});

test.each([
  ["", "Cannot import: the text is empty"],
  ["[1]", "Cannot import: the JSON is not an object (a dashboard is one)"],
  ['{"panels": []}', "Cannot import: the dashboard has no title (its title field)"],
  ['{"title": "x", "__inputs": {}}', "Cannot import: __inputs is not a list"],
  ['{"title": "x", "__inputs": [{"type": "constant"}]}', "Cannot import: __inputs[0] has no name"],
  [
    '{\n  "title": "x",\n  "panels": [1 2]\n}',
    'Cannot import: the JSON is invalid at line 3, column 16: expected "," or "]", found "2"',
  ],
])("readImport(%j) is refused: %s", (text, error) => {
  expect(readImport(text)).toEqual({ error });
});

test.each([
  ['{"a": 1,}', 1, 9, 'expected a property name in double quotes, found "}"'],
  ["{'a': 1}", 1, 2, 'expected a property name in double quotes, found "\'"'],
  ['{"a": tru}', 1, 7, 'expected a value, found "t"'],
  [
    '{"a": "x\n"}',
    1,
    9,
    'expected a closed string (control characters must be escaped), found "\\n"',
  ],
  ['{"a": 1', 1, 8, 'expected "," or "}", found the end of the text'],
  ['{"a": "\\q"}', 1, 9, 'expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u), found "q"'],
  ["{}\n\n  x", 3, 3, 'expected the end of the text, found "x"'],
])("findJsonError(%j) is at line %d, column %d", (text, line, column, message) => {
  expect(() => JSON.parse(text)).toThrow();
  expect(findJsonError(text)).toMatchObject({ line, column, message });
});

test("findJsonError() accepts what JSON.parse accepts", () => {
  for (const t of [NODE, REDIS, '"x"', "-1.5e+3", ' [ {"a":[null,true,false,"\\u00e9"]} ] '])
    expect(findJsonError(t)).toBeUndefined();
});

test("Grafana's API answer is unwrapped to its dashboard", () => {
  const p = readImport(
    JSON.stringify({ meta: { slug: "x" }, dashboard: { title: "T", uid: "u" } }),
  );
  if ("error" in p) throw new Error(p.error);
  expect([p.title, p.uid, p.note !== undefined]).toEqual(["T", "u", true]);
});

test("importRequest() sends the text as given unless the title or uid changed", () => {
  const p = readImport(REDIS);
  if ("error" in p) throw new Error(p.error);
  const same = { title: p.title, uid: p.uid, constants: {}, folderUid: "f", overwrite: false };
  expect(importRequest(p, same)).toEqual({
    json: REDIS,
    inputs: [],
    folderUid: "f",
    overwrite: false,
    message: "Imported",
  });
  const copy = importRequest(p, { ...same, title: "Copy", uid: "" });
  const model = JSON.parse(copy.json);
  expect([model.title, "uid" in model, model.panels.length]).toEqual(["Copy", false, 13]);
});

test("constant inputs are sent with the value chosen, else their default", () => {
  const text = JSON.stringify({
    title: "c",
    __inputs: [
      { name: "VAR_JOB", type: "constant", value: "node" },
      { name: "VAR_ENV", type: "constant", value: "prod" },
      { name: "DS_P", type: "datasource", pluginId: "prometheus" },
    ],
  });
  const p = readImport(text);
  if ("error" in p) throw new Error(p.error);
  const r = importRequest(p, {
    title: "c",
    uid: "",
    constants: { VAR_ENV: "dev" },
    folderUid: "",
    overwrite: true,
  });
  expect(r.inputs).toEqual([
    { name: "VAR_JOB", value: "node" },
    { name: "VAR_ENV", value: "dev" },
  ]);
});
