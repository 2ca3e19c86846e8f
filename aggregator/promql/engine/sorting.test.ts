import { describe, expect, test } from "bun:test";
import { MemoryStorage } from "../../storage/memory.ts";
import { query } from "./testing.ts";

/** The `id` labels of an instant query's series, in the order it answered them. */
async function ids(store: MemoryStorage, q: string): Promise<string[]> {
  const out = await query(store, q, { time: 0 });
  if (out.result.type !== "vector") throw new Error(`Cannot read ids: ${q} gave no vector`);
  return out.result.samples.map((s) => s.labels[s.labels.indexOf("id") + 1]);
}

/** Series s{id, l} in id order, which is the order sort_by_label gets them in. */
function store(values: readonly (string | null)[]): MemoryStorage {
  const s = new MemoryStorage();
  values.forEach((l, i) => {
    s.add({ __name__: "s", id: String(i + 1), ...(l === null ? {} : { l }) }, [[0, i]]);
  });
  return s;
}

describe("sort_by_label", () => {
  test.each([
    ["the larger first", ["9007199254740993", "9007199254740992"]],
    ["the smaller first", ["9007199254740992", "9007199254740993"]],
  ])("orders digit runs beyond 2^53 exactly when the input has %s", async (_, values) => {
    const byId = await ids(store(values), 'sort_by_label(s, "l")');
    expect(byId.map((id) => values[Number(id) - 1])).toEqual([
      "9007199254740992",
      "9007199254740993",
    ]);
  });

  // natsort cannot order an empty value against any other (neither is less) nor values whose
  // digit runs are equal as numbers (each is less): where those land depends on the sort, and
  // Prometheus's is Go's. Expected orders from scripts/go-reference: Go 1.19's sort.Slice (the
  // pdqsort of slices.SortFunc) with Prometheus's comparator over natsort.Compare (Debian's
  // natsort at 2cd4dd1, the commit Prometheus pins).
  const values = ["y", "x001", null, "x01", "x1"];
  test.each([
    ["sort_by_label", ["2", "1", "3", "5", "4"]],
    ["sort_by_label_desc", ["3", "1", "2", "4", "5"]],
  ])("%s() leaves series natsort cannot order where Prometheus does", async (f, want) => {
    expect(await ids(store(values), `${f}(s, "l")`)).toEqual(want);
  });
});

describe("sort and sort_desc", () => {
  /** Series v{id} with these values, ids 01, 02, … in input order. */
  function values(vs: readonly number[]): MemoryStorage {
    const s = new MemoryStorage();
    vs.forEach((v, i) => {
      s.add({ __name__: "v", id: String(i + 1).padStart(2, "0") }, [[0, v]]);
    });
    return s;
  }
  const asNumbers = (ids: string[]) => ids.map(Number);

  // Expected orders from scripts/go-reference: Go 1.19's sort.Sort(sort.Reverse(…)) over
  // Prometheus's vectorByReverseValueHeap and vectorByValueHeap (Go 1.24's pdqsort but for
  // breakPatterns' xorshift, which these inputs do not reach). Debian's Prometheus 2.42 (built
  // with Go 1.19.8, same sort functions) answered all three queries in these orders.
  test.each([
    ["sort", [3, 1, 4, 5, 2]],
    ["sort_desc", [1, 4, 3, 5, 2]],
  ])("%s() puts two NaNs in the order Go's sort leaves them", async (f, want) => {
    const nan = Number.NaN;
    expect(asNumbers(await ids(values([1, nan, 0, 1, nan]), `${f}(v)`))).toEqual(want);
  });

  test("sort() orders ties among 20 series as Go's pdqsort does", async () => {
    const nan = Number.NaN;
    const vs = [2, 1, nan, 2, 2, 2, 1, nan, 0, 0, 2, 0, 0, 0, 2, 0, 0, 2, 1, 2];
    const go = [11, 16, 15, 13, 12, 8, 9, 1, 18, 6, 5, 10, 0, 14, 4, 3, 17, 19, 2, 7];
    expect(asNumbers(await ids(values(vs), "sort(v)"))).toEqual(go.map((i) => i + 1));
  });
});
