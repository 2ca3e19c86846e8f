import { describe, expect, test } from "bun:test";
import { compileRelabel } from "../../../shared/relabel/relabel.ts";
import { parseAgentConfig } from "../../config/load.ts";
import { buildTargets } from "./targets.ts";

/** The targets of the first job of `yaml`, with the problems reported. */
function targetsOf(yaml: string) {
  const [job] = parseAgentConfig(yaml, "/tmp/targets.yaml").scrape_configs;
  const errors: string[] = [];
  const groups = job.static_configs.map((g) => ({ targets: g.targets, labels: g.labels ?? {} }));
  const targets = buildTargets(job, groups, compileRelabel(job.relabel_configs), (m) =>
    errors.push(m),
  );
  return { targets, errors };
}

describe("buildTargets()", () => {
  test("a group's own __metrics_path__ and __scheme__ win over the job's, as in Prometheus", () => {
    const { targets } = targetsOf(`scrape_configs:
  - job_name: probe
    static_configs:
      - targets: ["a:9115"]
        labels: {__metrics_path__: /probe, __scheme__: https, __param_module: http_2xx}
      - targets: ["b:9100"]
`);
    expect(targets.map((t) => t.url)).toEqual([
      "https://a:9115/probe?module=http_2xx",
      "http://b:9100/metrics",
    ]);
  });

  test("a relabel rule may give one target its own scrape interval and timeout", () => {
    const { targets } = targetsOf(`scrape_configs:
  - job_name: app
    scrape_interval: 5s
    scrape_timeout: 2s
    static_configs: [{targets: ["slow:1", "fast:2"]}]
    relabel_configs:
      - source_labels: [__address__]
        regex: "slow:.*"
        target_label: __scrape_interval__
        replacement: 1m
      - source_labels: [__address__]
        regex: "slow:.*"
        target_label: __scrape_timeout__
        replacement: 30s
`);
    expect(targets.map((t) => [t.labels[1], t.interval, t.timeout])).toEqual([
      ["slow:1", 60_000, 30_000],
      ["fast:2", 5_000, 2_000],
    ]);
  });

  test("a target whose own timeout exceeds its interval is refused, named", () => {
    const { targets, errors } = targetsOf(`scrape_configs:
  - job_name: app
    static_configs: [{targets: ["a:1"], labels: {__scrape_timeout__: 2m}}]
`);
    expect(targets).toEqual([]);
    expect(errors).toEqual([
      'Cannot use scrape target "a:1": scrape timeout cannot be greater than scrape interval ("2m" > "1m")',
    ]);
  });
});
