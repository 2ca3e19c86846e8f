/**
 * `outpost slo generate [--period 30d|28d] [--extra-labels k=v,…] FILE`: prints the Prometheus
 * rule file a Sloth `prometheus/v1` spec generates, as `sloth generate -i FILE` does, or the
 * spec's problems as `file:line:column: path: reason`.
 */
import { parseArgs } from "node:util";
import { generateGroups } from "../aggregator/slo/generate.ts";
import { generatedHeader, renderGroups } from "../aggregator/slo/render.ts";
import { readSloSpec } from "../aggregator/slo/spec.ts";
import { PERIODS } from "../aggregator/slo/windows.ts";
import { formatProblem } from "../shared/config/errors.ts";
import { fileKind } from "./check.ts";

const USAGE = "usage: outpost slo generate [--period 30d|28d] [--extra-labels k=v,...] FILE";

/** Runs `outpost slo …`; returns the exit status. */
export async function runSlo(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "generate") {
    console.error(USAGE);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { period: { type: "string", default: "30d" }, "extra-labels": { type: "string" } },
  });
  if (positionals.length !== 1 || PERIODS[values.period] === undefined) {
    console.error(USAGE);
    return 2;
  }
  const extraLabels = parseLabels(values["extra-labels"] ?? "");
  if (extraLabels === undefined) {
    console.error(`Cannot read --extra-labels: expected k=v pairs separated by commas\n${USAGE}`);
    return 2;
  }
  const file = positionals[0]!;
  const kind = fileKind(
    await Bun.file(file)
      .text()
      .catch(() => ""),
  );
  if (kind === "rules" || kind === "alertmanager") {
    const what = kind === "rules" ? "a Prometheus rule file" : "an alertmanager.yml";
    console.error(`${file}: not a Sloth prometheus/v1 spec (it looks like ${what})`);
    return 1;
  }
  const parsed = await readSloSpec(file);
  if (parsed.spec === undefined) {
    console.error(parsed.problems.map(formatProblem).join("\n"));
    return 1;
  }
  const groups = generateGroups(parsed.spec, { period: values.period, extraLabels });
  process.stdout.write(generatedHeader(file) + renderGroups(groups));
  return 0;
}

function parseLabels(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const pair of text.split(",").filter((p) => p !== "")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) return undefined;
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
