import { describe, expect, test } from "bun:test";
import { isStaleAt, writeStale } from "../../../shared/model/sample.ts";
import {
  isValid,
  loadSampleRows,
  scanChunks,
  scanPipelined,
  scanTuning,
  startScan,
} from "./chunks.ts";
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

describe("scanPipelined()", () => {
  /** Five queries of 5,000 rows each (three chunks), their values numbered across them. */
  const sqls = [0, 1, 2, 3, 4].map(
    (q) => `SELECT (${q} * 5000 + i)::DOUBLE AS v FROM range(5000) t(i) ORDER BY i`,
  );

  /** The values `scanPipelined` hands over, stopping after `stopAt` chunks. */
  async function scan(pipelined: boolean, stopAt = Number.POSITIVE_INFINITY, direct = true) {
    scanTuning.pipelined = pipelined;
    scanTuning.direct = direct;
    try {
      return await withConnection(async (conn) => {
        const values: number[] = [];
        let chunks = 0;
        await scanPipelined(conn, sqls, (view) => {
          values.push(...view.f64(0));
          return ++chunks < stopAt;
        });
        // The connection is free again: a query after the scan runs.
        const after = (await conn.runAndReadAll("SELECT 42")).getRowsJS();
        return { values, chunks, after };
      });
    } finally {
      scanTuning.pipelined = true;
      scanTuning.direct = true;
    }
  }

  test("hands over every chunk of every query in order, as one after the other does", async () => {
    const pipelined = await scan(true);
    expect(pipelined.values).toEqual(Array.from({ length: 25_000 }, (_, i) => i));
    expect(pipelined).toEqual(await scan(false));
    expect(pipelined).toEqual(await scan(true, Number.POSITIVE_INFINITY, false));
    expect(pipelined).toEqual(await scan(false, Number.POSITIVE_INFINITY, false));
  });

  test("stops where it is told, leaving the connection free", async () => {
    // Four chunks (a query gives three): into the second query, while the third runs.
    const pipelined = await scan(true, 4);
    expect(pipelined.chunks).toBe(4);
    expect(pipelined.values).toHaveLength(5000 + 2048);
    expect(pipelined.after).toEqual([[42]]);
    expect(pipelined).toEqual(await scan(false, 4));
    expect(pipelined).toEqual(await scan(true, 4, false));
  });

  const both = [
    ["through the C API", true],
    ["through the binding", false],
  ] as const;

  test.each(both)("stops without the error of the query it no longer wants (%s)", async (_, d) => {
    scanTuning.direct = d;
    await withConnection(async (conn) => {
      await scanPipelined(conn, [sqls[0], "SELECT error('not wanted')"], () => false);
      expect((await conn.runAndReadAll("SELECT 1")).getRowsJS()).toEqual([[1]]);
    }).finally(() => {
      scanTuning.direct = true;
    });
  });

  test.each(both)(
    "gives a failing query's error once the one before is copied (%s)",
    async (_, d) => {
      scanTuning.direct = d;
      await withConnection(async (conn) => {
        let chunks = 0;
        const failing = [sqls[0], "SELECT error('no such rows')", sqls[1]];
        await expect(
          scanPipelined(conn, failing, () => {
            chunks++;
            return true;
          }),
        ).rejects.toThrow("no such rows");
        expect(chunks).toBe(3);
        expect((await conn.runAndReadAll("SELECT 1")).getRowsJS()).toEqual([[1]]);
      }).finally(() => {
        scanTuning.direct = true;
      });
    },
  );
});

describe("startScan()", () => {
  const sqls = [0, 1, 2].map(
    (q) => `SELECT (${q} * 3000 + i)::DOUBLE AS v FROM range(3000) t(i) ORDER BY i`,
  );

  test("read later, hands over what scanPipelined does, while the connection is used meanwhile", async () => {
    await withConnection(async (conn) => {
      const scan = startScan(conn, sqls);
      // The connection answers while the first query runs apart (through the C API).
      expect((await conn.runAndReadAll("SELECT 7")).getRowsJS()).toEqual([[7]]);
      const values: number[] = [];
      await scan.each((view) => {
        values.push(...view.f64(0));
        return true;
      });
      expect(values).toEqual(Array.from({ length: 9000 }, (_, i) => i));
      await expect(scan.each(() => true)).rejects.toThrow("A scan is read once");
      await scan.drop();
    });
  });

  test("dropped unread, waits for its first query and leaves nothing running", async () => {
    for (const direct of [true, false]) {
      scanTuning.direct = direct;
      try {
        await withConnection(async (conn) => {
          await startScan(conn, sqls).drop();
          await startScan(conn, ["SELECT error('not wanted')"]).drop();
          expect((await conn.runAndReadAll("SELECT 1")).getRowsJS()).toEqual([[1]]);
        });
      } finally {
        scanTuning.direct = true;
      }
    }
  });

  test("gives its first query's error when read", async () => {
    await withConnection(async (conn) => {
      const scan = startScan(conn, ["SELECT error('no such rows')", sqls[0]]);
      await Bun.sleep(20);
      await expect(scan.each(() => true)).rejects.toThrow("no such rows");
    });
  });
});
