import { afterAll, describe, expect, test } from "bun:test";
import { clearIndexCache, fileIndexes } from "./index.ts";
import { logRows, tempFiles } from "./testing.ts";
import { writeLogsFile } from "./writer.ts";

const files = tempFiles("parquet-logs-index-");
afterAll(files.cleanup);

describe("fileIndexes()", () => {
  test("lists each file's streams with their time bounds and rows", async () => {
    const p = files.path();
    await writeLogsFile(
      logRows([
        { labels: { job: "b" }, t: 7n, line: "" },
        { labels: { job: "a" }, t: 5n, line: "" },
        { labels: { job: "a" }, t: 9n, line: "" },
      ]),
      p,
    );
    const [index, again] = await fileIndexes([p, p]);
    expect(index).toEqual({
      streams: ['{"job":"a"}', '{"job":"b"}'],
      minNs: BigInt64Array.of(5n, 7n),
      maxNs: BigInt64Array.of(9n, 7n),
      rows: Float64Array.of(2, 1),
    });
    expect(again).toBe(index);
  });

  test("reads a file again once it changed, and not before", async () => {
    clearIndexCache();
    const p = files.path();
    await writeLogsFile(logRows([{ labels: { job: "old" }, t: 1n, line: "" }]), p);
    const [before] = await fileIndexes([p]);
    expect((await fileIndexes([p]))[0]).toBe(before);
    await writeLogsFile(logRows([{ labels: { job: "newer" }, t: 1n, line: "x" }]), p);
    expect((await fileIndexes([p]))[0].streams).toEqual(['{"job":"newer"}']);
  });
});
