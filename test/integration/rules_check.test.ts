/**
 * `outpost check` against `promtool check rules` (Debian's promtool, Prometheus 2.42) on every
 * rule fixture and every upstream rule file kept in test/fixtures/rules: both must accept or
 * refuse each file, and count the same rules in the accepted ones. A fixture whose first
 * line says `# differs from promtool 2.42:` uses what Prometheus 3 added (and Outpost
 * follows): promtool 2.42 must refuse it and Outpost accept it.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { runOutpost } from "../harness/outpost_cli.ts";
import { promtool, promtoolBinary } from "../harness/promtool.ts";

const root = resolve(import.meta.dir, "../..");
const testdata = join(root, "aggregator/rules/testdata");
const upstream = join(root, "test/fixtures/rules");

const fixtures = readdirSync(testdata)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => join(testdata, f));
const upstreamFiles = readdirSync(upstream, { recursive: true, encoding: "utf8" })
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => join(upstream, f));

interface Verdict {
  accepted: boolean;
  /** Rules counted in `SUCCESS: N rules found`; null when refused. */
  rules: number | null;
  output: string;
}

function verdict(exitCode: number, stdout: string, stderr: string): Verdict {
  const count = /SUCCESS: (\d+) rules found/.exec(stdout);
  return {
    accepted: exitCode === 0,
    rules: count ? Number(count[1]) : null,
    output: stdout + stderr,
  };
}

async function outpostCheck(file: string): Promise<Verdict> {
  const run = await runOutpost(["check", "--rules", file]);
  return verdict(run.exitCode, run.stdout, run.stderr);
}

async function promtoolCheck(file: string): Promise<Verdict> {
  const run = await promtool(["check", "rules", file]);
  return verdict(run.exitCode, run.stdout, run.stderr);
}

async function differsFromPromtool(file: string): Promise<boolean> {
  return (await Bun.file(file).text()).startsWith("# differs from promtool 2.42:");
}

describe.skipIf(promtoolBinary() === null)("outpost check and promtool check rules", () => {
  test("have fixtures and upstream files to compare", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    expect(upstreamFiles.length).toBe(11);
  });

  test.each([...fixtures, ...upstreamFiles].map((f) => [relative(root, f), f]))(
    "agree on %s",
    async (_, file) => {
      const [ours, theirs] = await Promise.all([outpostCheck(file), promtoolCheck(file)]);
      if (await differsFromPromtool(file)) {
        expect({ ours: ours.accepted, promtool: theirs.accepted }).toEqual({
          ours: true,
          promtool: false,
        });
        return;
      }
      expect({ accepted: ours.accepted, output: ours.output }).toMatchObject({
        accepted: theirs.accepted,
      });
      expect(ours.rules).toBe(theirs.rules);
      if (!ours.accepted) expect(ours.output).toContain(`${file}:`);
    },
  );
});

test("outpost check tells a rule file by its groups and a config by its sections", () => {
  const r = Bun.spawnSync([
    "bun",
    join(root, "cli/outpost.ts"),
    "check",
    join(testdata, "recording.good.yaml"),
    join(root, "agent/config/testdata/prometheus.good.yaml"),
  ]);
  expect(r.exitCode).toBe(0);
  expect(r.stdout.toString()).toContain("recording.good.yaml\n  SUCCESS: 2 rules found");
  expect(r.stdout.toString()).toContain("prometheus.good.yaml: ok");
});

describe.skipIf(promtoolBinary() === null)("outpost check lints as promtool check rules", () => {
  const file = join(root, "test/fixtures/lint/duplicates.yml");
  for (const args of [[], ["--lint-fatal"], ["--lint=none"], ["--lint=all", "--lint-fatal"]]) {
    test(`the same streams and exit code with [${args.join(" ")}]`, async () => {
      const [ours, theirs] = await Promise.all([
        runOutpost(["check", ...args, file]),
        promtool(["check", "rules", ...args, file]),
      ]);
      expect(ours).toEqual({
        exitCode: theirs.exitCode,
        stdout: theirs.stdout,
        stderr: theirs.stderr,
      });
    });
  }
});

describe("rule_files globs read as Prometheus 2.42 reads them", () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-rule-globs-"));
  mkdirSync(join(dir, "rules/sub"), { recursive: true });
  for (const f of ["rules/a.yml", "rules/sub/b.yml", "rules/{x}.yml"])
    writeFileSync(join(dir, f), "groups: []\n");
  test.each([
    ["a folder the glob matches (unreadable)", ["rules/*"]],
    ["** before the last segment (invalid path)", ["rules/**/*.yml"]],
    ["a * before the last segment (invalid path)", ["rules/*/b.yml"]],
    ["braces as text, no such file", ["rules/{a,b}.yml"]],
    ["braces as text, a file of that name", ["rules/{x}.yml"]],
    ["a malformed class", ["rules/[a.yml"]],
    ["one * per segment, several in the last", ["rules/a*.y*"]],
  ])("outpost check and promtool check config agree on %s", async (_what, globs) => {
    const file = join(dir, `${globs[0]!.replace(/\W/g, "_")}.yml`);
    writeFileSync(file, `rule_files: ${JSON.stringify(globs)}\n`);
    const ours = await runOutpost(["check", file]);
    const theirs = await promtool(["check", "config", file]);
    expect([ours.exitCode === 0, ours.stdout.match(/SUCCESS: \d+ rules found/g)]).toEqual([
      theirs.exitCode === 0,
      theirs.stdout.match(/SUCCESS: \d+ rules found/g),
    ]);
  });
});
