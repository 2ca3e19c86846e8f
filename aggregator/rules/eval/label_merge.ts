/**
 * A prepared {@link withLabels}: the labels a rule sets or deletes are sorted once, and each
 * series is merged with them in one pass over its (already sorted) labels. A recording rule
 * renames every series of its result at every evaluation; building a Map and sorting its
 * names per series was the largest part of writing its output.
 */
import { compareNames, type Labels } from "../../../shared/model/labels.ts";
import { withLabels } from "./output.ts";

/** One name the merge touches: a value to set, or "" to delete the label. */
interface Op {
  readonly name: string;
  readonly value: string;
}

/** Applies a fixed set of label changes to sorted label sets. */
export class LabelMerge {
  private readonly ops: readonly Op[];

  /** The changes of `withLabels(labels, set, del)`: `del` removed first, then `set` applied. */
  constructor(
    readonly set: Readonly<Record<string, string>>,
    readonly del: readonly string[] = [],
  ) {
    const byName = new Map<string, string>();
    for (const name of del) byName.set(name, "");
    for (const [name, value] of Object.entries(set)) byName.set(name, value);
    this.ops = [...byName.keys()]
      .sort(compareNames)
      .map((name) => ({ name, value: byName.get(name)! }));
  }

  /**
   * `labels` (sorted, names unique, as every {@link Labels} is) with the changes applied: the
   * same set {@link withLabels} returns, built without a Map or a sort.
   */
  apply(labels: Labels): Labels {
    const ops = this.ops;
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (i < labels.length && j < ops.length) {
      const c = compareNames(labels[i], ops[j].name);
      if (c < 0) {
        out.push(labels[i], labels[i + 1]);
        i += 2;
        continue;
      }
      if (ops[j].value !== "") out.push(ops[j].name, ops[j].value);
      if (c === 0) i += 2;
      j++;
    }
    for (; i < labels.length; i += 2) out.push(labels[i], labels[i + 1]);
    for (; j < ops.length; j++) if (ops[j].value !== "") out.push(ops[j].name, ops[j].value);
    return out;
  }

  /** The reference: {@link withLabels}, for tests and the evaluator's `reference` switch. */
  applyReference(labels: Labels): Labels {
    return withLabels(labels, this.set, this.del);
  }
}
