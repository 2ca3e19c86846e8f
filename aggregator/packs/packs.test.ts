import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAggregatorConfig } from "../config/load.ts";
import { parseDashboard } from "../dashboards/model.ts";
import { parseExpr } from "../promql/parser/parse.ts";
import type { AlertingRule } from "../rules/model.ts";
import { testRuleFile } from "../rules/unittest/run.ts";
import { loadPack, PACKS, packDashboardUid, packDir } from "./catalog.ts";
import type { PackName } from "./config.ts";

const runbooks = readFileSync(join(import.meta.dir, "../../docs/runbooks-integrations.md"), "utf8");

/** GitHub's anchor of a heading: lower case, spaces to dashes, punctuation dropped. */
const anchors = new Set(
  [...runbooks.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
    m[1]
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, "")
      .replace(/ /g, "-"),
  ),
);

interface Grid {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
}

/**
 * The alert that fires when a pack's integration is down, where it is not `<marker> == 0`:
 * cAdvisor's marker is an error flag, and systemd's marker is per unit, so its "down" is the
 * manager's own state. The host has none: its source runs in the agent, which the aggregator's
 * silent-agent view watches, and a scraped node_exporter's `up` is the default pack's TargetDown.
 */
const DOWN: Partial<Record<PackName, string | null>> = {
  node: null,
  containers: "container_scrape_error == 1",
  systemd: "node_systemd_system_running == 0",
};

/** Variables a dashboard has after `job` and `instance`. */
const MORE_VARIABLES: Partial<Record<PackName, string[]>> = { containers: ["name"] };

/** The query text a dashboard's variables give, for the parser: one job, every instance. */
function interpolated(expr: string, name: string): string {
  return expr
    .replaceAll("$__rate_interval", "1m")
    .replaceAll("$job", name)
    .replaceAll("$instance", ".+")
    .replaceAll("$name", ".*");
}

for (const pack of PACKS) {
  describe(`the ${pack.name} pack`, async () => {
    const loaded = await loadPack(pack);
    const groups = loaded.rules.groups;
    const alerts = groups.flatMap((g) => g.rules) as AlertingRule[];
    const tests = readFileSync(join(packDir(pack.name), "rules.test.yml"), "utf8");

    test("has one group named pack:<name> of alerting rules only", () => {
      expect(groups.map((g) => g.name)).toEqual([`pack:${pack.name}`]);
      expect(alerts.length).toBeGreaterThanOrEqual(4);
      expect(alerts.every((r) => r.type === "alerting")).toBe(true);
    });

    const down = DOWN[pack.name];
    if (down !== null)
      test("has an alert that fires when its integration is down, not when it refuses the agent", () => {
        const expr = down ?? `${pack.marker} == 0 unless outpost_integration_refused == 1`;
        expect(alerts.map((r) => r.expr)).toContain(expr);
      });

    for (const rule of alerts) {
      test(`${rule.name} has a for, a severity, a summary, a description and a runbook section`, () => {
        expect(rule.fields.for).toBeDefined();
        expect(["warning", "critical"]).toContain(rule.labels.severity);
        expect(Object.keys(rule.annotations).sort()).toEqual([
          "description",
          "runbook_url",
          "summary",
        ]);
        expect(rule.annotations.runbook_url).toBe(
          `{{ $externalURL }}/runbooks/integrations#${rule.name.toLowerCase()}`,
        );
        expect(anchors.has(rule.name.toLowerCase())).toBe(true);
        expect(tests).toContain(`alertname: ${rule.name}\n`);
      });
    }

    test("rules.test.yml passes", async () => {
      const verdict = await testRuleFile(join(packDir(pack.name), "rules.test.yml"));
      expect(verdict.failures).toEqual([]);
    });

    test("its dashboard is accepted by the dashboards service with job, instance and its own variables", () => {
      const text = readFileSync(join(packDir(pack.name), "dashboard.json"), "utf8");
      const doc = parseDashboard(text, "dashboard", 4 << 20);
      expect(doc.uid).toBe(packDashboardUid(pack.name));
      const vars = (doc.templating as { list: { name: string; query: string }[] }).list;
      expect(vars.map((v) => v.name)).toEqual([
        "job",
        "instance",
        ...(MORE_VARIABLES[pack.name] ?? []),
      ]);
      expect(vars[0].query).toBe(`label_values(${pack.marker}, job)`);
    });

    test("its dashboard's panels fit the 24-column grid without overlapping", () => {
      const cells = new Set<string>();
      const overlaps: string[] = [];
      for (const p of loaded.dashboard.panels as { title: string; gridPos: Grid }[]) {
        const g = p.gridPos;
        expect(g.x + g.w).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            if (cells.has(`${x},${y}`)) overlaps.push(p.title);
            cells.add(`${x},${y}`);
          }
      }
      expect([...new Set(overlaps)]).toEqual([]);
    });

    test("every query of its dashboard parses", () => {
      const panels = loaded.dashboard.panels as Panel[];
      expect(panels.length).toBeGreaterThanOrEqual(8);
      const failed: string[] = [];
      for (const panel of panels)
        for (const t of panel.targets ?? []) {
          try {
            parseExpr(interpolated(t.expr ?? "", pack.name));
          } catch (error) {
            failed.push(`${panel.title}: ${(error as Error).message}`);
          }
        }
      expect(failed).toEqual([]);
    });
  });
}

describe("packs in the aggregator config", () => {
  const base = "aggregator: {id: a}\nnats: {url: nats://127.0.0.1:4222}\n";

  test("are all offered by default", () => {
    const c = parseAggregatorConfig(base, "agg.yaml");
    expect(c.packs).toEqual({
      enabled: true,
      disabled: [],
      check_interval: 30_000,
      lookback: 900_000,
    });
  });

  test("refuse a pack name that does not exist, naming the field", () => {
    expect(() =>
      parseAggregatorConfig(`${base}packs: {disabled: [postgress]}\n`, "agg.yaml"),
    ).toThrow(/packs\.disabled\[0\]/);
  });
});
