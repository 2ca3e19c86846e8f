/**
 * What `outpost up --config.file prometheus.yml` reads, counted with strace on the real `up`:
 * each rule file once at start (checked before anything starts, a bad one refused, then run as
 * checked).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { portsInUse, processesMentioning } from "../harness/interrupt.ts";
import { opensOf, traceOpens } from "../harness/opens.ts";
import { killLeftovers, startUp, stopUp, writeIn } from "../harness/up_run.ts";

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
  const code = await started.run.exited(20_000);
  expect(started.run.output()).toBe(
    `${bad}:5:15: group "quiet", rule 1, "job:up:count": could not parse expression: 1:9: parse error: unclosed left parenthesis\n`,
  );
  expect({
    code,
    pids: processesMentioning(started.data),
    ports: await portsInUse(started.ports),
  }).toEqual({ code: 2, pids: [], ports: [] });
}, 30_000);
