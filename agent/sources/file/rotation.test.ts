import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import { labelValue } from "../../../shared/model/labels.ts";
import type { FileSource } from "./source.ts";
import {
  metricValue,
  settled,
  TestConsumer,
  tempDir,
  testConfig,
  testSource,
  waitFor,
} from "./testing.ts";

let dir: string;
let logs: string;
let cleanup: () => Promise<void>;
let source: FileSource | null = null;
let registry: Registry;
/** Every test runs watching folders (the default) and polling (the reference). */
let watching = true;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  logs = join(dir, "logs");
  mkdirSync(logs);
  registry = new Registry();
});

afterEach(async () => {
  await source?.stop();
  source = null;
  await cleanup();
});

async function run(consumer: TestConsumer, include: string) {
  const config = testConfig({ include: [`${logs}/${include}`], watch: watching });
  // Watching, a settled source passes again only when a change is heard (the idle pass is
  // out of the tests' reach), so each rotation below is followed from its events.
  source = testSource(consumer, join(dir, "data"), config, { registry, watchIdleMs: 60_000 });
  await source.start();
}

const rotations = (kind: string) =>
  metricValue(registry, `outpost_agent_file_rotations_total{component_id="test",kind="${kind}"}`);

/** Lines written before a rotation, then the rotation; every line must arrive once, in order. */
async function rotate(
  consumer: TestConsumer,
  act: (path: string) => void | Promise<void>,
  want: string[],
) {
  const path = join(logs, "app.log");
  writeFileSync(path, "1 first line of the old file\n2 second line\n3 third\n");
  await waitFor(() => consumer.lines().length === 3, 5000, "the old file");
  if (watching) await settled(registry);
  await act(path);
  await waitFor(() => consumer.lines().length >= want.length, 5000, "the rotated lines");
  await Bun.sleep(50);
  expect(consumer.lines()).toEqual(want);
  for (const r of consumer.records()) expect(labelValue(r.labels, "filename")).toBe(path);
}

const OLD = ["1 first line of the old file", "2 second line", "3 third"];

