/**
 * Relays a service's own Prometheus text page (RabbitMQ's rabbitmq_prometheus plugin,
 * HAProxy's built-in `prometheus-exporter` service) into a collector's writer as it is: its
 * families, types, HELP, labels and values. The page is read through {@link StatusPage} (size
 * cap, timeout), parsed with the scrape parser and its series cache (label caps, a series cap),
 * and series the page stops showing are forgotten, so the runner's emitter marks them stale.
 * A page that does not parse fails the collection and is counted.
 */

import { SeriesCache, type SeriesEntry } from "../../../shared/exposition/cache.ts";
import type { ExpositionLimits } from "../../../shared/exposition/limits.ts";
import { detectFormat, parseExpositionInTurns } from "../../../shared/exposition/parse.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import type { MetricType } from "../../../shared/model/sample.ts";
import type { MetricWriter } from "../../pipeline/emitter.ts";
import { MAX_STATUS_BYTES, StatusPage } from "./status_page.ts";

/** Caps of a relay, beside the page size. */
export interface RelayLimits extends ExpositionLimits {
  /** Series per page; a page with more fails, as a scrape over `sample_limit` does. */
  readonly maxSeries: number;
}

/** Caps for a service's own page: far above what RabbitMQ or HAProxy write, far below harm. */
export const RELAY_LIMITS: RelayLimits = {
  maxLabels: 64,
  maxNameLength: 256,
  maxValueLength: 4096,
  maxSeries: 200_000,
};

/** What the relay keeps on each series between pages: its name and labels as the writer wants them. */
interface Relayed {
  name: string;
  labels: string[];
}

/** Text format first: the parser reads both, and a protobuf answer would not parse. */
const ACCEPT = "text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5";

/** One service's Prometheus page, relayed collection after collection. */
export class ExpositionRelay {
  private readonly page: StatusPage;
  private readonly cache = new SeriesCache();
  private parseErrors: Metric | null = null;
  private integration = "";

  /** `page` is the fetch to share with a collector that also reads plain pages (HAProxy). */
  constructor(
    private readonly limits: RelayLimits = RELAY_LIMITS,
    maxBytes = MAX_STATUS_BYTES,
    page = new StatusPage(maxBytes),
  ) {
    this.page = page;
  }

  /** Registers the page's fetch metrics and the relay's parse errors under `integration`. */
  instrument(registry: Registry, integration: string): () => void {
    const removePage = this.page.instrument(registry, integration);
    const errors = registry.counter(
      "outpost_integration_relay_parse_errors_total",
      "Pages of a service's own Prometheus metrics an integration could not relay: malformed, or over a label or series cap.",
      ["integration"],
    );
    this.parseErrors = errors;
    this.integration = integration;
    return () => {
      removePage();
      errors.remove({ integration });
      this.parseErrors = null;
    };
  }

  /** Fetches `url` within the collection's deadline and relays it into `w`; returns its series count. */
  async relay(
    w: MetricWriter,
    url: string,
    deadline: number,
    timeoutMs: number,
    headers: Record<string, string> = {},
  ): Promise<number> {
    const { body, contentType } = await this.page.fetch(url, deadline, timeoutMs, {
      accept: ACCEPT,
      ...headers,
    });
    return this.write(w, body, contentType, url);
  }

  /**
   * Relays one page's `body` into `w`; rejects naming `source` when it does not parse or is
   * over a cap. The parse yields between slices (as a scrape's does), so a large page does not
   * hold up the other services' collections.
   */
  async write(
    w: MetricWriter,
    body: Uint8Array,
    contentType: string | null,
    source: string,
  ): Promise<number> {
    const meta = new Map<string, { type: MetricType; help: string }>();
    let series = 0;
    const max = this.limits.maxSeries;
    this.cache.beginScrape();
    try {
      await parseExpositionInTurns(
        body,
        detectFormat(contentType),
        this.cache,
        {
          sample(entry, value) {
            if (++series > max) throw new RangeError(`it has more than ${max} series`);
            const r = (entry.ref as Relayed | undefined) ?? relayed(entry);
            w.sample(r.name, r.labels, value);
          },
          metadata(name, kind, text) {
            if (kind === "unit") return;
            const m = meta.get(name) ?? { type: "unknown" as MetricType, help: "" };
            if (kind === "type") m.type = text as MetricType;
            else m.help = text;
            meta.set(name, m);
          },
        },
        this.limits,
      );
    } catch (err) {
      if (this.parseErrors) this.parseErrors.labels({ integration: this.integration }).inc();
      throw new SyntaxError(`Cannot relay ${source}: ${(err as Error).message}`);
    }
    // Series gone from the page leave the cache; the emitter marks them stale.
    this.cache.sweep(() => {});
    for (const [name, m] of meta) w.family(name, m.type, m.help);
    return series;
  }
}

/** The writer's spelling of a series, made once while the series lasts. */
function relayed(entry: SeriesEntry): Relayed {
  const r: Relayed = { name: "", labels: [] };
  const l = entry.labels;
  for (let i = 0; i < l.length; i += 2)
    if (l[i] === "__name__") r.name = l[i + 1];
    else r.labels.push(l[i], l[i + 1]);
  entry.ref = r;
  return r;
}
