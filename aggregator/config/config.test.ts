import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../shared/config/load.ts";
import { parseAggregatorConfig } from "./load.ts";

describe("parseAggregatorConfig()", () => {
  test("fills every default from an empty file", () => {
    const c = parseAggregatorConfig("", "/etc/outpost/aggregator.yaml", "host-1.example.com");
    expect(c.aggregator).toEqual({
      id: "host-1",
      http_listen: "127.0.0.1:9090",
      data_dir: "/etc/outpost/data/aggregator",
    });
    expect(c.nats.url).toEqual(["nats://127.0.0.1:4222"]);
    expect(c.nats.ack_wait).toBe(300_000);
    expect(c.flush.interval).toBe(60_000);
    expect(c.compaction.retention_raw).toBe(15 * 86_400_000);
    expect(c.storage.type).toBe("dir");
    // Every aggregator sends notifications unless told not to; `outpost notifier` listens where
    // Alertmanager does.
    expect(c.alerting.dispatch).toBe(true);
    expect(c.notifier).toEqual({ http_listen: "127.0.0.1:9093" });
  });

  test("reads rule_files and global as prometheus.yml writes them", () => {
    const c = parseAggregatorConfig(
      "global:\n  evaluation_interval: 30s\n  external_labels: { region: eu }\nrule_files: [rules/*.yml]",
      "/srv/agg.yaml",
    );
    expect(c.rule_files).toEqual(["rules/*.yml"]);
    expect(c.global).toEqual({
      evaluation_interval: 30_000,
      rule_query_offset: 0,
      external_labels: { region: "eu" },
    });
    expect(parseAggregatorConfig("", "/srv/agg.yaml").global.evaluation_interval).toBe(60_000);
  });

  test("drops a trailing / of rule_evaluation.external_url, as Prometheus of --web.external-url", () => {
    const c = parseAggregatorConfig(
      "rule_evaluation: { external_url: 'https://mon.example.com/outpost/' }",
      "/srv/agg.yaml",
    );
    expect(c.rule_evaluation.external_url).toBe("https://mon.example.com/outpost");
  });

  test("resolves relative NATS credential paths against the config's folder", () => {
    const c = parseAggregatorConfig("nats: { creds_file: a.creds }", "/srv/agg.yaml");
    expect(c.nats.creds_file).toBe("/srv/a.creds");
  });

  const bad: [string, string, string][] = [
    ["an unknown section", "metrics: {}", 'unknown field "metrics"'],
    ["an id with a dot", "aggregator: { id: a.b }", "aggregator.id"],
    ["a bad listen address", "aggregator: { http_listen: nowhere }", "expected host:port"],
    ["a bad notifier address", "notifier: { http_listen: nowhere }", "notifier.http_listen"],
    ["a dispatch that is not a boolean", "alerting: { dispatch: maybe }", "alerting.dispatch"],
    [
      "ack_wait shorter than two flushes",
      "nats: { ack_wait: 1m }\nflush: { interval: 1m }",
      "twice flush.interval",
    ],
    ["two NATS auth methods", "nats: { token: t, creds_file: c }", "use only one"],
    ["a duration without unit", "flush: { interval: 15 }", "missing unit"],
    [
      "an unclosed bracket in a rule glob",
      "rule_files: ['rules/[a.yml']",
      "syntax error in pattern",
    ],
    [
      "a rule glob with a * before its last segment (Prometheus's rule path check)",
      "rule_files: ['rules/**/*.yml']",
      'invalid rule file path "rules/**/*.yml"',
    ],
    ["a zero evaluation interval", "global: { evaluation_interval: 0s }", "longer than 0"],
    [
      "an unknown global field",
      "global: { scrape_interval: 1m }",
      'unknown field "scrape_interval"',
    ],
  ];
  for (const [name, yaml, message] of bad) {
    test(`refuses ${name} with its line`, () => {
      let err: unknown;
      try {
        parseAggregatorConfig(yaml, "agg.yaml");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(message);
      expect((err as Error).message).toMatch(/^agg\.yaml:\d+:\d+/);
    });
  }
});
