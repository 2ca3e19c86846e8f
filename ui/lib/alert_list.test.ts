import { expect, test } from "bun:test";
import { alertCount, filterGroups, pageOf } from "./alert_list.ts";
import { labelTest, parseMatchers } from "./alerts.ts";

const alert = (i: number) => ({ labels: [{ name: "i", value: String(i) }] });
const group = (name: string, from: number, n: number) => ({
  labels: [{ name: "g", value: name }],
  receiver: "ops",
  alerts: Array.from({ length: n }, (_, k) => alert(from + k)),
});
const groups = [group("a", 0, 3), group("b", 3, 4), group("c", 7, 2)];

test("filterGroups() keeps the matching alerts and drops groups left empty", () => {
  const kept = filterGroups(groups, labelTest(parseMatchers(`i=~"[0-3]"`)));
  expect(kept.map((g) => [g.labels[0].value, g.alerts.length])).toEqual([
    ["a", 3],
    ["b", 1],
  ]);
  // A group kept whole is the same object: nothing is copied for an empty filter.
  expect(filterGroups(groups, () => true)[0]).toBe(groups[0]);
});

test("pageOf() cuts the alerts across group boundaries", () => {
  const page2 = pageOf(groups, 2, 4);
  expect(
    page2.map((p) => [p.group.labels[0].value, p.alerts.map((a) => a.labels[0].value)]),
  ).toEqual([
    ["b", ["4", "5", "6"]],
    ["c", ["7"]],
  ]);
  expect(pageOf(groups, 3, 4).map((p) => p.alerts.length)).toEqual([1]);
  expect(pageOf(groups, 4, 4)).toEqual([]);
  expect(alertCount(groups)).toBe(9);
});
