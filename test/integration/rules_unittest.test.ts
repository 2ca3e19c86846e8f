/**
 * `outpost rules test` beside `promtool test rules` (Debian's promtool, Prometheus 2.42) on
 * every rule test fixture in aggregator/rules/unittest/testdata: both must pass or fail each
 * file; for a failing file, both must name the same alerts and expressions at the same times.
 * A fixture whose first line says `# promtool 2.42: skip` uses what 2.42 lacks, or what it
 * does nondeterministically, and runs on Outpost only. The default rule pack's tests run under both as well.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { runOutpost } from "../harness/outpost_cli.ts";
import { promtool, promtoolBinary } from "../harness/promtool.ts";

const root = resolve(import.meta.dir, "../..");
const testdata = join(root, "aggregator/rules/unittest/testdata");
const fixtures = readdirSync(testdata)
  .filter((f) => f.endsWith(".test.yml"))
  .sort()
  .map((f) => join(testdata, f));
const pack = join(root, "aggregator/rules/pack/outpost-default.test.yml");
const packRules = join(root, "aggregator/rules/pack/outpost-default.rules.yml");

interface Run {
  passed: boolean;
  output: string;
}

async function outpostTest(file: string): Promise<Run> {
  const run = await runOutpost(["rules", "test", file], dirname(file));
  expect([0, 1]).toContain(run.exitCode);
  return { passed: run.exitCode === 0, output: run.stdout + run.stderr };
}

async function promtoolTest(file: string): Promise<Run> {
  const run = await promtool(["test", "rules", file]);
  expect([0, 1]).toContain(run.exitCode);
  return { passed: run.exitCode === 0, output: run.stdout + run.stderr };
}

/**
 * What a failure output names: `alertname: X, time: T`, `expr: "E", time: T` and, for a rule
 * that failed to evaluate, `rule: X, time: T`, sorted.
 */
function mentions(output: string): string[] {
  const found = output.match(
    /(?:alertname: [^,]+|rule: [^,]+|expr: "(?:[^"\\]|\\.)*"), time: [0-9a-z]+/g,
  );
  return (found ?? []).sort();
}

const skipped = (file: string) => readFileSync(file, "utf8").startsWith("# promtool 2.42: skip");

describe.skipIf(promtoolBinary() === null)("outpost rules test beside promtool test rules", () => {
  test("the fixtures are enough to compare", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of [...fixtures, pack].filter((f) => existsSync(f))) {
    const name = file.slice(root.length + 1);
    test.skipIf(skipped(file))(
      `${name}: both tools give the same verdict`,
      async () => {
        const [mine, theirs] = await Promise.all([outpostTest(file), promtoolTest(file)]);
        expect({ passed: mine.passed, output: mine.output }).toEqual({
          passed: theirs.passed,
          output: mine.output,
        });
        if (!theirs.passed) expect(mentions(mine.output)).toEqual(mentions(theirs.output));
      },
      30_000,
    );
  }

  test("the default pack passes promtool check rules and outpost check", async () => {
    const theirs = await promtool(["check", "rules", packRules]);
    expect(theirs.stdout).toContain("SUCCESS: 13 rules found");
    const proc = Bun.spawn(["bun", join(root, "cli/outpost.ts"), "check", packRules], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: theirs.stdout });
  }, 30_000);
});