describe.each([
  ["watching folders", true],
  ["polling", false],
])("FileSource rotation, %s", (_, watch) => {
  beforeEach(() => {
    watching = watch;
  });

  test.each(["app.log", "app.log*"])(
    "reads a renamed file to its end, then the new file at the old name (include %s)",
    async (include) => {
      const consumer = new TestConsumer();
      await run(consumer, include);
      await rotate(
        consumer,
        (path) => {
          renameSync(path, `${path}.1`);
          appendFileSync(`${path}.1`, "4 written after the rename\n");
          writeFileSync(path, "new 1\n");
        },
        [...OLD, "4 written after the rename", "new 1"],
      );
      expect(rotations("rename")).toBe(1);
    },
  );

  test("goes on in the copy of a copytruncate, so lines written before the truncation are kept", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log*");
    await rotate(
      consumer,
      (path) => {
        // As logrotate's copytruncate: a line lands after our last read, then copy, truncate.
        appendFileSync(path, "4 written just before the copy\n");
        copyFileSync(path, `${path}.1`);
        truncateSync(path, 0);
        appendFileSync(path, "new 1\n");
      },
      [...OLD, "4 written just before the copy", "new 1"],
    );
    expect(rotations("copy")).toBe(1);
  });

  test("a copytruncated file seen empty is read again only once it has bytes to tell it by", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log*");
    const path = join(logs, "app.log");
    // Two copytruncates of one inode, each seen while the file was still empty.
    writeFileSync(path, "gen 1 line 1\ngen 1 line 2\n");
    await waitFor(() => consumer.lines().length === 2, 5000, "the first generation");
    for (const gen of [2, 3]) {
      copyFileSync(path, `${path}.${gen - 1}`);
      truncateSync(path, 0);
      await waitFor(() => rotations("copy") === gen - 1, 5000, `copy ${gen - 1}`);
      await Bun.sleep(50);
      appendFileSync(path, `gen ${gen} line 1\n`);
      await waitFor(() => consumer.lines().length === gen + 1, 5000, `generation ${gen}`);
    }
    await Bun.sleep(50);
    expect(consumer.lines()).toEqual([
      "gen 1 line 1",
      "gen 1 line 2",
      "gen 2 line 1",
      "gen 3 line 1",
    ]);
    // Each generation has its own key: an empty fingerprint's key was the same for every one,
    // and a restart resumed whichever the file held then (lines lost or read twice).
    const keys = new Set(consumer.pushes.map((p) => p.origin?.file));
    expect(keys.size).toBe(3);
    for (const key of keys) expect(key).not.toMatch(/:0:[0-9a-f]{16}@/);
  });

  test("a file copytruncated between its stream's start and first read goes on in the copy", async () => {
    // Reading waits for acknowledgements (one unacknowledged byte is too many), so the new
    // file's stream starts but cannot read, and the rotation happens before its first read.
    const consumer = new TestConsumer();
    consumer.hold = true;
    const config = testConfig({ include: [`${logs}/*.log*`], watch: watching });
    source = testSource(consumer, join(dir, "data"), config, { registry, maxUnackedBytes: 1 });
    await source.start();
    writeFileSync(join(logs, "first.log"), "first\n");
    await waitFor(() => consumer.lines().length === 1, 5000, "the first file");
    const path = join(logs, "app.log");
    writeFileSync(path, "gen 1 line 1\n");
    await waitFor(() => source!.files.length === 2, 5000, "the second file's stream");
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, "gen 2 line 1, longer than the first generation\ngen 2 line 2\n");
    consumer.hold = false;
    consumer.ackAll();
    await waitFor(() => consumer.lines().length >= 4, 5000, "both generations");
    await Bun.sleep(50);
    expect(consumer.lines()).toEqual([
      "first",
      "gen 1 line 1",
      "gen 2 line 1, longer than the first generation",
      "gen 2 line 2",
    ]);
  });

  test("finds the copy of a copytruncate made after a pass listed the folder but before it saw the truncation", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log*");
    const path = join(logs, "app.log");
    writeFileSync(path, `${OLD.join("\n")}\n`);
    await waitFor(() => consumer.lines().length === 3, 5000, "the old file");
    // One pass lists the folder before the copy exists and sees the file truncated after it.
    const discovery = (source as unknown as { discovery: { files: () => Promise<unknown[]> } })
      .discovery;
    const listed = await discovery.files();
    const real = discovery.files.bind(discovery);
    let stale = true;
    discovery.files = async () => {
      if (!stale) return real();
      stale = false;
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
      appendFileSync(path, "new 1\n");
      return listed;
    };
    await waitFor(() => consumer.lines().length >= 4, 5000, "the new line");
    await Bun.sleep(100);
    expect(consumer.lines()).toEqual([...OLD, "new 1"]);
    expect(rotations("copy")).toBe(1);
  });

  test.each([
    ["truncated to nothing", (path: string) => truncateSync(path, 0)],
    [
      "copytruncated with the copy out of the globs",
      (path: string) => {
        copyFileSync(path, `${path}.1`);
        truncateSync(path, 0);
      },
    ],
  ])("reads a file %s again from its start", async (_name, act) => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log");
    await rotate(
      consumer,
      (path) => {
        act(path);
        appendFileSync(path, "new 1\n");
      },
      [...OLD, "new 1"],
    );
    expect(rotations("truncate")).toBe(1);
  });

  test("reads a file rewritten in place past our offset again, seeing its first bytes change", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log");
    const path = join(logs, "app.log");
    writeFileSync(path, "1 first line of the old file\n2 second line\n3 third\n");
    await waitFor(() => consumer.lines().length === 3, 5000, "the old file");
    const fd = openSync(path, "r+");
    writeSync(fd, "X same inode, other bytes, and longer than before\nY\n", 0);
    closeSync(fd);
    const want = ["X same inode, other bytes, and longer than before", "Y"];
    await waitFor(() => consumer.lines().slice(-2).join() === want.join(), 5000, "the new lines");
    // A pass that reads the grown tail just before it notices the new first bytes sends that
    // tail as a fragment first (docs/logs.md): the old lines come first, the new ones whole last.
    expect(consumer.lines().slice(0, 3)).toEqual(OLD);
    expect(rotations("truncate")).toBe(1);
  });

  test("finishes and forgets a deleted file, sending its unfinished last line", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "*.log");
    const path = join(logs, "gone.log");
    writeFileSync(path, "a\nno newline");
    await waitFor(() => consumer.lines().length === 1);
    const { unlinkSync } = await import("node:fs");
    unlinkSync(path);
    await waitFor(() => consumer.lines().length === 2);
    expect(consumer.lines()).toEqual(["a", "no newline"]);
    await waitFor(() => source!.files.length === 0);
  });

  test.each(["app.log", "app.log*"])(
    "keeps every line, once, through rename rotations under steady writing (include %s)",
    async (include) => {
      const consumer = new TestConsumer();
      await run(consumer, include);
      const path = join(logs, "app.log");
      let fd = openSync(path, "a");
      let n = 0;
      const write = (count: number) => {
        for (let i = 0; i < count; i++) writeSync(fd, `line ${n++}\n`);
      };
      // Each file lives several polls: one renamed away before any poll saw it is out of reach.
      for (let rotation = 1; rotation <= 8; rotation++) {
        for (let batch = 0; batch < 5; batch++) {
          write(20);
          await Bun.sleep(10);
        }
        renameSync(path, `${path}.${rotation}`);
        write(5); // the writer has not reopened its file yet
        await Bun.sleep(2);
        closeSync(fd);
        fd = openSync(path, "a");
      }
      write(10);
      closeSync(fd);
      await waitFor(() => consumer.lines().length >= n, 10_000, `${n} lines`);
      await Bun.sleep(50);
      const lines = consumer.lines();
      expect(lines).toHaveLength(n);
      expect(new Set(lines).size).toBe(n);
    },
  );

  test("reads a new file renamed away before it held any line to read", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log");
    const path = join(logs, "app.log");
    writeFileSync(path, "");
    await Bun.sleep(40); // seen empty, and held: it may be a copy about to be written
    appendFileSync(path, "a\nb\n");
    renameSync(path, `${path}.1`);
    await waitFor(() => consumer.lines().length === 2);
    expect(consumer.lines()).toEqual(["a", "b"]);
  });

  test("goes on in the copy when the truncated file has grown past our offset before a poll", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log*");
    const longer = Array.from(
      { length: 20 },
      (_, i) => `new ${i} written right after the truncation`,
    );
    await rotate(
      consumer,
      (path) => {
        appendFileSync(path, "4 written just before the copy\n");
        copyFileSync(path, `${path}.1`);
        writeFileSync(path, longer.map((l) => `${l}\n`).join(""));
      },
      [...OLD, "4 written just before the copy", ...longer],
    );
    expect(rotations("copy")).toBe(1);
  });

  test("does not read a copy again when the original was read past the copy", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log*");
    await rotate(
      consumer,
      async (path) => {
        copyFileSync(path, `${path}.1`);
        appendFileSync(path, "4 after the copy, before the truncation\n");
        await waitFor(() => consumer.lines().length === 4);
        truncateSync(path, 0);
        appendFileSync(path, "new 1\n");
      },
      [...OLD, "4 after the copy, before the truncation", "new 1"],
    );
  });

  test("holds a copy still being written, then goes on in it when the original is truncated", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "app.log*");
    await rotate(
      consumer,
      async (path) => {
        appendFileSync(path, "4 after our last read\n");
        const bytes = readFileSync(path);
        writeFileSync(`${path}.1`, bytes.subarray(0, 10));
        await waitFor(() => consumer.lines().length === 4);
        await Bun.sleep(40); // the partial copy is seen, and not read as a new file
        expect(consumer.lines()).toEqual([...OLD, "4 after our last read"]);
        appendFileSync(`${path}.1`, bytes.subarray(10));
        truncateSync(path, 0);
        appendFileSync(path, "new 1\n");
      },
      [...OLD, "4 after our last read", "new 1"],
    );
  });

  test("reads a file that starts like a live one on its own once the copy grace is over", async () => {
    const consumer = new TestConsumer();
    await run(consumer, "*.log");
    writeFileSync(join(logs, "a.log"), "same header\n");
    await waitFor(() => consumer.lines().length === 1);
    const started = Date.now();
    writeFileSync(join(logs, "b.log"), "same header\nonly in b\n");
    await waitFor(() => consumer.lines().length === 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // 20 polls of 10 ms
    expect(consumer.lines()).toEqual(["same header", "same header", "only in b"]);
  });
});
