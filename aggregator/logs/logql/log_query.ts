/**
 * Log queries: the lines of the selected streams in [start, end) in the requested direction,
 * through the pipeline, until `limit` lines are kept. Lines are grouped by their labels after
 * the pipeline (parsed labels make new streams, as in Loki) and streams are sorted by their
 * label string, as Loki's `readStreams` sorts them. Structured metadata rides along as the
 * third element of a value rather than in the stream labels.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { formatLabelsGo } from "../../promql/engine/format.ts";
import { LogQLError, type LogQueryOptions, type StreamResult } from "../result.ts";
import type { LogExpr } from "./ast.ts";
import { type EvalContext, forEachRecord } from "./context.ts";
import { LabelsBuilder } from "./labels_builder.ts";
import { compilePipeline, runPipeline } from "./pipeline.ts";

interface Group {
  readonly sortKey: string;
  readonly result: StreamResult;
}

function metadataRecord(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) out[fields[i]] = fields[i + 1];
  return out;
}

function toRecord(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < labels.length; i += 2) out[labels[i]] = labels[i + 1];
  return out;
}

/** Evaluates a log query. */
export async function evalLogQuery(
  ctx: EvalContext,
  e: LogExpr,
  opts: LogQueryOptions,
): Promise<StreamResult[]> {
  if (opts.instant) {
    throw new LogQLError(
      "bad_data",
      "log queries are not supported as an instant query type, please change your query to a range query type",
    );
  }
  const pipeline = compilePipeline(e.stages);
  const groups = new Map<string, Group>();
  const b = new LabelsBuilder();
  let kept = 0;
  if (opts.limit <= 0) return [];
  const params = {
    matchers: e.matchers,
    startNs: opts.startNs,
    endNs: opts.endNs,
    direction: opts.direction,
    lineFilters: pipeline.pushdown,
    // Storage may stop after limitHint records, so only when every record it yields is kept.
    limitHint: e.stages.length === 0 ? opts.limit : 0,
  };
  await forEachRecord(ctx, params, (chunk, i, stream) => {
    let line: string | null = chunk.lines[i];
    const timeNs = chunk.timeNs[i];
    const fields = chunk.fields[i];
    let labels = stream.labels;
    let key = stream.key;
    if (pipeline.lineTest !== undefined) {
      if (!pipeline.lineTest(line)) return true;
    } else {
      b.reset(stream.labels, fields);
      line = runPipeline(pipeline, line, b, timeNs);
      if (line === null) return true;
      if (!b.unchanged) {
        labels = b.labels();
        key = labels.join("\u0000");
      }
    }
    let group = groups.get(key);
    if (group === undefined) {
      group = { sortKey: formatLabelsGo(labels), result: { stream: toRecord(labels), values: [] } };
      groups.set(key, group);
    }
    const ts = timeNs.toString();
    group.result.values.push(fields.length > 0 ? [ts, line, metadataRecord(fields)] : [ts, line]);
    return ++kept < opts.limit;
  });
  return [...groups.values()]
    .sort((x, y) => (x.sortKey < y.sortKey ? -1 : x.sortKey > y.sortKey ? 1 : 0))
    .map((g) => g.result);
}
