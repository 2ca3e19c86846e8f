import { describe, expect, test } from "bun:test";
import { labelsFromRecord, labelsKey } from "../../../shared/model/labels.ts";
import { heldLabelsKey, type NotifiedAlert, withExternalLabels } from "./alert.ts";

describe("heldLabelsKey()", () => {
  test("gives labelsKey()'s key for every label set, kept or new", () => {
    const sets = [
      labelsFromRecord({}),
      labelsFromRecord({ __name__: "ALERTS", alertstate: "pending" }),
      labelsFromRecord({ __name__: "ALERTS", alertstate: "firing" }),
      labelsFromRecord({ a: "x\xffy" }),
    ];
    for (let round = 0; round < 2; round++)
      for (const labels of sets) expect(heldLabelsKey(labels)).toBe(labelsKey(labels));
  });

  test("tells apart label sets equal in content only by their content", () => {
    const a = labelsFromRecord({ job: "a" });
    const b = labelsFromRecord({ job: "a" });
    const c = labelsFromRecord({ job: "c" });
    expect(heldLabelsKey(a)).toBe(heldLabelsKey(b));
    expect(heldLabelsKey(a)).not.toBe(heldLabelsKey(c));
  });
});

describe("withExternalLabels()", () => {
  const alert = (labels: Record<string, string>): NotifiedAlert => ({
    labels: labelsFromRecord(labels),
    annotations: {},
    startsAt: 0,
    endsAt: 1,
    generatorURL: "",
  });

  test("adds the external labels an alert lacks and keeps the alert's own, as Prometheus sends them", () => {
    const sent = withExternalLabels([alert({ alertname: "A", zone: "b" })], {
      zone: "x",
      dc: "eu",
    });
    expect(sent.map((a) => a.labels)).toEqual([
      labelsFromRecord({ alertname: "A", dc: "eu", zone: "b" }),
    ]);
  });

  test("hands the alerts back as they are without external labels", () => {
    const alerts = [alert({ alertname: "A" })];
    expect(withExternalLabels(alerts, {})).toBe(alerts);
  });
});
