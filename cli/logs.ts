import { parseArgs } from "node:util";
import { goQuote } from "../aggregator/api/http/params.ts";
import { parseDuration } from "../shared/config/units.ts";
import { oneExpression } from "./args.ts";
import { renderTable } from "./query.ts";
import { ask, refusal, type Server, serverOf } from "./server.ts";

const USAGE =
  "usage: outpost logs [--server URL] [--token T] [--since 1h] [--limit 100] [--follow] [--output default|raw|jsonl] [--timezone Local|UTC] QUERY";
const DEFAULT_SERVER = "http://127.0.0.1:9090";
const OUTPUTS = ["default", "raw", "jsonl"] as const;

/** How lines are printed: logcli's output modes and time zone. */
export interface PrintOptions {
  readonly output: (typeof OUTPUTS)[number];
  readonly utc: boolean;
}

/** One stream of a Loki answer or tail frame. */
export interface Stream {
  stream: Record<string, string>;
  values: [string, string, ...unknown[]][];
}

/**
 * `outpost logs`: runs a LogQL query on an aggregator through its Loki API and prints the
 * lines as logcli does (`time {labels} line`, newest first; `raw`: the line; `jsonl`: one
 * JSON object per line); metric queries print a table. `--follow` streams new lines from
 * the `tail` WebSocket until interrupted.
 */
export async function runLogs(argv: string[]): Promise<number> {
  const args = oneExpression(argv, parse, USAGE);
  if (typeof args === "number") return args;
  const { values, expression } = args;
  const output = values.output as PrintOptions["output"];
  if (!OUTPUTS.includes(output)) {
    console.error(`Cannot print logs: unknown --output "${output}"\n${USAGE}`);
    return 2;
  }
  let server: Server;
  try {
    server = serverOf(values.server, values.token);
    checkFlags(values);
  } catch (err) {
    console.error(`Cannot query logs: ${(err as Error).message}`);
    return 2;
  }
  const form = new URLSearchParams({
    query: expression,
    limit: values.limit,
    since: values.since,
  });
  const opts = { output, utc: values.timezone.toUpperCase() === "UTC" };
  return values.follow ? follow(server, form, opts) : query(server, form, opts);
}

/** The flags the server would refuse, refused here first as usage mistakes (exit 2). */
function checkFlags(values: { limit: string; since: string; timezone: string }): void {
  if (!/^[1-9]\d*$/.test(values.limit))
    throw new Error(`--limit "${values.limit}": expected a whole number above 0`);
  parseDuration(values.since);
  if (!["LOCAL", "UTC"].includes(values.timezone.toUpperCase()))
    throw new Error(`--timezone "${values.timezone}": expected Local or UTC`);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: "string", short: "s", default: DEFAULT_SERVER },
      token: { type: "string" },
      since: { type: "string", default: "1h" },
      limit: { type: "string", default: "100" },
      follow: { type: "boolean", short: "f" },
      output: { type: "string", short: "o", default: "default" },
      timezone: { type: "string", short: "z", default: "Local" },
      help: { type: "boolean", short: "h" },
    },
  });
}

async function query(server: Server, form: URLSearchParams, opts: PrintOptions): Promise<number> {
  let answered: { status: number; body: string };
  try {
    answered = await ask(server, "/loki/api/v1/query_range", { method: "POST", body: form });
  } catch (err) {
    console.error(`Cannot query logs on ${server.url}: ${(err as Error).message}`);
    return 1;
  }
  const { status, body } = answered;
  let data: { resultType: string; result: unknown } | undefined;
  try {
    if (status === 200) data = (JSON.parse(body) as { data: typeof data }).data;
  } catch {
    // not JSON: said below with its status
  }
  if (data === undefined) {
    console.error(`Cannot query logs on ${server.url}: ${refusal(status, body)}`);
    return 1;
  }
  if (data.resultType !== "streams") {
    printMetrics(body, data, opts.output);
    return 0;
  }
  const printed = formatStreams(data.result as Stream[], opts);
  if (printed.common !== "") console.error(`Common labels: ${printed.common}`);
  for (const line of printed.lines) console.log(line);
  return 0;
}

/** A metric answer: a table, the API's JSON (`raw`), or one JSON series per line (`jsonl`). */
function printMetrics(
  body: string,
  data: { resultType: string; result: unknown },
  output: PrintOptions["output"],
): void {
  if (output === "raw") {
    console.log(body.trim());
  } else if (output === "jsonl") {
    for (const series of data.result as unknown[]) console.log(JSON.stringify(series));
  } else {
    console.log(renderTable(data.resultType, data.result).join("\n") || "(no data)");
  }
}

