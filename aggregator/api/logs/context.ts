/**
 * The context of a line: up to N lines of its stream before it and after it, as Grafana's
 * "show context" asks Loki for them: the stream's labels as the selector, one query backward
 * from the line's time and one forward from it, within a window.
 */
import type { StreamResult } from "../../logs/result.ts";
import type { LogQueryable } from "../../logs/source.ts";
import { checkLimit } from "./limits.ts";
import { type LogRunDeps, queryLogs } from "./run.ts";

/** One line of context: its time, text and structured metadata, as the engine gives values. */
export type ContextLine = StreamResult["values"][number];

/** Which line, and how much around it. */
export interface ContextRequest {
  /** The stream's labels as a record. */
  readonly stream: Readonly<Record<string, string>>;
  readonly timeNs: bigint;
  readonly before: number;
  readonly after: number;
  /** How far either way to look. */
  readonly windowNs: bigint;
}

/** Lines older than the time, at it, and newer than it; each list oldest first. */
export interface LineContext {
  readonly before: ContextLine[];
  readonly at: ContextLine[];
  readonly after: ContextLine[];
}

/** Reads the lines around `req.timeNs` in the stream. */
export async function lineContext(
  source: LogQueryable,
  deps: LogRunDeps,
  req: ContextRequest,
  signal: AbortSignal,
): Promise<LineContext> {
  checkLimit(req.before);
  checkLimit(req.after);
  const query = selectorOf(req.stream);
  const read = async (startNs: bigint, endNs: bigint, limit: number, backward: boolean) => {
    const direction = backward ? ("backward" as const) : ("forward" as const);
    const q = { query, startNs, endNs, stepMs: 1000, limit, direction, instant: false };
    const out = await queryLogs(source, deps, q, signal);
    const values =
      out.result.resultType === "streams" ? out.result.result.flatMap((s) => s.values) : [];
    values.sort((a, b) => compareNs(a[0], b[0]));
    return backward ? values.slice(-limit) : values.slice(0, limit);
  };
  const t = req.timeNs;
  return {
    before: await read(t - req.windowNs, t, req.before, true),
    at: await read(t, t + 1n, 5000, false),
    after: await read(t + 1n, t + 1n + req.windowNs, req.after, false),
  };
}

/** `{a="x", b="y"}`: every label of the stream, matched exactly. */
function selectorOf(stream: Readonly<Record<string, string>>): string {
  const parts = Object.keys(stream)
    .sort()
    .map((k) => `${k}=${JSON.stringify(stream[k])}`);
  return `{${parts.join(", ")}}`;
}

function compareNs(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
