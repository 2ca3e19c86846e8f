/**
 * A SampleConsumer for the integrations' end-to-end tests: the last value (or "stale") of
 * every series it was handed, found by name and instance.
 */
import type { SampleBlock } from "../../shared/model/block.ts";
import { formatSeries } from "../../shared/model/labels.ts";

/** What reached the consumer: last value (or "stale") per series. */
export class Recorder {
  readonly last = new Map<string, number | "stale">();

  /** Keeps each series' last value. */
  consume(block: SampleBlock): void {
    for (let i = 0; i < block.length; i++)
      this.last.set(
        formatSeries(block.series[i].labels),
        block.isStale(i) ? "stale" : block.values[i],
      );
  }

  /** The last value of `name` at `instance`, undefined when never seen. */
  find(name: string, instance: string): number | "stale" | undefined {
    for (const [s, v] of this.last)
      if (s.startsWith(`${name}{`) && s.includes(`instance="${instance}"`)) return v;
    return undefined;
  }
}
