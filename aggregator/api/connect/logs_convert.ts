/**
 * LogQL answers as `outpost.logs.v1` messages: streams with their labels sorted by name and
 * entries with ns timestamps; metric results as query.v1's Vector and Matrix (ms, doubles).
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { EntrySchema, StreamSchema } from "../../../proto/gen/outpost/logs/v1/logs_pb.ts";
import type {
  LabelSchema,
  MatrixSchema,
  VectorSchema,
} from "../../../proto/gen/outpost/query/v1/query_pb.ts";
import type { MatrixResult, StreamResult, VectorResult } from "../../logs/result.ts";

type Label = MessageInitShape<typeof LabelSchema>;
type Entry = MessageInitShape<typeof EntrySchema>;

/** A label record as pairs sorted by name. */
export function recordOut(record: Readonly<Record<string, string>>): Label[] {
  return Object.keys(record)
    .sort()
    .map((name) => ({ name, value: record[name] }));
}

/** One value of a stream as an entry. */
export function entryOut(v: StreamResult["values"][number]): Entry {
  const metadata =
    v.length > 2 && v[2] ? Object.entries(v[2]).map(([name, value]) => ({ name, value })) : [];
  return { timeNs: BigInt(v[0]), line: v[1], metadata };
}

/** Streams, entries in the order the engine gave them. */
export function streamsOut(
  streams: readonly StreamResult[],
): MessageInitShape<typeof StreamSchema>[] {
  return streams.map((s) => ({ labels: recordOut(s.stream), entries: s.values.map(entryOut) }));
}

/** An instant metric result. */
export function vectorOut(result: readonly VectorResult[]): MessageInitShape<typeof VectorSchema> {
  return {
    samples: result.map((r) => ({
      labels: recordOut(r.metric),
      timeMs: secondsToMs(r.value[0]),
      value: goFloat(r.value[1]),
    })),
  };
}

/** A range metric result: each series' points as two columns. */
export function matrixOut(result: readonly MatrixResult[]): MessageInitShape<typeof MatrixSchema> {
  return {
    series: result.map((r) => ({
      labels: recordOut(r.metric),
      timestampsMs: r.values.map((p) => secondsToMs(p[0])),
      values: r.values.map((p) => goFloat(p[1])),
    })),
  };
}

function secondsToMs(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1000));
}

/** A value as Go formats it ("+Inf", "-Inf", "NaN" included) back to a double. */
function goFloat(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}
