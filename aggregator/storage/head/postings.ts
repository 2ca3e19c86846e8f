/**
 * The head's inverted index, as Prometheus keeps one: label name → value → ids of the series
 * carrying that pair. Selecting by matchers starts from the smallest set a matcher pins and
 * narrows it with the others, so finding one metric among 100k series touches only its own.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { sortUtf8 } from "../../../shared/model/order.ts";
import { heavy } from "../../../shared/runtime/budget.ts";
import { Turns } from "../../../shared/runtime/turns.ts";
import { compileMatcher, matcherLiterals, type ValueTest } from "../matchers.ts";
import type { LabelMatcher } from "../storage.ts";

/** Rough JS cost of one value entry (map slot, string header, list object). */
const VALUE_BYTES = 112;

interface IndexMatcher {
  name: string;
  test: ValueTest;
  /** When finite: the values the matcher accepts (`=`, `=~a|b`) or rejects (`!=`, `!~a|b`). */
  literals: string[] | undefined;
  literalsAccepted: boolean;
  matchesEmpty: boolean;
}

/** The series carrying one label pair, which has a number (`pair`) series store instead. */
export class Posting {
  readonly ids: number[];
  constructor(
    readonly pair: number,
    readonly name: string,
    readonly value: string,
    id: number,
  ) {
    this.ids = [id];
  }
}

/** Label name → value → series ids, and pair number → pair. */
export class Postings {
  /** Estimated bytes held. */
  bytes = 0;
  /** Each pair by number; series keep these numbers instead of their label strings. */
  readonly pairs: (Posting | undefined)[] = [];
  private readonly freePairs: number[] = [];
  private readonly index = new Map<string, Map<string, Posting>>();
  private stamps = new Int32Array(1024);
  private stamp = 0;

  /** Indexes series `id` under each of its label pairs; returns their pair numbers. */
  add(id: number, labels: Labels): number[] {
    if (id >= this.stamps.length) {
      const grown = new Int32Array(Math.max(2 * this.stamps.length, id + 1));
      grown.set(this.stamps);
      this.stamps = grown;
    }
    const pairs: number[] = new Array(labels.length / 2);
    for (let i = 0; i < labels.length; i += 2) {
      let values = this.index.get(labels[i]);
      if (values === undefined) {
        values = new Map();
        this.index.set(labels[i], values);
        this.bytes += VALUE_BYTES + labels[i].length;
      }
      let posting = values.get(labels[i + 1]);
      if (posting === undefined) {
        const pair = this.freePairs.length > 0 ? this.freePairs.pop()! : this.pairs.length;
        // The name string is taken from an existing pair when there is one, so it is shared.
        const name = values.size > 0 ? values.values().next().value!.name : labels[i];
        posting = new Posting(pair, name, labels[i + 1], id);
        this.pairs[pair] = posting;
        values.set(labels[i + 1], posting);
        this.bytes += VALUE_BYTES + labels[i + 1].length;
      } else posting.ids.push(id);
      this.bytes += 8;
      pairs[i / 2] = posting.pair;
    }
    return pairs;
  }

  /** Drops series `ids` from the index; `pairsOf` gives the pair numbers each was added with. */
  remove(ids: readonly number[], pairsOf: (id: number) => number[]): void {
    const t = this.nextStamp();
    const touched = new Set<Posting>();
    for (const id of ids) {
      this.stamps[id] = t;
      for (const pair of pairsOf(id)) touched.add(this.pairs[pair]!);
    }
    for (const posting of touched) {
      const list = posting.ids;
      let kept = 0;
      for (const id of list) if (this.stamps[id] !== t) list[kept++] = id;
      this.bytes -= 8 * (list.length - kept);
      list.length = kept;
      if (kept > 0) continue;
      const values = this.index.get(posting.name)!;
      values.delete(posting.value);
      this.pairs[posting.pair] = undefined;
      this.freePairs.push(posting.pair);
      this.bytes -= VALUE_BYTES + posting.value.length;
      if (values.size === 0) {
        this.index.delete(posting.name);
        this.bytes -= VALUE_BYTES + posting.name.length;
      }
    }
  }

  /** Every label name, sorted. */
  names(): string[] {
    return sortUtf8([...this.index.keys()]);
  }

  /** Every value of label `name`, sorted. */
  values(name: string): string[] {
    return sortUtf8([...(this.index.get(name)?.keys() ?? [])]);
  }

  /**
   * Ids of the series matching every matcher; `all` lists every id for matchers that pin none.
   * A regex is tested value by value, giving other work turns (`turns`) where that holds the
   * thread; the ids are read only once every value is tested, so they are the index's at one
   * moment (a posting's ids change in place, and one emptied is left empty).
   */
  async select(
    matchers: readonly LabelMatcher[],
    all: () => number[],
    turns = new Turns(),
  ): Promise<number[]> {
    const compiled = matchers.map(indexMatcher);
    const positive: Posting[][] = [];
    for (const m of compiled)
      if (!m.matchesEmpty) positive.push(await this.postings(m, true, turns));
    const negative: Posting[][] = [];
    for (const m of compiled)
      if (m.matchesEmpty) negative.push(await this.postings(m, false, turns));
    // From here on, nothing awaits.
    const lists = positive.map((ps) => ({ lists: ps.map((p) => p.ids), size: 0 }));
    for (const p of lists) for (const l of p.lists) p.size += l.length;
    lists.sort((a, b) => a.size - b.size);
    let ids = lists.length > 0 ? lists[0].lists.flat() : all();
    for (let k = 1; k < lists.length && ids.length > 0; k++) {
      ids = this.keep(ids, lists[k].lists, true);
    }
    for (const ps of negative) {
      if (ids.length > 0)
        ids = this.keep(
          ids,
          ps.map((p) => p.ids),
          false,
        );
    }
    return ids;
  }

  /** The postings of the values `m` accepts (`accepted`) or rejects. */
  private async postings(m: IndexMatcher, accepted: boolean, turns: Turns): Promise<Posting[]> {
    const values = this.index.get(m.name);
    if (values === undefined) return [];
    const out: Posting[] = [];
    if (m.literals !== undefined && accepted === m.literalsAccepted) {
      for (const v of m.literals) {
        const posting = values.get(v);
        if (posting !== undefined) out.push(posting);
      }
      return out;
    }
    // A Map's iteration goes on past entries added meanwhile and skips those deleted.
    for (const [v, posting] of values) {
      if (m.test(v) === accepted) out.push(posting);
      // The clock costs 0.3 us a read on these VMs: read every 64th value, or once a regex
      // has been charged a check's worth (shared/runtime/budget.ts).
      if (turns.due(64) || heavy()) await turns.turn();
    }
    return out;
  }

  /** Keeps the ids that are (`inside`) or are not in any of `lists`. */
  private keep(ids: number[], lists: number[][], inside: boolean): number[] {
    if (lists.length === 0) return inside ? [] : ids;
    const t = this.nextStamp();
    for (const list of lists) for (const id of list) this.stamps[id] = t;
    return ids.filter((id) => (this.stamps[id] === t) === inside);
  }

  private nextStamp(): number {
    if (this.stamp >= 0x7fffffff) {
      this.stamps.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

function indexMatcher(m: LabelMatcher): IndexMatcher {
  const test = compileMatcher(m);
  const accepts = m.type === "=" || m.type === "=~";
  const literals = matcherLiterals(accepts ? m : { ...m, type: m.type === "!=" ? "=" : "=~" });
  return { name: m.name, test, literals, literalsAccepted: accepts, matchesEmpty: test("") };
}
