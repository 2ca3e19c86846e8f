/**
 * The rabbitmq_prometheus plugin's own page, written through as it is: its families, types,
 * HELP, labels and values are the reference the management-API path imitates.
 */
import { SeriesCache } from "../../../../shared/exposition/cache.ts";
import { parseExposition } from "../../../../shared/exposition/parse.ts";
import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";

/** Parses one scrape of the plugin's text page into `w`; the cache keeps series spellings between scrapes. */
export function writePluginPage(w: MetricWriter, body: Uint8Array, cache: SeriesCache): void {
  const meta = new Map<string, { type: MetricType; help: string }>();
  const samples: [string, string[], number][] = [];
  cache.beginScrape();
  parseExposition(body, "text", cache, {
    sample(entry, value) {
      const labels: string[] = [];
      let name = "";
      const l = entry.labels;
      for (let i = 0; i < l.length; i += 2)
        if (l[i] === "__name__") name = l[i + 1];
        else labels.push(l[i], l[i + 1]);
      samples.push([name, labels, value]);
    },
    metadata(name, kind, text) {
      const m = meta.get(name) ?? { type: "unknown" as MetricType, help: "" };
      if (kind === "type") m.type = text as MetricType;
      else if (kind === "help") m.help = text;
      meta.set(name, m);
    },
  });
  for (const [name, m] of meta) w.family(name, m.type, m.help);
  for (const [name, labels, value] of samples) w.sample(name, labels, value);
}

/** A fresh series cache for one node's plugin page. */
export function pluginCache(): SeriesCache {
  return new SeriesCache();
}
