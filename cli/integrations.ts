import { parseArgs } from "node:util";
import type {
  IntegrationStatus,
  IntegrationsReport,
} from "../agent/sources/integrations/status.ts";
import { redactedUrl } from "../aggregator/notify/config/print.ts";

const USAGE = "usage: outpost integrations [--agent URL] [--json]";
/** `outpost up`'s agent (its --agent-port default) and a stand-alone agent's default http_listen. */
const DEFAULT_AGENT = "http://127.0.0.1:9909";

/**
 * `outpost integrations`: what the local agent detected (or was told to collect), how it
 * was found, and its state, read from the agent's `GET /integrations`.
 */
export async function runIntegrations(argv: string[]): Promise<number> {
  let values: { agent?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        agent: { type: "string", short: "a" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = `${(values.agent ?? DEFAULT_AGENT).replace(/\/+$/, "")}/integrations`;
  let report: IntegrationsReport;
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    report = (await r.json()) as IntegrationsReport;
  } catch (err) {
    const why = err instanceof SyntaxError ? "the answer is not JSON" : (err as Error).message;
    console.error(`Cannot read ${redactedUrl(url)}: ${why} (is the agent running? --agent URL)`);
    return 1;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

/**
 * The report as a table, then one line per service with a reason (what to grant, what failed)
 * and one per service whose log files are tailed.
 */
export function formatReport(report: IntegrationsReport): string {
  const detection = report.autodetect
    ? `autodetect on, last detection ${report.last_detection || "not yet"}`
    : "autodetect off (integrations.autodetect)";
  if (report.integrations.length === 0) return `No services collected; ${detection}.`;
  const head = ["SERVICE", "ADDRESS", "FOUND BY", "STATE", "LAST COLLECT", "SERIES"];
  const rows = report.integrations.map((i) => [
    i.key,
    i.address,
    foundBy(i),
    i.state,
    i.last_collect === "" ? "-" : `${(i.last_duration_seconds * 1000).toFixed(0)} ms`,
    String(i.series),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((v, c) => v.padEnd(widths[c]))
      .join("  ")
      .trimEnd();
  const reasons = report.integrations
    .filter((i) => i.reason !== "")
    .map((i) => `  ${i.key}: ${i.reason}`);
  const logs = report.integrations
    .filter((i) => i.logs && i.logs.length > 0)
    .map((i) => `  ${i.key} logs: ${i.logs!.join(", ")}`);
  return [line(head), ...rows.map(line), ...reasons, ...logs, `(${detection})`].join("\n");
}

function foundBy(i: IntegrationStatus): string {
  return i.how === "process" ? `process ${i.pid}` : i.how;
}
