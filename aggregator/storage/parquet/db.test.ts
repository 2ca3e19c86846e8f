import { describe, expect, test } from "bun:test";
import { closeDb, configureDb, withConnection } from "./db.ts";

describe("withConnection()", () => {
  test("runs at most two operations at once and every one of them to the end", async () => {
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withConnection(async (conn) => {
          peak = Math.max(peak, ++active);
          await Bun.sleep(10);
          const r = await conn.runAndReadAll(`SELECT ${i} + 1`);
          active--;
          return r.getRowsJS()[0][0];
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
  });

  test("gives each operation its own temp tables", async () => {
    const make = (v: number) =>
      withConnection(async (conn) => {
        await conn.run(`CREATE TEMP TABLE t AS SELECT ${v} AS v`);
        await Bun.sleep(5);
        return (await conn.runAndReadAll("SELECT v FROM t")).getRowsJS()[0][0];
      });
    expect(await Promise.all([make(1), make(2)])).toEqual([1, 2]);
  });

  test("frees its slot when the operation fails", async () => {
    for (let i = 0; i < 3; i++) {
      await expect(withConnection((conn) => conn.run("SELECT * FROM missing"))).rejects.toThrow();
    }
    expect(await withConnection(async () => "still running")).toBe("still running");
  });
});

describe("configureDb()", () => {
  test("refuses changes once the instance runs", async () => {
    await withConnection(async () => {});
    expect(() => configureDb({ threads: 1 })).toThrow(
      "Cannot configure DuckDB: the instance is already running",
    );
  });
});

describe("closeDb()", () => {
  test("closes the instance, and the next operation opens a new one", async () => {
    await withConnection((conn) => conn.run("CREATE TABLE kept AS SELECT 1"));
    await closeDb();
    const tables = await withConnection(async (conn) =>
      (
        await conn.runAndReadAll(
          "SELECT count(*)::INT FROM duckdb_tables() WHERE table_name = 'kept'",
        )
      ).getRowsJS(),
    );
    expect(tables).toEqual([[0]]);
  });
});
