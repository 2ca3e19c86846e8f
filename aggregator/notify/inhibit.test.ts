import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "./config/load.ts";
import { isInhibited } from "./inhibit.ts";

const { inhibitRules } = parseAlertmanagerConfig(
  `route: {receiver: r}
receivers: [{name: r}]
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [alertname, cluster]
  - source_match: {alertname: NodeDown}
    target_match_re: {alertname: "Node.*"}
    equal: [instance]
`,
  "inhibit.yml",
);

const cases: [string, Record<string, string>, Record<string, string>[], boolean][] = [
  [
    "a warning is muted by a critical alert with the same equal labels",
    { alertname: "X", cluster: "a", severity: "warning" },
    [{ alertname: "X", cluster: "a", severity: "critical" }],
    true,
  ],
  [
    "a warning is not muted when an equal label differs",
    { alertname: "X", cluster: "a", severity: "warning" },
    [{ alertname: "X", cluster: "b", severity: "critical" }],
    false,
  ],
  [
    "an equal label absent on both sides counts as equal",
    { alertname: "X", severity: "warning" },
    [{ alertname: "X", severity: "critical" }],
    true,
  ],
  [
    "an equal label absent on one side only does not",
    { alertname: "X", severity: "warning" },
    [{ alertname: "X", cluster: "a", severity: "critical" }],
    false,
  ],
  [
    "a critical alert is not a target",
    { alertname: "X", severity: "critical" },
    [{ alertname: "X", severity: "critical" }],
    false,
  ],
  ["nothing firing mutes nothing", { alertname: "X", severity: "warning" }, [], false],
  [
    "legacy match and match_re rules apply too",
    { alertname: "NodeHighLoad", instance: "h1" },
    [{ alertname: "NodeDown", instance: "h1" }],
    true,
  ],
  [
    "an alert matching both sides does not mute itself",
    { alertname: "NodeDown", instance: "h1" },
    [{ alertname: "NodeDown", instance: "h1" }],
    false,
  ],
];

describe("isInhibited()", () => {
  test.each(cases)("%s", (_, labels, firing, want) => {
    expect(isInhibited(inhibitRules, labels, firing)).toBe(want);
  });
});
