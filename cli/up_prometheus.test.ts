import { describe, expect, test } from "bun:test";
import { ConfigError } from "../shared/config/errors.ts";
import { upAggregatorConfig } from "./up_config.ts";
import { parseUpPrometheusFile } from "./up_prometheus.ts";

/** A prometheus.yml shaped as Debian's stock one: global, alerting, an empty rule_files, two jobs. */
const STOCK = `global:
  scrape_interval: 15s
  evaluation_interval: 30s
  external_labels:
    monitor: example
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['localhost:9093']
rule_files:
  # - "first.rules"
scrape_configs:
  - job_name: prometheus
    scrape_interval: 5s
    scrape_timeout: 5s
    static_configs:
      - targets: ['localhost:9090']
  - job_name: node
    honor_labels: yes
    static_configs:
      - targets: ['localhost:9100']
`;

/** The problems of a file that does not load, as `file:line: path: reason`. */
function problems(text: string): string[] {
  try {
    parseUpPrometheusFile(text, "/etc/prometheus/prometheus.yml");
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.line}: ${p.path}: ${p.reason}`);
  }
  throw new Error("the file loaded");
}

describe("parseUpPrometheusFile()", () => {
  test("takes a stock prometheus.yml's jobs for the agent and its global for the aggregator", () => {
    const file = parseUpPrometheusFile(STOCK, "/etc/prometheus/prometheus.yml");
    expect(
      file.scrapeConfigs.map((j) => [j.job_name, j.scrape_interval, j.scrape_timeout]),
    ).toEqual([
      ["prometheus", 5_000, 5_000],
      ["node", 15_000, 10_000],
    ]);
    expect(file.scrapeConfigs[1]?.honor_labels).toBe(true);
    expect(file.global).toEqual({
      evaluationInterval: 30_000,
      ruleQueryOffset: 0,
      externalLabels: { monitor: "example" },
    });
    expect(file.ruleFiles).toEqual([]);
    expect(file.alertmanagers.map((set) => set.static_configs[0]?.targets)).toEqual([
      ["localhost:9093"],
    ]);
    expect(file.unused).toEqual([]);
  });

  test("reads rule files, file_sd files and credentials files from the file's directory", () => {
    const file = parseUpPrometheusFile(
      `alerting:
  alert_relabel_configs: [{action: labeldrop, regex: replica}]
  alertmanagers:
    - static_configs: [{targets: ['am:9093']}]
      bearer_token_file: am.token
    - file_sd_configs: [{files: [am/*.yml]}]
      relabel_configs: [{source_labels: [__meta_filepath], regex: '.*/prod-.*', action: keep}]
rule_files: [rules/*.yml, /srv/rules/extra.yml]
scrape_configs:
  - job_name: apps
    file_sd_configs: [{files: [targets/*.json]}]
    basic_auth: {username: u, password_file: secrets/pw}
`,
      "/etc/prometheus/prometheus.yml",
    );
    expect(file.ruleFiles).toEqual(["/etc/prometheus/rules/*.yml", "/srv/rules/extra.yml"]);
    const [job] = file.scrapeConfigs;
    expect(job?.file_sd_configs[0]?.files).toEqual(["/etc/prometheus/targets/*.json"]);
    expect(job?.basic_auth?.password_file).toBe("/etc/prometheus/secrets/pw");
    expect(file.alertmanagers[0]?.authorization).toEqual({
      type: "Bearer",
      credentials_file: "/etc/prometheus/am.token",
    });
    expect(file.alertmanagers[1]?.file_sd_configs).toEqual([
      { files: ["/etc/prometheus/am/*.yml"], refresh_interval: 300_000 },
    ]);
    // alert_relabel_configs are the aggregator's now: not reported unused.
    expect(file.alertRelabelConfigs).toMatchObject([{ action: "labeldrop", regex: "replica" }]);
    expect(file.unused).toEqual([]);
  });

  test("refuses each bad alert relabeling rule at its line", () => {
    expect(
      problems(
        "alerting:\n  alert_relabel_configs:\n    - action: bogus\n    - target_label: x\n      regex: 'a(b'\n",
      ),
    ).toEqual([
      expect.stringMatching(/^3: alerting\.alert_relabel_configs\[0\]\.action: expected one of/),
      expect.stringMatching(
        /^5: alerting\.alert_relabel_configs\[1\]\.regex: Cannot compile relabel regex "a\(b": missing closing \)/,
      ),
    ]);
  });

  test("refuses Outpost's agent sections, naming what to do instead", () => {
    expect(problems("nats: {url: 'nats://x:4222'}\n")).toEqual([
      "1: nats: an Outpost agent section: --config.file takes a prometheus.yml (global, scrape_configs, rule_files); run an agent of your own with `outpost agent --config FILE` for Outpost's sections",
    ]);
  });

  test("refuses a job named as one of up's own, and a job name used twice", () => {
    const jobs = `scrape_configs:
  - job_name: outpost-agent
    static_configs: [{targets: ['a:1']}]
  - job_name: node
  - job_name: node
`;
    expect(problems(jobs)).toEqual([
      `2: scrape_configs[0].job_name: job_name "outpost-agent" is one of outpost up's own jobs (outpost-agent, outpost-aggregator); rename it`,
      '5: scrape_configs[2].job_name: duplicate job_name "node" (also used by scrape_configs[1])',
    ]);
  });

  test("refuses what the aggregator refuses in global, at the file's line", () => {
    expect(problems("global:\n  evaluation_interval: 0s\n")).toEqual([
      expect.stringMatching(/^2: global\.evaluation_interval: /),
    ]);
  });
});

describe("upAggregatorConfig() with a prometheus.yml's global", () => {
  test("sets the evaluation interval, query offset and external labels", () => {
    const file = parseUpPrometheusFile(
      "global: {evaluation_interval: 1m30s, rule_query_offset: 10s, external_labels: {dc: eu}}\n",
      "/etc/prometheus/prometheus.yml",
    );
    const config = upAggregatorConfig("/tmp/outpost-up", { global: file.global });
    expect(config.global).toMatchObject({
      evaluation_interval: 90_000,
      rule_query_offset: 10_000,
      external_labels: { dc: "eu" },
    });
  });
});
