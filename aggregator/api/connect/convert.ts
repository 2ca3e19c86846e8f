/**
 * The query service's answers as `outpost.query.v1` messages: labels as name/value pairs in
 * their order, timestamps as int64 ms, values as doubles (NaN and ±Inf as they are).
 */
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type {
  ExplainNodeSchema,
  LabelSchema,
  MatrixSchema,
  QueryStatsSchema,
  ResultSchema,
} from "../../../proto/gen/outpost/query/v1/query_pb.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import type { QueryResult, QueryStats, SeriesPoints } from "../../promql/value.ts";
import type { ExplainedNode } from "../query/explain.ts";

type Init<T extends DescMessage> = MessageInitShape<T>;

/** Labels as repeated `Label` pairs. */
export function labelsOut(labels: Labels): Init<typeof LabelSchema>[] {
  const out = new Array<Init<typeof LabelSchema>>(labels.length / 2);
  for (let i = 0; i < labels.length; i += 2) out[i / 2] = { name: labels[i], value: labels[i + 1] };
  return out;
}

/** A matrix: each series' points as two columns. */
export function matrixOut(series: readonly SeriesPoints[]): Init<typeof MatrixSchema> {
  return {
    series: series.map((s) => {
      const timestampsMs = new Array<bigint>(s.timestamps.length);
      for (let i = 0; i < timestampsMs.length; i++) timestampsMs[i] = BigInt(s.timestamps[i]);
      return { labels: labelsOut(s.labels), timestampsMs, values: Array.from(s.values) };
    }),
  };
}

/** An instant query's result, by type. */
export function resultOut(r: QueryResult): Init<typeof ResultSchema> {
  switch (r.type) {
    case "scalar":
      return { value: { case: "scalar", value: { timeMs: BigInt(r.t), value: r.v } } };
    case "string":
      return { value: { case: "string", value: { timeMs: BigInt(r.t), value: r.v } } };
    case "vector":
      return {
        value: {
          case: "vector",
          value: {
            samples: r.samples.map((s) => ({
              labels: labelsOut(s.labels),
              timeMs: BigInt(s.t),
              value: s.v,
            })),
          },
        },
      };
    case "matrix":
      return { value: { case: "matrix", value: matrixOut(r.series) } };
  }
}

/** Statistics, as Prometheus's `stats=all` reports them. */
export function statsOut(s: QueryStats): Init<typeof QueryStatsSchema> {
  return {
    totalQueryableSamples: BigInt(s.totalQueryableSamples),
    peakSamples: BigInt(s.peakSamples),
    parseSeconds: s.timings.parseSeconds,
    queryPrepareSeconds: s.timings.queryPrepareSeconds,
    evalSeconds: s.timings.evalSeconds,
    totalSeconds: s.timings.totalSeconds,
  };
}

/** An explained node and its children. */
export function explainOut(n: ExplainedNode): Init<typeof ExplainNodeSchema> {
  return {
    kind: n.kind,
    valueType: n.valueType,
    text: n.text,
    start: n.start,
    end: n.end,
    series: BigInt(n.series),
    samples: BigInt(n.samples),
    error: n.error,
    children: n.children.map(explainOut),
  };
}
