import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parse } from "yaml";
import { generateGroups } from "./generate.ts";
import { probeSpec } from "./probe.ts";
import { renderGroups, typedGroups } from "./render.ts";
import { parseSloSpec } from "./spec.ts";

const dir = join(import.meta.dir, "testdata/sloth");
/** Sloth's examplesgen.sh generates with `--extra-labels cmd=examplesgen.sh` and version dev. */
const AS_EXAMPLESGEN = { extraLabels: { cmd: "examplesgen.sh" }, version: "dev" };

async function generated(name: string): Promise<{ ours: string; sloths: string }> {
  const { spec, problems } = parseSloSpec(await Bun.file(join(dir, `${name}.yml`)).text(), name);
  expect(problems).toEqual([]);
  const sloths = await Bun.file(join(dir, "_gen", `${name}.yml`)).text();
  // Sloth's header names Sloth; the document after it is what must match.
  return {
    ours: renderGroups(generateGroups(spec!, AS_EXAMPLESGEN)),
    sloths: sloths.slice(sloths.indexOf("groups:")),
  };
}

describe("generateGroups()", () => {
  test.each(["kubernetes-apiserver", "raw-home-wifi"])(
    "writes Sloth's generated rules for its %s example byte for byte",
    async (name) => {
      const { ours, sloths } = await generated(name);
      expect(ours).toBe(sloths);
    },
  );

  test("matches the getting-started rules of an older Sloth rule by rule, except where Sloth changed", async () => {
    const { ours, sloths } = await generated("getting-started");
    type Rule = { record?: string; alert?: string; expr: string; labels: Record<string, string> };
    const rules = (text: string) =>
      (parse(text).groups as { name: string; rules: Rule[] }[]).flatMap((g) =>
        g.rules.map((r) => ({ group: g.name, ...r })),
      );
    const [mine, theirs] = [rules(ours), rules(sloths)];
    expect(mine.map((r) => r.record ?? r.alert)).toEqual(theirs.map((r) => r.record ?? r.alert));
    mine.forEach((rule, i) => {
      const old = theirs[i]!;
      if (rule.record === "slo:sli_error:ratio_rate30d") {
        // Older Sloth labelled the 30d ratio with sloth_window only; it inherits the rest now.
        expect(old.labels).toEqual({ sloth_window: "30d" });
        expect({ ...rule, labels: old.labels }).toEqual(old);
      } else if (rule.alert !== undefined) {
        // Older Sloth joined the windows with `and ignoring (sloth_window)`.
        const modern = old.expr
          .replace(/\((slo:sli_error:[^()]* > \([^)]*\))\)/g, "max($1) without (sloth_window)")
          .replaceAll(" ignoring (sloth_window)", "");
        expect({ ...rule }).toEqual({ ...old, expr: modern });
      } else expect(rule).toEqual(old);
    });
  });

  test("types every generated group for the evaluator, pointing at its SLO's line", async () => {
    const file = join(dir, "kubernetes-apiserver.yml");
    const { spec } = parseSloSpec(await Bun.file(file).text(), file);
    const groups = typedGroups(generateGroups(spec!), file);
    expect(groups.map((g) => [g.name, g.rules.length, g.pos.line])).toEqual([
      ["sloth-slo-sli-recordings-k8s-apiserver-requests-availability", 8, 26],
      ["sloth-slo-meta-recordings-k8s-apiserver-requests-availability", 7, 26],
      ["sloth-slo-alerts-k8s-apiserver-requests-availability", 2, 26],
      ["sloth-slo-sli-recordings-k8s-apiserver-requests-latency", 8, 48],
      ["sloth-slo-meta-recordings-k8s-apiserver-requests-latency", 7, 48],
      ["sloth-slo-alerts-k8s-apiserver-requests-latency", 2, 48],
    ]);
    expect(groups.every((g) => g.file === file && g.interval === undefined)).toBe(true);
  });

  test.each([
    ["interval: { all: 2m }", ["2m", "2m", "2m"]],
    ["interval: { all: 2m, alert: 30s }", ["2m", "2m", "30s"]],
    [
      "alerting: { page_alert: { disable: true }, ticket_alert: { disable: true } }",
      [undefined, undefined],
    ],
  ] as const)("honours %s", (extra, intervals) => {
    const text = `version: prometheus/v1\nservice: svc\nslos:\n  - name: x1\n    objective: 99\n    sli: { raw: { error_ratio_query: "rate(e[{{.window}}])" } }\n    alerting: { name: A }\n    ${extra}\n`;
    const { spec, problems } = parseSloSpec(
      text.replace("    alerting: { name: A }\n    alerting", "    alerting"),
      "f",
    );
    expect(problems).toEqual([]);
    const yaml = parse(renderGroups(generateGroups(spec!))) as { groups: { interval?: string }[] };
    expect(yaml.groups.map((g) => g.interval)).toEqual([...intervals]);
  });

  test("a 28d period computes its ratio over 28d and keeps Sloth's burn factors' windows", () => {
    const { spec } = probeSpec({ job: "blackbox", objective: 99 }, "p");
    const text = renderGroups(generateGroups(spec!, { period: "28d" }));
    expect(text).toContain("record: slo:sli_error:ratio_rate4w");
    expect(text).toContain("vector(28)");
    expect(text).toContain("> (13.44 * 0.01)");
  });
});

describe("probeSpec()", () => {
  test("expands a one-line probe SLO to an events SLI over probe_success", () => {
    const { spec, problems } = probeSpec(
      { probe: "https://example.com/health", objective: 99.9 },
      "slo_probes[0]",
    );
    expect(problems).toEqual([]);
    const slo = spec!.slos[0]!;
    expect([spec!.service.value, slo.name.value, slo.objective.value]).toEqual([
      "probe",
      "example.com-health",
      99.9,
    ]);
    expect(slo.sli).toMatchObject({
      kind: "events",
      errorQuery: {
        value:
          'sum(count_over_time(probe_success{instance="https://example.com/health"}[{{.window}}])) - sum(sum_over_time(probe_success{instance="https://example.com/health"}[{{.window}}]))',
      },
      totalQuery: {
        value:
          'sum(count_over_time(probe_success{instance="https://example.com/health"}[{{.window}}]))',
      },
    });
  });

  test("names a probe SLO after its target as Sloth accepts it, one-character hosts too", () => {
    const names = [
      "https://a",
      "http://a:8080/",
      "b",
      "tcp://[::1]:22",
      "https://-/",
      "web.example",
    ];
    expect(
      names.map((probe) => {
        const { spec, problems } = probeSpec({ probe, objective: 99 }, "slo_probes[0]");
        return problems.length === 0 ? spec!.slos[0]!.name.value : problems[0]!.reason;
      }),
    ).toEqual(["probe-a", "a-8080", "probe-b", "1-22", "target", "web.example"]);
  });

  test("refuses a probe SLO with neither probe nor job", () => {
    expect(probeSpec({ objective: 99 }, "slo_probes[3]").problems[0]?.reason).toBe(
      "Cannot generate probe SLO: set probe, job or both",
    );
  });
});
