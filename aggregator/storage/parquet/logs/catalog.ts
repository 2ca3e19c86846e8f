/**
 * The streams of a querier's files and where their rows lie, from the files' indexes: the
 * selector's matchers run here, in JS, once per distinct stream, and the reads then name the
 * chosen streams' texts in SQL.
 */
import type { Labels } from "../../../../shared/model/labels.ts";
import { compileMatchers } from "../../matchers.ts";
import type { LabelMatcher } from "../../storage.ts";
import { labelsFromRow } from "../schema.ts";
import type { FileIndex } from "./index.ts";
import type { StreamChoice } from "./sql.ts";
import type { Span } from "./windows.ts";

/** Streams chosen for one read, with their labels and spans. */
export interface Chosen {
  readonly streams: StreamChoice;
  /** Per chosen stream, in the order of `streams.texts`. */
  readonly labels: Labels[];
  /** Per chosen stream: its spans overlapping the read's range. */
  readonly spans: Span[][];
}

/** The distinct streams of a list of files. */
export class StreamCatalog {
  private readonly texts: string[];
  private readonly labels: Labels[];
  private readonly spans: Span[][];

  constructor(indexes: readonly FileIndex[]) {
    const byText = new Map<string, Span[]>();
    indexes.forEach((index, file) => {
      for (let e = 0; e < index.streams.length; e++) {
        const text = index.streams[e];
        const list = byText.get(text) ?? [];
        if (list.length === 0) byText.set(text, list);
        list.push({ file, minNs: index.minNs[e], maxNs: index.maxNs[e], rows: index.rows[e] });
      }
    });
    const bytes = new Map([...byText.keys()].map((t) => [t, Buffer.from(t)]));
    // Byte order, the files' order of streams.
    this.texts = [...byText.keys()].sort((a, b) => Buffer.compare(bytes.get(a)!, bytes.get(b)!));
    this.labels = this.texts.map((t) => labelsFromRow("", t));
    this.spans = this.texts.map((t) => byText.get(t)!);
  }

  /** The streams matching every matcher with rows in [lo, hi] (inclusive), in stream order. */
  choose(matchers: readonly LabelMatcher[], lo: bigint, hi: bigint): Chosen {
    const match = compileMatchers(matchers);
    const texts: string[] = [];
    const labels: Labels[] = [];
    const spans: Span[][] = [];
    let matched = 0;
    for (let s = 0; s < this.texts.length; s++) {
      if (!match(this.labels[s])) continue;
      matched++;
      const inRange = this.spans[s].filter((sp) => sp.maxNs >= lo && sp.minNs <= hi);
      if (inRange.length === 0) continue;
      texts.push(this.texts[s]);
      labels.push(this.labels[s]);
      spans.push(inRange);
    }
    // Every stream chosen: rows of the others cannot pass the time filter, no stream filter needed.
    return { streams: { texts, all: matched === this.texts.length }, labels, spans };
  }
}
