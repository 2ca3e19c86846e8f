import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { ConfigError, formatPath } from "./errors.ts";
import { duration, labelSet } from "./fields.ts";
import { loadYamlConfig, parseYamlConfig } from "./load.ts";

const schema = z
  .object({
    name: z.string().default("x"),
    interval: duration().prefault("1m"),
    mode: z.enum(["fast", "slow"]).default("fast"),
    count: z.number().int().min(1).default(1),
    labels: labelSet().default({}),
    url: z.union([z.string(), z.array(z.string())]).optional(),
    jobs: z.array(z.object({ job: z.string(), every: duration().optional() }).strict()).default([]),
  })
  .strict();

/** Parses `text` and returns the problems as `line:column path: reason` strings. */
function problems(text: string): string[] {
  try {
    parseYamlConfig(text, "test.yaml", schema);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map(
      (p) => `${p.line}:${p.column} ${p.path}: ${p.reason}`,
    );
  }
  throw new Error("expected the config to be refused");
}

describe("parseYamlConfig()", () => {
  test("applies schema defaults to an empty document", () => {
    expect(parseYamlConfig("", "test.yaml", schema)).toEqual({
      name: "x",
      interval: 60_000,
      mode: "fast",
      count: 1,
      labels: {},
      jobs: [],
    });
  });

  test("follows anchors, aliases and merge keys", () => {
    const text = "jobs:\n  - &a {job: one, every: 5s}\n  - <<: *a\n    job: two\n";
    expect(parseYamlConfig(text, "t.yaml", schema).jobs).toEqual([
      { job: "one", every: 5000 },
      { job: "two", every: 5000 },
    ]);
  });

  test.each([
    ["an unknown field at its key", "name: a\nnmae: b\n", ['2:1 nmae: unknown field "nmae"']],
    [
      "an unknown field in a list item",
      "jobs:\n  - job: a\n    evry: 5s\n",
      ['3:5 jobs[0].evry: unknown field "evry"'],
    ],
    [
      "a missing field at the map that lacks it",
      "jobs:\n  - job: a\n  - every: 5s\n",
      ['3:5 jobs[1]: missing required field "job"'],
    ],
    ["a wrong type at the value", "name:\n  - a\n", ["2:3 name: expected string, got list"]],
    ["a null list item as null", "jobs:\n  - ~\n", ["2:5 jobs[0]: expected map, got null"]],
    [
      "a bad duration with the parser's reason",
      "interval: 15\n",
      ['1:11 interval: Cannot parse duration "15": missing unit'],
    ],
    [
      "a value outside an enum",
      "mode: medium\n",
      ['1:7 mode: expected one of "fast", "slow", got string "medium"'],
    ],
    ["a fractional integer", "count: 1.5\n", ["1:8 count: expected an integer, got number 1.5"]],
    ["a number below the minimum", "count: 0\n", ["1:8 count: must be at least 1"]],
    ["a union type mismatch", "url: 5\n", ["1:6 url: expected string or list, got number 5"]],
    [
      "a bad item inside a union's list branch",
      "url: [a, 5]\n",
      ["1:10 url[1]: expected string, got number 5"],
    ],
    [
      "an invalid label name at its key",
      'labels:\n  ok: 1\n  "": x\n',
      ['3:3 labels[""]: invalid key "": label names must be non-empty UTF-8 text'],
    ],
    ["a document that is not a map", "- a\n- b\n", ["1:1 : expected map, got list"]],
    [
      "a duplicate key at the second one",
      "name: a\nmode: fast\nname: b\n",
      ['3:1 : duplicate key "name"'],
    ],
    ["an unknown alias", "name: *nope\n", ['1:7 : unknown alias "*nope"']],
  ])("reports %s", (_, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  test("takes a field whose value is null as not given, as Go's decoder does", () => {
    const config = parseYamlConfig("name:\ninterval: ~\nlabels:\n  a:\n", "test.yaml", schema);
    expect([config.name, config.interval, config.labels]).toEqual(["x", 60_000, {}]);
  });

  test("reads the first document only, as Go's decoder does", () => {
    expect(parseYamlConfig("name: a\n---\nname: [b]\n", "test.yaml", schema).name).toBe("a");
  });

  test("reports every problem, ordered by line", () => {
    expect(problems("count: 0\nname: 1\nbogus: true\n")).toEqual([
      "1:8 count: must be at least 1",
      "2:7 name: expected string, got number 1",
      '3:1 bogus: unknown field "bogus"',
    ]);
  });

  test("reports YAML syntax errors with their line, once per line", () => {
    const found = problems("name: a\njobs: [a, b\nmode: fast\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toStartWith("3:1 : Cannot parse YAML:");
  });

  test("formats the message one problem per line as file:line:column: path: reason", () => {
    try {
      parseYamlConfig("jobs:\n  - job: a\n    every: 15\n", "agent.yaml", schema);
      throw new Error("unreachable");
    } catch (error) {
      expect((error as Error).message).toBe(
        'agent.yaml:3:12: jobs[0].every: Cannot parse duration "15": missing unit',
      );
    }
  });
});

describe("loadYamlConfig()", () => {
  test("turns a missing file into a ConfigError naming the file", async () => {
    const path = "/nonexistent/outpost.yaml";
    await expect(loadYamlConfig(path, schema)).rejects.toThrow(
      `${path}: Cannot read config file: no such file`,
    );
  });
});

describe("formatPath()", () => {
  test.each([
    [[], ""],
    [["a", "b"], "a.b"],
    [["jobs", 0, "job"], "jobs[0].job"],
    [["labels", "a.b"], 'labels["a.b"]'],
  ] as [PropertyKey[], string][])("formats %p as %p", (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
