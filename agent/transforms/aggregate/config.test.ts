import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError, formatProblem } from "../../../shared/config/errors.ts";
import { parseYamlConfig } from "../../../shared/config/load.ts";
import { aggregateRuleSchema, aggregateRulesSchema } from "./config.ts";

const TESTDATA = join(import.meta.dir, "../../config/testdata");
const fixtures = readdirSync(TESTDATA).filter((f) => f.startsWith("aggregate-"));

/** The agent config's `aggregate` key alone, as the agent schema mounts it. */
const section = z.object({ aggregate: aggregateRulesSchema }).strict();

describe("aggregateRuleSchema", () => {
  test("fills in the defaults", () => {
    expect(aggregateRuleSchema.parse({ match: "up", by: ["job"], op: "sum" })).toEqual({
      match: "up",
      by: ["job"],
      op: "sum",
      interval: 60_000,
      keep_input: false,
    });
  });

  test("reads intervals as Prometheus durations", () => {
    const rule = aggregateRuleSchema.parse({
      match: "up",
      without: [],
      op: "max",
      interval: "1m30s",
    });
    expect(rule.interval).toBe(90_000);
  });

  test("accepts keep_input with sum when the outputs get their own name", () => {
    const rule = { match: "up", by: [], op: "sum", keep_input: true, output_name: "up:sum" };
    expect(aggregateRuleSchema.safeParse(rule).success).toBe(true);
  });
});

describe("aggregate config fixtures", () => {
  test("there are good and bad fixtures to run", () => {
    expect(fixtures.filter((f) => f.endsWith(".good.yaml")).length).toBeGreaterThanOrEqual(2);
    expect(fixtures.filter((f) => f.endsWith(".bad.yaml")).length).toBeGreaterThanOrEqual(8);
  });

  test.each(fixtures.filter((f) => f.endsWith(".good.yaml")))("%s validates", async (file) => {
    const text = await Bun.file(join(TESTDATA, file)).text();
    expect(() => parseYamlConfig(text, file, section)).not.toThrow();
  });

  test.each(fixtures.filter((f) => f.endsWith(".bad.yaml")))(
    "%s is refused with the message and line its first line expects",
    async (file) => {
      const text = await Bun.file(join(TESTDATA, file)).text();
      const [, line, fragment] = /^# expect: (\d+): (.+)$/.exec(text.split("\n", 1)[0])!;
      let error: unknown;
      try {
        parseYamlConfig(text, file, section);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems.map(formatProblem)).toEqual([expect.stringContaining(fragment)]);
      expect(problems[0].line).toBe(Number(line));
    },
  );
});
