import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChunkView, isValid, scanMaterialized } from "./chunks.ts";
import { closeDb, withConnection } from "./db.ts";
import { directAvailable, runDirect } from "./direct.ts";

/** Runs `sql` on the second instance and hands over its chunks; false if `onChunk` stopped. */
async function scanDirect(sql: string, onChunk: (view: ChunkView) => unknown): Promise<boolean> {
  const result = await runDirect(sql);
  try {
    return result.each(onChunk);
  } finally {
    result.close();
  }
}

/** What a test keeps of each chunk: its rows, and each column as numbers (null where NULL). */
interface Copied {
  rows: number;
  columns: (number | null)[][];
}

function copyOf(view: ChunkView, kinds: readonly ("f64" | "i32")[]): Copied {
  return {
    rows: view.rows,
    columns: kinds.map((kind, c) => {
      const values = kind === "f64" ? view.f64(c) : view.i32(c);
      const valid = view.validity(c);
      return Array.from(values, (v, i) => (isValid(valid, i) ? v : null));
    }),
  };
}

async function throughBinding(sql: string, kinds: readonly ("f64" | "i32")[]) {
  const chunks: Copied[] = [];
  await withConnection((conn) => scanMaterialized(conn, sql, (v) => chunks.push(copyOf(v, kinds))));
  return chunks;
}

async function throughDirect(sql: string, kinds: readonly ("f64" | "i32")[]) {
  const chunks: Copied[] = [];
  await scanDirect(sql, (v) => chunks.push(copyOf(v, kinds)));
  return chunks;
}

