/**
 * What `outpost up --config.file prometheus.yml` reads, counted with strace on the real `up`:
 * each rule file once at start (checked before anything starts, a bad one refused, then run as
 * checked), and prometheus.yml once per SIGHUP, though both up's agent (its jobs) and its
 * aggregator (its `alerting` section) reload from it; a bad edit is logged once and changes
 * neither side.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { opensOf, traceOpens } from "../harness/opens.ts";
import { killLeftovers, refusedUp, startUp, stopUp, writeIn } from "../harness/up_run.ts";

afterAll(killLeftovers);

const RULES = `groups:
  - name: quiet
    rules:
      - record: job:up:count
        expr: count(up)
`;

const PROMETHEUS_YML = `global: {scrape_interval: 15s}
alerting:
  alert_relabel_configs: [{target_label: relabeled, replacement: "yes"}]
rule_files: [rules/*.yml]
scrape_configs:
  - job_name: one
    static_configs: [{targets: ['127.0.0.1:9']}]
`;

test("up reads each rule file once at start", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-up-reload-"));
  mkdirSync(join(dir, "rules"));
  const fromFile = writeIn(dir, "rules/file.yml", RULES);
  const fromFlag = writeIn(dir, "flag.yml", RULES.replace("quiet", "flagged"));
  const prometheusYml = writeIn(dir, "prometheus.yml", PROMETHEUS_YML);
  const trace = join(dir, "opens");
  const started = await startUp(
    "outpost-up-reload-",
    ["--config.file", prometheusYml, "--rules", fromFlag, "--no-default-rules"],
    { wrap: traceOpens(trace) },
  );
  await started.run.waitFor({ output: "Outpost is up" });
  expect([opensOf(trace, fromFile), opensOf(trace, fromFlag)]).toEqual([1, 1]);
  expect(await stopUp(started)).toEqual({ code: 0, pids: [], ports: [] });
}, 60_000);

test("up refuses a bad rule file of the prometheus.yml at its line before anything starts", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-up-reload-"));
  mkdirSync(join(dir, "rules"));
  const bad = writeIn(dir, "rules/file.yml", RULES.replace("count(up)", "count(up"));
  const prometheusYml = writeIn(dir, "prometheus.yml", PROMETHEUS_YML);
  const started = await startUp("outpost-up-reload-", ["--config.file", prometheusYml]);
  expect(await refusedUp(started)).toEqual({ code: 2, pids: [], ports: [] });
  expect(started.run.output()).toBe(
    `${bad}:5:15: group "quiet", rule 1, "job:up:count": could not parse expression: 1:9: parse error: unclosed left parenthesis\n`,
  );
}, 30_000);

test("one SIGHUP reads prometheus.yml once for the agent and the aggregator, and logs a bad edit once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-up-reload-"));
  mkdirSync(join(dir, "rules"));
  writeIn(dir, "rules/file.yml", RULES);
  const prometheusYml = writeIn(dir, "prometheus.yml", PROMETHEUS_YML);
  const trace = join(dir, "opens");
  const started = await startUp(
    "outpost-up-reload-",
    ["--config.file", prometheusYml, "--no-default-rules"],
    { wrap: traceOpens(trace) },
  );
  const { run } = started;
  await run.waitFor({ output: "Outpost is up" });
  // The aggregator's reload of a SIGHUP ends with its rules: the n-th of these says it is done.
  const rulesReloaded = "action=rules.reload outcome=ok actor=SIGHUP";
  const hangup = async (n: number, agentCue: string) => {
    const before = opensOf(trace, prometheusYml);
    run.signal("SIGHUP", "group");
    await run.waitFor({ output: agentCue });
    for (;;) {
      if (run.output().split(rulesReloaded).length > n) break;
      await run.waitFor({ afterMs: 20 });
    }
    return opensOf(trace, prometheusYml) - before;
  };

  writeIn(dir, "prometheus.yml", PROMETHEUS_YML.replace("15s", "soon"));
  expect(await hangup(1, "Cannot reload the config")).toBe(1);
  const problem = `${prometheusYml}:1:`;
  expect(run.output().split(problem).length - 1).toBe(1);
  expect(run.output()).not.toContain("Alertmanagers and alert relabeling reloaded");

  writeIn(
    dir,
    "prometheus.yml",
    `${PROMETHEUS_YML.replace('"yes"', '"again"')}  - job_name: two
    static_configs: [{targets: ['127.0.0.1:9']}]
`,
  );
  // Job "one" kept as it ran through the bad edit: only "two" is new.
  const applied = 'msg="Config reloaded" source=SIGHUP jobs=4 jobs_added=1 jobs_changed=0';
  expect(await hangup(2, applied)).toBe(1);
  expect(run.output()).toContain("Alertmanagers and alert relabeling reloaded");
  expect(await stopUp(started)).toEqual({ code: 0, pids: [], ports: [] });
}, 60_000);
