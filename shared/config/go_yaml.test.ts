import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { goYamlBool, goYamlInt, goYamlScalars } from "./go_yaml.ts";
import { parseYamlConfig } from "./load.ts";

describe("goYamlBool()", () => {
  // As promtool 2.42 reads `honor_labels:`; it refuses the spellings mapped to undefined.
  const cases: [string, boolean | undefined][] = [
    ["yes", true],
    ["Yes", true],
    ["YES", true],
    ["on", true],
    ["ON", true],
    ["y", true],
    ["Y", true],
    ["True", true],
    ["off", false],
    ["no", false],
    ["NO", false],
    ["n", false],
    ["N", false],
    ["FALSE", false],
    ["yEs", undefined],
    ["tRue", undefined],
    ["1", undefined],
    ["toString", undefined],
  ];
  test.each(cases)("reads %p as %p", (text, want) => expect(goYamlBool(text)).toBe(want));
});

describe("goYamlInt()", () => {
  // [text, what Go's YAML decoder stores in an int field, null when it refuses]
  const cases: [string, number | null][] = [
    ["10", 10],
    ["-5", -5],
    ["1_000", 1000],
    ["0b11", 3],
    ["0o17", 15],
    ["0x1F", 31],
    ["010", 8],
    ["08", 8],
    ["1.5", 1],
    ["1e3", 1000],
    ["_1", null],
    ["abc", null],
    ["99999999999999999999", null],
  ];
  for (const [text, want] of cases)
    test(`reads ${text} as ${want}`, () => expect(goYamlInt(text)).toBe(want));
});

describe("goYamlScalars()", () => {
  const schema = z
    .object({
      job: z
        .object({
          name: z.string(),
          on: z.boolean().default(false),
          limit: z.number().int().optional(),
          labels: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
          items: z.array(z.string()).optional(),
        })
        .strict()
        .optional(),
      own: z.unknown().optional(),
    })
    .strict();
  const read = (text: string, sections?: string[]) =>
    parseYamlConfig(text, "t.yml", schema, { prepare: goYamlScalars(schema, sections) });

  test("reads each plain scalar by the field it lands in", () => {
    const got = read(
      "job: {name: 010, on: yes, limit: 0x10, labels: {010: 1.50, b: ~}, items: [true, 1e3]}\n",
    );
    expect(got.job).toEqual({
      name: "010",
      on: true,
      limit: 16,
      labels: { "010": "1.50" },
      items: ["true", "1e3"],
    });
  });

  test("leaves quoted scalars as strings, for the schema to refuse in a bool field", () => {
    expect(() => read('job: {name: a, on: "yes"}\n')).toThrow('expected boolean, got string "yes"');
    expect(() => read("job: {name: a, on: yEs}\n")).toThrow("expected boolean");
    expect(read("job: {name: '010', on: Off}\n").job).toMatchObject({ name: "010", on: false });
  });

  test("reads merged maps as the map they are merged into", () => {
    const got = read("own: &b {on: y, limit: 010}\njob: {<<: *b, name: x}\n", ["job"]);
    expect(got.job).toMatchObject({ name: "x", on: true, limit: 8 });
    const list = read("own: [&a {on: y}, &b {limit: 010}]\njob: {<<: [*a, *b], name: x}\n", [
      "job",
    ]);
    expect(list.job).toMatchObject({ name: "x", on: true, limit: 8 });
  });

  test("touches only the sections named", () => {
    expect(() => read("job: {name: 010}\n", ["own"])).toThrow("expected string");
  });
});