const dir = mkdtempSync(join(tmpdir(), "outpost-direct-"));
afterAll(async () => {
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("results read through DuckDB's C API (direct.ts)", () => {
  test("is enabled on x86-64 Linux, where the tests and CI run", () => {
    expect(directAvailable()).toBe(process.platform === "linux" && process.arch === "x64");
  });

  // Three chunks and a partial one; NULLs in both kinds of column, in every chunk.
  const sql = `SELECT
      CASE WHEN i % 97 = 5 THEN NULL ELSE i * 1.5 END::DOUBLE AS d,
      CASE WHEN i % 89 = 3 THEN NULL ELSE i - 3000 END::INTEGER AS n,
      (i / 7)::DOUBLE AS q
    FROM range(${2048 * 3 + 17}) t(i) ORDER BY i`;
  const kinds = ["f64", "i32", "f64"] as const;

  test.skipIf(!directAvailable())(
    "hands over the chunks the binding does, NULLs included",
    async () => {
      const direct = await throughDirect(sql, kinds);
      expect(direct.map((c) => c.rows)).toEqual([2048, 2048, 2048, 17]);
      expect(direct).toEqual(await throughBinding(sql, kinds));
    },
  );

  test.skipIf(!directAvailable())("reads Parquet files as the binding does", async () => {
    const path = join(dir, "rows.parquet");
    await withConnection((conn) => conn.run(`COPY (${sql}) TO '${path}' (FORMAT parquet)`));
    const fromFile = `SELECT d, n, q FROM read_parquet('${path}')`;
    expect(await throughDirect(fromFile, kinds)).toEqual(await throughBinding(fromFile, kinds));
  });

  test.skipIf(!directAvailable())("an empty result hands over nothing", async () => {
    expect(await throughDirect("SELECT 1.5::DOUBLE AS d WHERE false", ["f64"])).toEqual([]);
  });

  test.skipIf(!directAvailable())("stops where it is told", async () => {
    let chunks = 0;
    expect(await scanDirect(sql, () => ++chunks < 2)).toBe(false);
    expect(chunks).toBe(2);
  });

  test.skipIf(!directAvailable())("gives DuckDB's error for a bad query, and goes on", async () => {
    await expect(scanDirect("SELEC 1", () => true)).rejects.toThrow(/syntax error/i);
    await expect(scanDirect("SELECT * FROM no_such_table", () => true)).rejects.toThrow(
      /no_such_table/,
    );
    await expect(scanDirect("SELECT error('at run time')", () => true)).rejects.toThrow(
      "at run time",
    );
    await expect(
      scanDirect(`SELECT * FROM read_parquet('${join(dir, "missing.parquet")}')`, () => true),
    ).rejects.toThrow(/missing\.parquet/);
    expect(await throughDirect("SELECT 2.5::DOUBLE", ["f64"])).toEqual([
      { rows: 1, columns: [[2.5]] },
    ]);
  });

  test.skipIf(!directAvailable())(
    "a query failing as it runs gives the binding's message",
    async () => {
      const failing =
        "SELECT CASE WHEN i = 5000 THEN error('boom mid') ELSE i END FROM range(10000) t(i)";
      const binding = await withConnection((conn) => conn.run(failing)).then(
        () => "no error",
        (e: Error) => e.message,
      );
      expect(binding).toContain("boom mid");
      await expect(scanDirect(failing, () => true)).rejects.toThrow(binding);
      const direct = await scanDirect(failing, () => true).catch((e: Error) => e.message);
      expect(direct).toBe(binding);
    },
  );

  test.skipIf(!directAvailable())(
    "a view kept past its chunk throws instead of reading freed memory",
    async () => {
      const views: ChunkView[] = [];
      await scanDirect(sql, (v) => {
        views.push(v);
        v.f64(0);
      });
      expect(views.length).toBe(4);
      // Column 0 was copied while its chunk lived; the others were not.
      expect(views[0].f64(0).length).toBe(2048);
      expect(() => views[0].i32(1)).toThrow("used after the next chunk");
      expect(() => views[0].validity(2)).toThrow("used after the next chunk");
    },
  );

  test.skipIf(!directAvailable())("refuses to read a column as a type it is not", async () => {
    await expect(scanDirect("SELECT 1::INTEGER AS n", (v) => v.f64(0))).rejects.toThrow(
      "Column 0 is INTEGER, not DOUBLE",
    );
    await expect(scanDirect("SELECT 1.5::DOUBLE AS d", (v) => v.i32(0))).rejects.toThrow(
      "Column 0 is DOUBLE, not INTEGER",
    );
    await expect(scanDirect("SELECT 1.5::DOUBLE AS d", (v) => v.f64(1))).rejects.toThrow(
      "No column 1",
    );
    // Not even after the column was copied as another type.
    await expect(
      scanDirect("SELECT 1.5::DOUBLE AS d", (v) => {
        v.f64(0);
        v.words(0);
      }),
    ).rejects.toThrow("Column 0 is DOUBLE, not BIGINT");
  });

  test.skipIf(!directAvailable())("a result is freed once, and unreadable after", async () => {
    const result = await runDirect("SELECT 1.5::DOUBLE");
    result.close();
    result.close();
    expect(() => result.each(() => true)).toThrow("closed");
  });

  test.skipIf(!directAvailable())("opens again after the instances are closed", async () => {
    await closeDb();
    expect(await throughDirect("SELECT 3.5::DOUBLE", ["f64"])).toEqual([
      { rows: 1, columns: [[3.5]] },
    ]);
  });

  test.skipIf(!directAvailable())(
    "a result held while the instances close stays readable",
    async () => {
      const result = await runDirect("SELECT 4.5::DOUBLE");
      await closeDb();
      const values: number[] = [];
      result.each((v) => values.push(...v.f64(0)));
      result.close();
      expect(values).toEqual([4.5]);
      expect(await throughDirect("SELECT 5.5::DOUBLE", ["f64"])).toEqual([
        { rows: 1, columns: [[5.5]] },
      ]);
    },
  );

  test.skipIf(!directAvailable())("runs queries side by side", async () => {
    const each = (k: number) => `SELECT (i + ${k})::DOUBLE FROM range(5000) t(i) ORDER BY i`;
    const all = await Promise.all([0, 1, 2, 3].map((k) => throughDirect(each(k), ["f64"])));
    all.forEach((chunks, k) => {
      expect(chunks.flatMap((c) => c.columns[0])).toEqual(
        Array.from({ length: 5000 }, (_, i) => i + k),
      );
    });
  });
});
