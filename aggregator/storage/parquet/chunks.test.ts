import { describe, expect, test } from "bun:test";
import { isStaleAt, writeStale } from "../../../shared/model/sample.ts";
import { isValid, loadSampleRows, scanChunks } from "./chunks.ts";
import { withConnection } from "./db.ts";

/**
 * Columns of `n` rows with staleness markers at rows 999 and 1999 only: the chunks after the
 * first must come out without NULLs at the same offsets.
 */
function columns(n: number) {
  const values = new Float64Array(n);
  const valueWords = new Uint32Array(values.buffer);
  const seriesIndex = new Int32Array(n);
  const timestamps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    seriesIndex[i] = i % 7;
    timestamps[i] = 1_700_000_000_000 + i;
    values[i] = i / 3;
    if (i === 999 || i === 1999) writeStale(valueWords, i);
  }
  return { length: n, seriesIndex, timestamps, values, valueWords };
}

describe("loadSampleRows() and scanChunks()", () => {
  const sizes: [string, number][] = [
    ["an empty table", 0],
    ["a partial chunk", 5],
    ["many chunks with a partial last one", 2048 * 3 + 17],
  ];
  test.each(sizes)("round-trip %s, staleness as NULL", async (_name, n) => {
    const cols = columns(n);
    const back = { sidx: [] as number[], ts: [] as number[], value: [] as number[], stale: 0 };
    await withConnection(async (conn) => {
      await loadSampleRows(conn, "t", cols);
      await scanChunks(conn, "SELECT sidx, ts, value FROM t ORDER BY rowid", (view) => {
        const valid = view.validity(2);
        for (let i = 0; i < view.rows; i++) {
          back.sidx.push(view.i32(0)[i]);
          back.ts.push(view.f64(1)[i]);
          if (isValid(valid, i)) back.value.push(view.f64(2)[i]);
          else back.stale++;
        }
      });
    });
    const live = [...cols.values].filter((_, i) => !isStaleAt(cols.valueWords, i));
    expect(back.sidx).toEqual([...cols.seriesIndex]);
    expect(back.ts).toEqual([...cols.timestamps]);
    expect(back.value).toEqual(live);
    expect(back.stale).toBe(n - live.length);
  });
});
