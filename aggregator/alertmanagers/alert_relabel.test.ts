import { describe, expect, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { relabelConfigSchema } from "../../shared/relabel/config.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";
import { labelsRecord } from "../rules/eval/output.ts";
import { AlertRelabeler } from "./alert_relabel.ts";

const alert = (labels: Record<string, string>): NotifiedAlert => ({
  labels: labelsFromRecord(labels),
  annotations: { summary: "s" },
  startsAt: 1,
  endsAt: 2,
  generatorURL: "http://outpost/graph",
});

function relabel(rules: object[], alerts: NotifiedAlert[]) {
  const registry = new Registry();
  const r = new AlertRelabeler(
    rules.map((x) => relabelConfigSchema.parse(x)),
    registry,
    "alerting",
  );
  return { out: r.apply(alerts).map((a) => labelsRecord(a.labels)), metrics: registry.render() };
}

describe("AlertRelabeler", () => {
  test("drops a replica label, rewrites one and drops one alert, keeping the rest of each alert", () => {
    const registry = new Registry();
    const r = new AlertRelabeler(
      [
        { action: "labeldrop", regex: "replica" },
        { source_labels: ["team"], target_label: "owner", replacement: "team-$1" },
        { source_labels: ["alertname"], regex: "Noise", action: "drop" },
      ].map((x) => relabelConfigSchema.parse(x)),
      registry,
      "alerting",
    );
    const input = [
      alert({ alertname: "High", replica: "a", team: "db" }),
      alert({ alertname: "Noise", replica: "a" }),
    ];
    const [high, ...rest] = r.apply(input);
    expect(rest).toEqual([]);
    expect(labelsRecord(high!.labels)).toEqual({ alertname: "High", owner: "team-db", team: "db" });
    expect(high).toMatchObject({ annotations: { summary: "s" }, startsAt: 1, endsAt: 2 });
    // The rule's own alert is left as it was.
    expect(labelsRecord(input[0]!.labels)).toMatchObject({ replica: "a" });
    expect(registry.render()).toContain(
      'outpost_alert_relabel_dropped_total{scope="alerting",reason="relabeled"} 1',
    );
  });

  test("does not pass on an alert left without labels, and counts it", () => {
    const { out, metrics } = relabel(
      [{ action: "labelkeep", regex: "keep" }],
      [alert({ alertname: "A" }), alert({ alertname: "B", keep: "x" })],
    );
    expect(out).toEqual([{ keep: "x" }]);
    expect(metrics).toContain(
      'outpost_alert_relabel_dropped_total{scope="alerting",reason="empty"} 1',
    );
  });
});
