import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CheckpointEntry, CheckpointStore, checkpointPath } from "./checkpoint.ts";
import { tempDir } from "./testing.ts";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const entry: CheckpointEntry = {
  key: "1:2:5:00000000000000ff@app",
  path: "/var/log/app.log.1",
  filename: "/var/log/app.log",
  dev: "1",
  ino: "2",
  fp_len: 5,
  fp: "00000000000000ff",
  offset: 1234,
};

describe("CheckpointStore", () => {
  test("load() returns null before the first save", async () => {
    expect(await new CheckpointStore(join(dir, "c.json")).load()).toBeNull();
  });

  test("save() and load() round-trip the entries, leaving no temporary file", async () => {
    const store = new CheckpointStore(join(dir, "sub", "c.json"));
    await store.save([entry]);
    expect(await store.load()).toEqual([entry]);
    expect(existsSync(`${store.path}.tmp`)).toBe(false);
  });

  test.each([
    ["text that is not JSON", "{", "JSON"],
    ["another version", '{"version":2,"files":[]}', 'expected {"version": 1'],
    ["a malformed entry", '{"version":1,"files":[{"key":1}]}', "entry 0 is malformed"],
  ])("load() refuses %s", async (_name, text, fragment) => {
    const store = new CheckpointStore(join(dir, "c.json"));
    await writeFile(store.path, text);
    await expect(store.load()).rejects.toThrow(`Cannot read file checkpoints "${store.path}"`);
    await expect(store.load()).rejects.toThrow(fragment);
  });

  test("checkpointPath() keeps each source's file apart and safe to name", () => {
    expect(checkpointPath("/data", "app/logs 1")).toBe("/data/file-checkpoints-app_logs_1.json");
  });
});
