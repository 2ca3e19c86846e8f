import { compareLabels, type Labels } from "../../../shared/model/labels.ts";
import { sortWithTurns } from "../../../shared/runtime/turns.ts";
import { labelNamesOf, labelValuesOf } from "../labels.ts";
import type { LabelMatcher, Querier, SeriesSamples, TimeRange } from "../storage.ts";
import type { Head } from "./head.ts";

/**
 * A query's view of the head. Every call reads the samples synchronously and returns copies, so
 * a result never changes under its reader; calls made later see samples appended meanwhile.
 */
export class HeadQuerier implements Querier {
  constructor(private readonly head: Head) {}

  /** Series matching every matcher with their samples in `range`, sorted by labels. */
  async select(matchers: readonly LabelMatcher[], range: TimeRange): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const id of await this.head.matchingSeries(matchers, range)) {
      const samples = this.head.seriesSamples(id, range);
      if (samples !== undefined) out.push(samples);
    }
    return sortWithTurns(out, (a, b) => compareLabels(a.labels, b.labels));
  }

  /** Label names of the matching series with samples in `range`, sorted. */
  async labelNames(matchers: readonly LabelMatcher[], range: TimeRange): Promise<string[]> {
    if (matchers.length === 0) {
      return this.head.overlaps(range) ? this.head.table.postings.names() : [];
    }
    return labelNamesOf(await this.labels(matchers, range));
  }

  /** Values of label `name` over the matching series with samples in `range`, sorted. */
  async labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    range: TimeRange,
  ): Promise<string[]> {
    if (matchers.length === 0) {
      return this.head.overlaps(range) ? this.head.table.postings.values(name) : [];
    }
    return labelValuesOf(name, await this.labels(matchers, range));
  }

  /** Nothing to release: results are copies. */
  close(): void {}

  private async labels(matchers: readonly LabelMatcher[], range: TimeRange): Promise<Labels[]> {
    const ids = await this.head.matchingSeries(matchers, range);
    return ids.map((id) => this.head.table.labelsOf(id));
  }
}
