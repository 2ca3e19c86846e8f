import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "../config/load.ts";
import { buildRoutes, groupKey, groupLabels, matchRoutes } from "./route.ts";

const root = buildRoutes(
  parseAlertmanagerConfig(
    `route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: [severity="critical"]
      receiver: pager
      group_wait: 10s
      continue: true
    - match_re: {service: "db|cache"}
      group_by: ['...']
      repeat_interval: 1h
      routes:
        - match: {team: a}
          receiver: team-a
          group_by: [cluster, alertname]
receivers: [{name: default}, {name: pager}, {name: team-a}]
`,
    "route.yml",
  ).route,
);

describe("buildRoutes()", () => {
  test("the root takes Alertmanager's default timings", () => {
    expect(root.opts).toMatchObject({
      groupWait: 30_000,
      groupInterval: 300_000,
      repeatInterval: 14_400_000,
    });
  });

  test("an empty group_by inherits the parent's, as 0.25 reads it", () => {
    const tree = buildRoutes(
      parseAlertmanagerConfig(
        `route:
  receiver: r
  group_by: [alertname, cluster]
  routes:
    - {matchers: [a="b"], group_by: []}
receivers: [{name: r}]
`,
        "empty.yml",
      ).route,
    );
    expect(tree.routes[0].opts.groupBy).toEqual(["alertname", "cluster"]);
  });

  test("children inherit what they do not set", () => {
    const [pager, db] = root.routes;
    expect(pager.opts).toMatchObject({
      receiver: "pager",
      groupWait: 10_000,
      groupBy: ["alertname"],
    });
    expect(db.opts).toMatchObject({
      receiver: "default",
      groupByAll: true,
      repeatInterval: 3_600_000,
    });
    expect(db.routes[0].opts).toMatchObject({
      groupBy: ["alertname", "cluster"],
      groupByAll: false,
      repeatInterval: 3_600_000,
    });
  });
});

describe("matchRoutes() and groupKey()", () => {
  const cases: [Record<string, string>, string[], string[]][] = [
    [{ alertname: "X" }, ["default"], ['{}:{alertname="X"}']],
    [
      { alertname: "X", severity: "critical" },
      ["pager"],
      ['{}/{severity="critical"}:{alertname="X"}'],
    ],
    [
      { alertname: "X", severity: "critical", service: "db" },
      ["pager", "default"],
      [
        '{}/{severity="critical"}:{alertname="X"}',
        '{}/{service=~"^(?:db|cache)$"}:{alertname="X", service="db", severity="critical"}',
      ],
    ],
    [
      { alertname: "Y", service: "cache", team: "a", cluster: "eu" },
      ["team-a"],
      ['{}/{service=~"^(?:db|cache)$"}/{team="a"}:{alertname="Y", cluster="eu"}'],
    ],
    [{ alertname: 'q"x', service: "dbx" }, ["default"], ['{}:{alertname="q\\"x"}']],
  ];
  test.each(cases)("%j goes to %j", (labels, receivers, keys) => {
    const routes = matchRoutes(root, labels);
    expect(routes.map((r) => r.opts.receiver)).toEqual(receivers);
    expect(routes.map((r) => groupKey(r, labels))).toEqual(keys);
  });

  test("group labels leave out the group_by labels an alert lacks", () => {
    expect(groupLabels(root.routes[1].routes[0], { alertname: "Z" })).toEqual({ alertname: "Z" });
  });
});
