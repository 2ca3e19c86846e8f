/** Numbering of stream label sets, for code that gathers records of several sources. */
import type { Labels } from "../../shared/model/labels.ts";

/** Gives each distinct label set one index, in first-seen order. */
export class StreamTable {
  /** The label sets by index. */
  readonly labels: Labels[] = [];
  private readonly ids = new Map<string, number>();

  /** The index of `labels`, added when new. */
  id(labels: Labels): number {
    const key = labels.join("\xff");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.labels.length;
      this.ids.set(key, id);
      this.labels.push(labels);
    }
    return id;
  }
}
