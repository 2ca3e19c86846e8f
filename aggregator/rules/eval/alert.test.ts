import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { heldLabelsKey, labelsKey } from "./alert.ts";

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
