import { formatSeries } from "../model/labels.ts";
import { SeriesCache, type SeriesEntry } from "./cache.ts";
import { type ExpositionFormat, type ParseStats, parseExposition } from "./parse.ts";

/** What one parse delivered, in a shape tests can compare with toEqual. */
export interface Collected {
  /** `[series as Prometheus prints it, value, timestampMs]` per sample. */
  samples: [string, number, number][];
  entries: SeriesEntry[];
  metadata: [string, string, string][];
  stats: ParseStats;
}

/** Test helper: parses `input` as one scrape (beginScrape, parse) and collects everything delivered. */
export function collect(
  input: string | Uint8Array,
  format: ExpositionFormat = "text",
  cache: SeriesCache = new SeriesCache(),
): Collected {
  const body = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const out: Collected = {
    samples: [],
    entries: [],
    metadata: [],
    stats: { samples: 0, duplicates: 0, misses: 0, exemplars: 0 },
  };
  cache.beginScrape();
  out.stats = parseExposition(body, format, cache, {
    sample(entry, value, ts) {
      out.samples.push([formatSeries(entry.labels), value, ts]);
      out.entries.push(entry);
    },
    metadata(name, kind, text) {
      out.metadata.push([name, kind, text]);
    },
  });
  return out;
}
