import { parseArgs } from "node:util";
import { parseDuration, parseTime } from "../aggregator/api/http/params.ts";
import { formatSeries, labelsFromRecord } from "../shared/model/labels.ts";
import { oneExpression } from "./args.ts";
import { ask, refusal, type Server, serverOf } from "./server.ts";

const USAGE =
  "usage: outpost query [--server URL] [--token T] EXPR [--time T | --start T --end T --step D] [--json]";
const DEFAULT_SERVER = "http://127.0.0.1:9090";
/** A range query without --start looks back this far from its end. */
const DEFAULT_RANGE_MS = 3_600_000;
/** A range query without --step gets about this many points, as Prometheus's UI does. */
const DEFAULT_POINTS = 250;

type Point = [number, string];
interface ApiAnswer {
  status: "success" | "error";
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

/**
 * `outpost query`: evaluates a PromQL expression on an aggregator through its Prometheus API
 * and prints the answer as a table (`--json`: the API's JSON as received). With any of
 * `--start`, `--end`, `--step` it runs a range query; times are `now`, `now-10m` (or `-10m`),
 * RFC 3339 or Unix seconds, steps durations (`30s`) or seconds.
 */
export async function runQuery(argv: string[]): Promise<number> {
  const args = oneExpression(argv, parse, USAGE);
  if (typeof args === "number") return args;
  const { values, expression } = args;
  let server: Server;
  let request: { path: string; form: URLSearchParams };
  try {
    server = serverOf(values.server ?? DEFAULT_SERVER, values.token);
    request = buildRequest(expression, values);
  } catch (err) {
    console.error(`Cannot query: ${(err as Error).message}`);
    return 2;
  }
  return send(server, request, values.json === true);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: "string", short: "s" },
      token: { type: "string" },
      time: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      step: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/**
 * A time flag in ms: `now`, `now-10m` or `-10m` (a duration before now, as the UI's `now-6h`),
 * else what the API takes (RFC 3339 or Unix seconds).
 */
export function cliTime(text: string, now: number): number {
  if (text === "now") return now;
  const before = /^(?:now)?-(.+)$/.exec(text);
  if (before) return now - parseDuration(before[1]!);
  return parseTime(text);
}

/** The API path and form of the query the flags ask for. */
export function buildRequest(
  expr: string,
  flags: { time?: string; start?: string; end?: string; step?: string },
  now = Date.now(),
): { path: string; form: URLSearchParams } {
  const form = new URLSearchParams({ query: expr });
  if (flags.start === undefined && flags.end === undefined && flags.step === undefined) {
    if (flags.time !== undefined) form.set("time", String(cliTime(flags.time, now) / 1000));
    return { path: "/api/v1/query", form };
  }
  if (flags.time !== undefined)
    throw new Error("--time is for instant queries, not with --start/--end/--step");
  const endMs = flags.end === undefined ? now : cliTime(flags.end, now);
  const startMs = flags.start === undefined ? endMs - DEFAULT_RANGE_MS : cliTime(flags.start, now);
  const stepMs =
    flags.step === undefined
      ? Math.max(1000, Math.ceil((endMs - startMs) / DEFAULT_POINTS / 1000) * 1000)
      : parseDuration(flags.step);
  form.set("start", String(startMs / 1000));
  form.set("end", String(endMs / 1000));
  form.set("step", String(stepMs / 1000));
  return { path: "/api/v1/query_range", form };
}

async function send(
  server: Server,
  request: { path: string; form: URLSearchParams },
  raw: boolean,
): Promise<number> {
  let answered: { status: number; body: string };
  try {
    answered = await ask(server, request.path, { method: "POST", body: request.form });
  } catch (err) {
    console.error(`Cannot query ${server.url}: ${(err as Error).message}`);
    return 1;
  }
  const { status, body } = answered;
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(body) as ApiAnswer;
  } catch {
    console.error(`Cannot query ${server.url}: ${refusal(status, body)}`);
    return 1;
  }
  if (raw) console.log(body);
  for (const w of answer.warnings ?? []) console.error(`warning: ${w}`);
  for (const i of answer.infos ?? []) console.error(`info: ${i}`);
  if (answer.status !== "success" || !answer.data) {
    const why = status === 401 ? refusal(status, answer.error ?? "") : answer.error;
    console.error(`Cannot query ${server.url}: ${answer.errorType}: ${why}`);
    return 1;
  }
  if (!raw) {
    const lines = renderTable(answer.data.resultType, answer.data.result);
    console.log(lines.length > 0 ? lines.join("\n") : "(no data)");
  }
  return 0;
}

/** The lines of the table for one answer: `labels  value` per series, or its points. */
export function renderTable(resultType: string, result: unknown): string[] {
  switch (resultType) {
    case "scalar":
    case "string":
      return [(result as Point)[1]];
    case "vector": {
      const rows = (result as { metric: Record<string, string>; value: Point }[]).map((s) => [
        formatSeries(labelsFromRecord(s.metric)),
        s.value[1],
      ]);
      const width = Math.max(0, ...rows.map((r) => r[0].length));
      return rows.map(([series, value]) => `${series.padEnd(width)}  ${value}`);
    }
    case "matrix":
      return (result as { metric: Record<string, string>; values: Point[] }[]).flatMap((s) => [
        formatSeries(labelsFromRecord(s.metric)),
        ...s.values.map(([t, v]) => `  ${new Date(t * 1000).toISOString()}  ${v}`),
      ]);
    default:
      return [JSON.stringify(result)];
  }
}
