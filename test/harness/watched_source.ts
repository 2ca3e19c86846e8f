/**
 * An integrations source for detection tests: fast cycles, the last value (or staleness) of
 * every series it writes, the log sources it hands over, and a wait for a condition.
 */
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import type { DetectedService } from "../../agent/sources/integrations/detect/detect.ts";
import type { ServiceLogSource } from "../../agent/sources/integrations/service_logs.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { formatSeries } from "../../shared/model/labels.ts";

/** A source under test and what it wrote. */
export interface WatchedSource {
  source: IntegrationsSource;
  /** Series (formatSeries) → its last value, or "stale" after its staleness marker. */
  last: Map<string, number | "stale">;
  /** Integration key → the log sources it added and has not removed. */
  tailed: Map<string, readonly ServiceLogSource[]>;
  /** Waits until `ok` holds; throws naming `what` after `ms`. */
  wait(what: string, ok: () => boolean, ms?: number): Promise<void>;
}

/** An autodetecting source (detection every 300 ms, collections every 200 ms) scoped by `filter`. */
export function watchedSource(filter: (s: DetectedService) => boolean): WatchedSource {
  const last = new Map<string, number | "stale">();
  const tailed = new Map<string, readonly ServiceLogSource[]>();
  const source = new IntegrationsSource({
    config: integrationsSchema.parse({
      autodetect: true,
      detect_interval: "300ms",
      interval: "200ms",
      timeout: "150ms",
    }),
    externalLabels: [],
    registry: new Registry(),
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++)
          last.set(
            formatSeries(block.series[i].labels),
            block.isStale(i) ? "stale" : block.values[i],
          );
      },
    },
    logs: {
      add: (key, sources) => {
        tailed.set(key, sources);
        return [];
      },
      remove: async (key) => void tailed.delete(key),
    },
    detectFilter: filter,
  });
  const wait = async (what: string, ok: () => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await Bun.sleep(20);
    }
  };
  return { source, last, tailed, wait };
}