async function follow(server: Server, form: URLSearchParams, opts: PrintOptions): Promise<number> {
  const path = `/loki/api/v1/tail?${form}`;
  // A WebSocket client never sees why a handshake was refused; a plain GET shows Loki's reason.
  try {
    const { status, body } = await ask(server, path);
    if (status !== 400 || body !== "Bad Request\n") {
      console.error(`Cannot follow logs on ${server.url}: ${refusal(status, body)}`);
      return 1;
    }
  } catch (err) {
    console.error(`Cannot follow logs on ${server.url}: ${(err as Error).message}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    // Bun's WebSocket takes headers: the same credentials as the GET above.
    const ws = new WebSocket(`${server.url}${path}`.replace(/^http/, "ws"), {
      headers: server.headers,
    } as unknown as string[]);
    const stop = () => ws.close(1000);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    ws.onmessage = (e) => {
      const frame = JSON.parse(String(e.data)) as { streams?: Stream[] };
      for (const line of formatTailFrame(frame.streams ?? [], opts)) console.log(line);
    };
    ws.onerror = () => console.error(`Cannot follow logs on ${server.url}: the connection failed`);
    ws.onclose = (e) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      const clean = e.code === 1000 || e.code === 1005;
      if (!clean) console.error(`Cannot follow logs on ${server.url}: ${e.code} ${e.reason}`);
      resolve(clean ? 0 : 1);
    };
  });
}

/**
 * The lines of a query answer as logcli prints them: labels shared by every stream are
 * taken out (and returned as `common`), entries of all streams interleaved newest first.
 */
export function formatStreams(
  streams: readonly Stream[],
  opts: PrintOptions,
): { common: string; lines: string[] } {
  const common = commonLabels(streams);
  const own = streams.map((s) => labelSet(s.stream, common));
  const width = Math.max(0, ...own.map((l) => l.length));
  const entries: { ns: bigint; stream: number; line: string }[] = [];
  streams.forEach((s, i) => {
    for (const v of s.values) entries.push({ ns: BigInt(v[0]), stream: i, line: v[1] });
  });
  entries.sort((a, b) => (a.ns < b.ns ? 1 : a.ns > b.ns ? -1 : 0));
  const lines = entries.map((e) =>
    formatEntry(e.ns, streams[e.stream].stream, own[e.stream].padEnd(width), e.line, opts),
  );
  const shared = Object.keys(common).length > 0 ? labelSet(common, {}) : "";
  return { common: shared, lines };
}

/** The lines of one tail frame, in the order received, each with its full labels. */
export function formatTailFrame(streams: readonly Stream[], opts: PrintOptions): string[] {
  return streams.flatMap((s) => {
    const labels = labelSet(s.stream, {});
    return s.values.map((v) => formatEntry(BigInt(v[0]), s.stream, labels, v[1], opts));
  });
}

function formatEntry(
  ns: bigint,
  stream: Record<string, string>,
  labels: string,
  line: string,
  opts: PrintOptions,
): string {
  if (opts.output === "raw") return line;
  if (opts.output === "jsonl") {
    // Go's encoding/json sorts map keys: labels, line, timestamp.
    const time = formatTime(ns, opts.utc, true);
    return `{"labels":${JSON.stringify(sortKeys(stream))},"line":${JSON.stringify(line)},"timestamp":"${time}"}`;
  }
  return `${formatTime(ns, opts.utc, false)} ${labels} ${line.trim()}`;
}

/** `{a="1", b="2"}` as Loki's `LabelSet.String()`, without the labels in `minus`. */
export function labelSet(labels: Record<string, string>, minus: Record<string, string>): string {
  const names = Object.keys(labels)
    .filter((n) => minus[n] !== labels[n])
    .sort();
  return `{${names.map((n) => `${n}=${goQuote(labels[n])}`).join(", ")}}`;
}

/** RFC 3339 in UTC or local time; `nano` adds the fraction as Go's RFC3339Nano (zeros cut). */
export function formatTime(ns: bigint, utc: boolean, nano: boolean): string {
  const ms = Number(ns / 1_000_000n) - (ns % 1_000_000n < 0n ? 1 : 0);
  const offsetMin = utc ? 0 : -new Date(ms).getTimezoneOffset();
  const shifted = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const fraction =
    nano && frac !== 0n ? `.${String(frac).padStart(9, "0").replace(/0+$/, "")}` : "";
  if (offsetMin === 0) return `${shifted}${fraction}Z`;
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${shifted}${fraction}${zone}`;
}

/** The label pairs every stream has (logcli's `commonLabels`); none when there are no streams. */
function commonLabels(streams: readonly Stream[]): Record<string, string> {
  if (streams.length === 0) return {};
  const common = { ...streams[0].stream };
  for (const s of streams.slice(1)) {
    for (const n of Object.keys(common)) if (s.stream[n] !== common[n]) delete common[n];
  }
  return common;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
