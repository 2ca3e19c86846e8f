import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promtool, promtoolBinary } from "../harness/promtool.ts";
import { commonLabels, templates, valueCases } from "../harness/template_cases.ts";
import { type AlertCase, upstreamCases, writePromtoolTest } from "../harness/template_promtool.ts";

const fixtures = join(import.meta.dir, "../fixtures/ecosystem-rules");

function caseAlerts(): AlertCase[] {
  return valueCases.map(([name, expr]) => ({
    alert: `V_${name}`,
    series: { __name__: "s", case: name, ...commonLabels },
    expr: expr.replace(/\bs\b/, "SERIES"),
    annotations: Object.fromEntries(templates.map((t, i) => [`t${i}`, t])),
    labels: {
      severity: "{{ if gt $value 1.0 }}high{{ end }}",
      summary_value: "{{ $value | humanize }}",
    },
  }));
}

async function runPromtool(cases: AlertCase[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-gotmpl-"));
  const path = await writePromtoolTest(dir, cases);
  const run = await promtool(["test", "rules", path]);
  if (run.exitCode !== 0) console.log(run.stdout, run.stderr);
  expect(run.exitCode).toBe(0);
}

test.skipIf(promtoolBinary() === null)(
  "every template renders as promtool's Prometheus renders it, for every edge value",
  async () => {
    await runPromtool(caseAlerts());
  },
  30_000,
);

test.skipIf(promtoolBinary() === null)(
  "the upstream rule files' annotations render as promtool renders them",
  async () => {
    const files = readdirSync(fixtures).filter((f) => /\.ya?ml$/.test(f));
    const cases = files.flatMap((f, i) => upstreamCases(join(fixtures, f), `E${i}_`));
    expect(cases.length).toBeGreaterThan(100);
    await runPromtool(cases);
  },
  30_000,
);
