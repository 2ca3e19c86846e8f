/**
 * Stream lookups for any transport: label names, one label's values and the label sets of
 * matching streams, read from `LogQuerier.streams()`. Selectors are Loki's (selector.ts); a
 * bad one is a `bad_data` error with the parser's message.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import type { LogQuerier, LogQueryable } from "../../logs/source.ts";
import type { LabelMatcher } from "../../storage/storage.ts";
import { parseStreamSelector } from "./selector.ts";

/** Label names (`name` undefined) or one label's values, sorted, without duplicates. */
export async function findLabels(
  source: LogQueryable,
  selector: string,
  startNs: bigint,
  endNs: bigint,
  name: string | undefined,
): Promise<string[]> {
  const matchers = selector === "" ? [] : streamSelector(selector, true);
  const streams = await withQuerier(source, (q) => q.streams(matchers, startNs, endNs));
  const found = new Set<string>();
  for (const labels of streams) {
    for (let i = 0; i < labels.length; i += 2) {
      if (name === undefined) found.add(labels[i]);
      else if (labels[i] === name) found.add(labels[i + 1]);
    }
  }
  return [...found].sort();
}

/** The label sets of the streams matching any of `selectors` (every stream when none). */
export async function findStreams(
  source: LogQueryable,
  selectors: readonly string[],
  startNs: bigint,
  endNs: bigint,
): Promise<Labels[]> {
  let groups = [...new Set(selectors)].sort();
  // Loki reads a lone `{}` as no selector at all: every stream.
  if (groups.length === 1 && groups[0].replaceAll(" ", "") === "{}") groups = [];
  const sets = groups.map((g) => streamSelector(g, false));
  return withQuerier(source, async (q) => {
    const byKey = new Map<string, Labels>();
    for (const set of sets.length === 0 ? [[]] : sets) {
      for (const labels of await q.streams(set, startNs, endNs))
        byKey.set(labels.join("\xff"), labels);
    }
    return [...byKey.values()];
  });
}

/** A selector parameter; a bad one is `bad_data` with the parser's message. */
export function streamSelector(text: string, validate: boolean): LabelMatcher[] {
  try {
    return parseStreamSelector(text, validate);
  } catch (err) {
    throw new OutpostError("bad_data", (err as Error).message);
  }
}

/** Runs `read` on a fresh querier and closes it. */
export async function withQuerier<T>(
  source: LogQueryable,
  read: (q: LogQuerier) => Promise<T>,
): Promise<T> {
  const querier = await source.querier();
  try {
    return await read(querier);
  } finally {
    querier.close();
  }
}
