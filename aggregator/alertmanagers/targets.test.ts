import { describe, expect, test } from "bun:test";
import type { TargetGroup } from "../../shared/discovery/file_sd.ts";
import { relabelConfigSchema } from "../../shared/relabel/config.ts";
import { compileRelabel } from "../../shared/relabel/relabel.ts";
import { alertmanagersFromGroups } from "./targets.ts";

const SET = { scheme: "http", alertsPath: "/api/v2/alerts" };

/** The set's Alertmanagers from `groups` after `rules`, and the problems reported. */
function found(rules: object[], groups: TargetGroup[], set = SET) {
  const errors: string[] = [];
  const program = compileRelabel(rules.map((r) => relabelConfigSchema.parse(r)));
  return { ...alertmanagersFromGroups(set, program, groups, (m) => errors.push(m)), errors };
}

const group = (targets: string[], labels: Record<string, string> = {}): TargetGroup => ({
  targets,
  labels,
  meta: { __meta_filepath: "/etc/am/prod.yml" },
});

// [what, set, relabel rules, groups, active, dropped] — as Prometheus 2.42 lists them.
const cases: [string, typeof SET, object[], TargetGroup[], string[], string[]][] = [
  [
    "a target without a port keeps its address, as Prometheus 2.42 does",
    { scheme: "https", alertsPath: "/api/v2/alerts" },
    [],
    [group(["am.example.com", "[::1]", "am:9093"])],
    [
      "https://am.example.com/api/v2/alerts",
      "https://[::1]/api/v2/alerts",
      "https://am:9093/api/v2/alerts",
    ],
    [],
  ],
  [
    "the same URL twice in a set is one Alertmanager",
    SET,
    [],
    [group(["am:1", "am:1"]), group(["am:1"])],
    ["http://am:1/api/v2/alerts"],
    [],
  ],
  [
    "a group's own __scheme__ and __alerts_path__ do not override the set's",
    SET,
    [],
    [group(["am:1"], { __scheme__: "https", __alerts_path__: "/grp" })],
    ["http://am:1/api/v2/alerts"],
    [],
  ],
  [
    "relabeling sets the scheme, the path (its slash added) and the address from labels",
    SET,
    [
      { source_labels: ["role"], regex: "tls", target_label: "__scheme__", replacement: "https" },
      {
        source_labels: ["__alerts_path__"],
        regex: "(.*)",
        target_label: "__alerts_path__",
        replacement: "am$1",
      },
      {
        source_labels: ["__address__", "port"],
        regex: "(.*):\\d+;(.+)",
        target_label: "__address__",
        replacement: "$1:$2",
      },
    ],
    [group(["a:1"], { role: "tls", port: "9443" }), group(["b:2"])],
    ["https://a:9443/am/api/v2/alerts", "http://b:2/am/api/v2/alerts"],
    [],
  ],
  [
    "a kept or dropped target is listed as it was discovered",
    SET,
    [
      { target_label: "__alerts_path__", replacement: "/changed" },
      { source_labels: ["__meta_filepath", "role"], regex: ".*/prod\\.yml;main", action: "keep" },
    ],
    [group(["a:1"], { role: "main" }), group(["b:2"], { role: "spare" })],
    ["http://a:1/changed"],
    ["http://b:2/api/v2/alerts"],
  ],
  [
    "a target whose address relabels to nothing is dropped",
    SET,
    [{ source_labels: ["role"], regex: "gone", target_label: "__address__", replacement: "" }],
    [group(["a:1"], { role: "gone" })],
    [],
    ["http://a:1/api/v2/alerts"],
  ],
];

describe("alertmanagersFromGroups()", () => {
  for (const [what, set, rules, groups, active, dropped] of cases) {
    test(what, () => {
      expect(found(rules, groups, set)).toEqual({ active, dropped, errors: [] });
    });
  }

  test("skips a target whose labels make no URL, naming it, and keeps the others of its group", () => {
    const result = found(
      [
        {
          source_labels: ["__address__"],
          regex: "a:1",
          target_label: "__address__",
          replacement: "h:1/x",
        },
        {
          source_labels: ["__address__"],
          regex: "b:2",
          target_label: "__scheme__",
          replacement: "ftp",
        },
      ],
      [group(["a:1", "b:2", "c:3"])],
    );
    expect(result).toEqual({
      active: ["http://c:3/api/v2/alerts"],
      dropped: [],
      errors: [
        'Cannot use Alertmanager "h:1/x": an address must be host:port, not a URL',
        'Cannot use Alertmanager "b:2": __scheme__ must be http or https, not "ftp"',
      ],
    });
  });
});
