/**
 * The rules Outpost generates from SLO specs, judged by Prometheus itself (Debian's promtool,
 * Prometheus 2.42): `promtool check rules` accepts the rules of every Sloth example and of a
 * probe SLO, and `promtool test rules` evaluates them with Prometheus's engine on series that
 * inject errors at given multiples of the error-budget rate: the page alert fires from 14.4×
 * up (the 1 h and 6 h pairs), the ticket from 1× (the 1 d and 3 d pairs), nothing at 0.5×.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateGroups } from "../../aggregator/slo/generate.ts";
import { probeSpec } from "../../aggregator/slo/probe.ts";
import { generatedHeader, renderGroups } from "../../aggregator/slo/render.ts";
import { parseSloSpec } from "../../aggregator/slo/spec.ts";
import { promtool, promtoolBinary } from "../harness/promtool.ts";

const examples = resolve(import.meta.dir, "../../aggregator/slo/testdata/sloth");
const dir = mkdtempSync(join(tmpdir(), "outpost-slo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeRules(name: string, specText: string): Promise<string> {
  const { spec, problems } = parseSloSpec(specText, name);
  expect(problems).toEqual([]);
  const file = join(dir, `${name}.rules.yml`);
  await Bun.write(file, generatedHeader(name) + renderGroups(generateGroups(spec!)));
  return file;
}

// Objective 99: the budget is 1 % of requests. 100 requests a minute, `errors` of them fail.
const SPEC = `version: prometheus/v1
service: shop
slos:
  - name: checkout
    objective: 99
    sli:
      events:
        error_query: sum(rate(http_requests_total{code="500"}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: ShopCheckoutSLO
      page_alert: { labels: { severity: critical } }
      ticket_alert: { labels: { severity: warning } }
`;

function alert(severity: "page" | "ticket"): object {
  return {
    exp_labels: {
      severity: severity === "page" ? "critical" : "warning",
      sloth_severity: severity,
      sloth_id: "shop-checkout",
      sloth_service: "shop",
      sloth_slo: "checkout",
    },
    exp_annotations: {
      title: `(${severity}) shop checkout SLO error budget burn rate is too fast.`,
      summary: "shop checkout SLO error budget burn rate is over expected.",
    },
  };
}

/**
 * Burn rate (multiple of the budget rate) → the alerts expected after 7 hours of it: every
 * window is then full or, for 1 d and 3 d, holds the same constant ratio.
 */
const CASES: [number, ("page" | "ticket")[]][] = [
  [15, ["page", "ticket"]], // above 14.4: the 5 m / 1 h pair pages
  [7, ["page", "ticket"]], // above 6: the 30 m / 6 h pair pages
  [3.5, ["ticket"]], // above 3: the 2 h / 1 d pair opens a ticket
  [1.5, ["ticket"]], // above 1: the 6 h / 3 d pair opens a ticket
  [0.5, []], // within budget: nothing
];

describe.skipIf(promtoolBinary() === null)("generated SLO rules under promtool", () => {
  const files = ["getting-started", "kubernetes-apiserver", "raw-home-wifi"];

  test.each(files)("promtool check rules accepts the rules of Sloth's %s example", async (name) => {
    const file = await writeRules(name, await Bun.file(join(examples, `${name}.yml`)).text());
    const run = await promtool(["check", "rules", file]);
    expect(run.stdout + run.stderr).toContain("SUCCESS: ");
    expect(run.exitCode).toBe(0);
  });

  test("promtool check rules accepts the rules of a one-line probe SLO", async () => {
    const { spec } = probeSpec({ probe: "https://example.com", objective: 99.9 }, "probe");
    const file = join(dir, "probe.rules.yml");
    await Bun.write(file, renderGroups(generateGroups(spec!)));
    const run = await promtool(["check", "rules", file]);
    expect(run.stdout).toContain("SUCCESS: 17 rules found");
    expect(run.exitCode).toBe(0);
  });

  test("burn-rate alerts fire at the rates Sloth's windows promise, and not within budget", async () => {
    const rules = await writeRules("shop", SPEC);
    const tests = CASES.map(([burn, expected]) => ({
      interval: "1m",
      input_series: [
        { series: 'http_requests_total{code="500"}', values: `0+${burn}x500` },
        { series: 'http_requests_total{code="200"}', values: `0+${100 - burn}x500` },
      ],
      alert_rule_test: [
        { eval_time: "7h", alertname: "ShopCheckoutSLO", exp_alerts: expected.map(alert) },
      ],
    }));
    const testFile = join(dir, "shop.test.yml");
    await Bun.write(
      testFile,
      JSON.stringify({ rule_files: [rules], evaluation_interval: "1m", tests }),
    );
    const run = await promtool(["test", "rules", testFile]);
    expect(run.stdout + run.stderr).toContain("SUCCESS");
    expect(run.exitCode).toBe(0);
  }, 60_000);
});
