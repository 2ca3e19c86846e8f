import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withConnection } from "../aggregator/storage/parquet/db.ts";
import { runImport } from "./import.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "outpost-import-test-"));
  dirs.push(d);
  return d;
}

/** Two series over three hours, a sample every 10 minutes, one counter reset. */
function openMetrics(): string {
  const lines = ["# TYPE req counter"];
  for (const job of ["a", "b"]) {
    for (let i = 0; i < 18; i++) {
      const v = i === 9 ? 1 : i * (job === "a" ? 3 : 7);
      lines.push(`req_total{job="${job}"} ${v} ${1_700_002_800 + i * 600}`);
    }
  }
  return `${lines.join("\n")}\n# EOF\n`;
}

/** Every row of the data directory's metric files, raw and rollups, as sorted text. */
function storedRows(dir: string): Promise<string[]> {
  return withConnection(async (conn) => {
    const r = await conn.runAndReadAll(
      `SELECT regexp_extract(filename, 'signal=([a-z_0-9]+)', 1) AS tier, * EXCLUDE (filename)
       FROM read_parquet('${dir}/bucket/v1/**/*.parquet', filename = true, union_by_name = true)`,
    );
    return r
      .getRowsJS()
      .map((row) => JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? String(v) : v)))
      .sort();
  });
}

describe("outpost import", () => {
  test("stores the same rows at --level 3 in chunks of 5 rows as with its defaults", async () => {
    const file = join(await tempDir(), "data.om");
    await writeFile(file, openMetrics());
    const [plain, tuned] = [await tempDir(), await tempDir()];
    expect(await runImport(["--data-dir", plain, file])).toBe(0);
    expect(await runImport(["--data-dir", tuned, "--level", "3", "--chunk-rows", "5", file])).toBe(
      0,
    );
    const want = await storedRows(plain);
    // 36 raw rows, and the rollups of three hours.
    expect(want.filter((r) => r.startsWith('["metrics"')).length).toBe(36);
    expect(want.some((r) => r.startsWith('["metrics_5m"'))).toBe(true);
    expect(await storedRows(tuned)).toEqual(want);
  });

  test.each([
    ["--level", "0"],
    ["--level", "23"],
    ["--level", "fast"],
    ["--chunk-rows", "0"],
    ["--chunk-rows", "1.5"],
  ])("refuses %s %s", async (flag, value) => {
    expect(await runImport(["--data-dir", await tempDir(), flag, value, "x.om"])).toBe(2);
  });
});
