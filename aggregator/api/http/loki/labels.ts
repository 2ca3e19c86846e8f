/**
 * The stream lookups: `/loki/api/v1/labels`, `/label/<name>/values`, `/series` and
 * `/index/stats`, answered from `LogQuerier.streams()` (and `buckets()` or `select()` for the
 * stats) with Loki 3's parameters and JSON.
 */

import type { LogQuerier, LogQueryable } from "../../../logs/source.ts";
import type { LabelMatcher } from "../../../storage/storage.ts";
import { findLabels, findStreams, streamSelector, withQuerier } from "../../logs/lookups.ts";
import type { Form } from "../form.ts";
import { readBounds, readRangeParams } from "./params.ts";
import { json, labelsBody } from "./respond.ts";

/** Answers `labels` (`name` undefined) or `label/<name>/values`: sorted, without duplicates. */
export async function labelLookup(
  form: Form,
  source: LogQueryable,
  nowNs: bigint,
  name: string | undefined,
): Promise<Response> {
  const { startNs, endNs } = readBounds(form, nowNs);
  return json(labelsBody(await findLabels(source, form.get("query"), startNs, endNs, name)));
}

/** Answers `series`: the label sets of the streams matching any `match[]` (or `match`). */
export async function series(form: Form, source: LogQueryable, nowNs: bigint): Promise<Response> {
  const { startNs, endNs } = readBounds(form, nowNs);
  const selectors = [...form.all("match"), ...form.all("match[]")];
  const found = await findStreams(source, selectors, startNs, endNs);
  const data = found.map((labels) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < labels.length; i += 2) record[labels[i]] = labels[i + 1];
    return record;
  });
  return json(`{"status":"success","data":${JSON.stringify(data)}}`);
}

/**
 * Answers `index/stats`: streams, "chunks", entries and line bytes of the selected streams in
 * the range. Outpost keeps no chunks; each stream with data counts as one.
 */
export async function indexStats(
  form: Form,
  source: LogQueryable,
  nowNs: bigint,
): Promise<Response> {
  const p = readRangeParams(form, nowNs);
  const matchers = streamSelector(p.query, true);
  const s = await withQuerier(source, (q) => countRecords(q, matchers, p.startNs, p.endNs));
  return json(
    `{"streams":${s.streams},"chunks":${s.streams},"bytes":${s.bytes},"entries":${s.entries}}`,
  );
}

interface Counts {
  streams: number;
  entries: number;
  bytes: number;
}

/** Counts through the storage's bucket pushdown when it has one, else by reading the records. */
async function countRecords(
  q: LogQuerier,
  matchers: readonly LabelMatcher[],
  startNs: bigint,
  endNs: bigint,
): Promise<Counts> {
  const streams = new Set<number>();
  let entries = 0;
  let bytes = 0;
  if (q.buckets) {
    // One bucket holds (start - 1, end]: every record from start to end, both included.
    const bucketNs = endNs - startNs + 1n;
    const b = await q.buckets({
      matchers,
      lineFilters: [],
      startNs: startNs - 1n,
      bucketNs,
      buckets: 1,
    });
    for (let i = 0; i < b.length; i++) {
      streams.add(b.stream[i]);
      entries += b.count[i];
      bytes += b.bytes[i];
    }
    return { streams: streams.size, entries, bytes };
  }
  const params = { matchers, startNs, endNs: endNs + 1n, lineFilters: [], limitHint: 0 };
  const seen = new Set<string>();
  for await (const chunk of q.select({ ...params, direction: "forward" })) {
    const present = new Uint8Array(chunk.streams.length);
    for (let i = 0; i < chunk.length; i++) {
      present[chunk.stream[i]] = 1;
      bytes += Buffer.byteLength(chunk.lines[i], "utf8");
    }
    for (let k = 0; k < present.length; k++) {
      if (present[k] === 1) seen.add(chunk.streams[k].join("\xff"));
    }
    entries += chunk.length;
  }
  return { streams: seen.size, entries, bytes };
}
