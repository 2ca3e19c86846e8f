/**
 * `outpost up --config.file prometheus.yml`, as a Prometheus user brings their file: Debian's
 * node_exporter is scraped through the file's file_sd job (a path relative to the file), the
 * file's rule_files (relative too) run on the aggregator, and its external labels and its
 * alert_relabel_configs reach the alerts a webhook receives, and those the file's own
 * Alertmanager (Debian's 0.25) receives, but not the stored series, as in Prometheus. A file holding an
 * Outpost section is refused with its line before anything starts.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAlertmanager, startSink } from "../harness/alertmanager.ts";
import { startNodeExporter } from "../harness/exporters.ts";
import { pollValue } from "../harness/poll.ts";
import { killLeftovers, refusedUp, startUp, stopUp, writeIn } from "../harness/up_run.ts";

afterAll(killLeftovers);

const RULES = `groups:
  - name: node
    interval: 1s
    rules:
      - alert: NodeScraped
        expr: up{job="node-exporter"} == 1
        labels: {severity: info}
`;

const PROMETHEUS_YML = `global:
  scrape_interval: 2s
  evaluation_interval: 1s
  external_labels: {monitor: edge}
alerting:
  alert_relabel_configs: [{target_label: relabeled, replacement: "yes"}]
  alertmanagers: [{static_configs: [{targets: ['alertmanager-address']}]}]
rule_files: [rules/*.yml]
scrape_configs:
  - job_name: node-exporter
    file_sd_configs: [{files: [targets/*.json]}]
`;

interface VectorAnswer {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

test("up --config.file scrapes the file's jobs, runs its rules, and adds its external labels to alerts only", async () => {
  const exporter = await startNodeExporter();
  const sink = startSink();
  const alertmanager = await startAlertmanager();
  try {
    const dir = mkdtempSync(join(tmpdir(), "outpost-up-prom-"));
    mkdirSync(join(dir, "targets"));
    mkdirSync(join(dir, "rules"));
    writeIn(
      dir,
      "targets/node.json",
      JSON.stringify([{ targets: [exporter.address], labels: { env: "test" } }]),
    );
    writeIn(dir, "rules/node.yml", RULES);
    const prometheusYml = writeIn(
      dir,
      "prometheus.yml",
      PROMETHEUS_YML.replace("alertmanager-address", alertmanager.url.replace("http://", "")),
    );
    const am = writeIn(
      dir,
      "am.yml",
      `route: {receiver: hook, group_by: [alertname], group_wait: 0s}
receivers: [{name: hook, webhook_configs: [{url: "${sink.url}/hook"}]}]
`,
    );
    const started = await startUp("outpost-up-prom-", [
      "--config.file",
      prometheusYml,
      "--alertmanager-config",
      am,
      "--no-default-rules",
    ]);
    await started.run.waitFor({ output: "Outpost is up" });
    expect(started.run.output()).toContain(
      `config.file    ${prometheusYml} (jobs node-exporter on the agent; rule_files and global on the aggregator; alerts also sent to ${alertmanager.url.replace("http://", "")})`,
    );

    const query = `${started.url}/api/v1/query?query=${encodeURIComponent('up{job="node-exporter"}')}`;
    const answer = await pollValue(
      async () => (await (await fetch(query)).json()) as VectorAnswer,
      (a) => a.data.result.length > 0,
    );
    expect(answer.data.result.map((r) => [r.metric, r.value[1]])).toEqual([
      [{ __name__: "up", env: "test", instance: exporter.address, job: "node-exporter" }, "1"],
    ]);

    const hooks = await pollValue(
      async () => sink.received.filter((r) => r.path === "/hook"),
      (got) => got.length > 0,
    );
    expect(hooks[0]?.body).toMatchObject({
      status: "firing",
      alerts: [
        {
          labels: {
            alertname: "NodeScraped",
            monitor: "edge",
            job: "node-exporter",
            env: "test",
            relabeled: "yes",
          },
        },
      ],
    });
    const atAlertmanager = await pollValue(
      async () =>
        (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as {
          labels: Record<string, string>;
        }[],
      (got) => got.length > 0,
    );
    expect(atAlertmanager.map((a) => a.labels)).toEqual([
      expect.objectContaining({
        alertname: "NodeScraped",
        monitor: "edge",
        env: "test",
        relabeled: "yes",
      }),
    ]);

    // A job added to the file applies on a reload of up's agent, and a changed
    // alert_relabel_configs on the aggregator's, as both apply on Prometheus's reload.
    writeIn(
      dir,
      "prometheus.yml",
      `${PROMETHEUS_YML.replace("alertmanager-address", alertmanager.url.replace("http://", "")).replace('"yes"', '"again"')}  - job_name: again
    static_configs: [{targets: ['${exporter.address}']}]
`,
    );
    const reload = await fetch(`http://127.0.0.1:${started.ports[2]}/-/reload`, { method: "POST" });
    expect([reload.status, await reload.text()]).toEqual([200, ""]);
    const reloaded = await fetch(`${started.url}/-/reload`, { method: "POST" });
    expect([reloaded.status, await reloaded.text()]).toEqual([200, ""]);
    await pollValue(
      async () =>
        (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as {
          labels: Record<string, string>;
        }[],
      (got) => got.some((a) => a.labels.relabeled === "again"),
    );
    const again = `${started.url}/api/v1/query?query=${encodeURIComponent('up{job="again"}')}`;
    await pollValue(
      async () => (await (await fetch(again)).json()) as VectorAnswer,
      (a) => a.data.result.length > 0,
    );
    expect(await stopUp(started)).toEqual({ code: 0, pids: [], ports: [] });
  } finally {
    sink.stop();
    await alertmanager.stop();
    await exporter.stop();
  }
}, 60_000);

test("up --config.file refuses a file with an Outpost section at its line, and starts nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-up-prom-"));
  const file = writeIn(dir, "prometheus.yml", "scrape_configs: []\nspool:\n  dir: /tmp/x\n");
  const started = await startUp("outpost-up-prom-", ["--config.file", file]);
  expect(await refusedUp(started)).toEqual({ code: 2, pids: [], ports: [] });
  expect(started.run.output()).toContain(`${file}:3:3: spool: an Outpost agent section`);
  expect(started.run.output()).not.toContain("Outpost is up");
}, 30_000);
