import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { checkpointPath } from "./checkpoint.ts";
import type { FileSource } from "./source.ts";
import { TestConsumer, tempDir, testConfig, testSource, waitFor } from "./testing.ts";

let dir: string;
let logs: string;
let data: string;
let cleanup: () => Promise<void>;
let sources: FileSource[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  logs = join(dir, "logs");
  data = join(dir, "data");
  mkdirSync(logs);
});

afterEach(async () => {
  for (const s of sources) await s.stop();
  sources = [];
  await cleanup();
});

async function run(consumer: TestConsumer, include = "app.log*", startAt = "end") {
  const config = testConfig({ include: [`${logs}/${include}`], start_at: startAt });
  const source = testSource(consumer, data, config);
  sources.push(source);
  await source.start();
  return source;
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join("");

function stored(): { key: string; offset: number; path: string }[] {
  return JSON.parse(readFileSync(checkpointPath(data, "test"), "utf8")).files;
}

/** Runs a first agent over lines 1..100 and stops it, every push acknowledged or not. */
async function firstRun(opts: { hold?: boolean } = {}) {
  const path = join(logs, "app.log");
  const consumer = new TestConsumer();
  consumer.hold = opts.hold ?? false;
  const source = await run(consumer, "app.log*", "beginning");
  writeFileSync(path, text(numbered(1, 100)));
  await waitFor(() => consumer.lines().length === 100);
  await source.stop();
  sources = [];
  return { path, consumer };
}

describe("FileSource restart", () => {
  test("resumes exactly at the checkpoint: no line twice, none lost", async () => {
    const { path } = await firstRun();
    expect(stored()).toMatchObject([{ path, offset: Buffer.byteLength(text(numbered(1, 100))) }]);
    appendFileSync(path, text(numbered(101, 150)));
    const consumer = new TestConsumer();
    await run(consumer);
    appendFileSync(path, text(numbered(151, 160)));
    await waitFor(() => consumer.lines().length === 60);
    await Bun.sleep(30);
    expect(consumer.lines()).toEqual(numbered(101, 160));
  });

  test("reads unacknowledged lines again after a restart", async () => {
    await firstRun({ hold: true });
    expect(stored()[0].offset).toBe(0);
    const consumer = new TestConsumer();
    await run(consumer);
    await waitFor(() => consumer.lines().length === 100);
    expect(consumer.lines()).toEqual(numbered(1, 100));
  });

  test("resumes after batches the spool still holds, and checkpoints past them once delivered", async () => {
    const { consumer: first } = await firstRun({ hold: true });
    const spooled = first.pushes[0].origin!;
    expect(spooled.offset).toBe(Buffer.byteLength(text(numbered(1, 100))));
    let deliver!: () => void;
    const delivered = new Promise<void>((r) => {
      deliver = r;
    });
    const consumer = new TestConsumer();
    consumer.pending = [{ offsets: new Map([[spooled.file, spooled.offset]]), delivered }];
    const source = await run(consumer);
    appendFileSync(join(logs, "app.log"), text(numbered(101, 110)));
    await waitFor(() => consumer.lines().length === 10);
    expect(consumer.lines()).toEqual(numbered(101, 110));
    const file = source.files[0];
    expect(file.committed).toBe(0);
    deliver();
    await waitFor(
      () => file.committed === spooled.offset + Buffer.byteLength(text(numbered(101, 110))),
    );
  });

  test("resumes after spooled batches of a file the checkpoint never saw", async () => {
    const { consumer: first } = await firstRun({ hold: true });
    const spooled = first.pushes[0].origin!;
    rmSync(checkpointPath(data, "test"));
    const consumer = new TestConsumer();
    consumer.pending = [
      { offsets: new Map([[spooled.file, spooled.offset]]), delivered: Promise.resolve() },
    ];
    await run(consumer, "app.log*", "beginning");
    appendFileSync(join(logs, "app.log"), text(numbered(101, 105)));
    await waitFor(() => consumer.lines().length === 5);
    await Bun.sleep(30);
    expect(consumer.lines()).toEqual(numbered(101, 105));
  });

  test.each([
    ["renamed", (path: string) => renameSync(path, `${path}.1`)],
    [
      "copied and truncated",
      (path: string) => {
        copyFileSync(path, `${path}.1`);
        truncateSync(path, 0);
      },
    ],
  ])("resumes a file %s while the agent was down, in its new place", async (_name, rotate) => {
    const { path } = await firstRun();
    appendFileSync(path, text(numbered(101, 120)));
    rotate(path);
    appendFileSync(path, text(["new 1", "new 2"]));
    const consumer = new TestConsumer();
    await run(consumer);
    await waitFor(() => consumer.lines().length === 22);
    await Bun.sleep(30);
    expect(consumer.lines().filter((l) => l.startsWith("line"))).toEqual(numbered(101, 120));
    expect(consumer.lines().filter((l) => l.startsWith("new"))).toEqual(["new 1", "new 2"]);
  });

  test.each([
    ["shorter than the checkpoint", ["other 1", "other 2"]],
    ["longer than the checkpoint", numbered(1, 200).map((l) => `other ${l}`)],
  ])("reads a file from its start when its inode was rewritten %s", async (_name, lines) => {
    const { path } = await firstRun();
    writeFileSync(path, text(lines)); // O_TRUNC: the same inode with other bytes
    const consumer = new TestConsumer();
    await run(consumer);
    await waitFor(() => consumer.lines().length === lines.length);
    await Bun.sleep(30);
    expect(consumer.lines()).toEqual(lines);
  });

  test("applies start_at only at the first start: files that appeared while down are read whole", async () => {
    await firstRun();
    writeFileSync(join(logs, "app.log.new"), text(["while down"]));
    const consumer = new TestConsumer();
    await run(consumer, "app.log*", "end");
    await waitFor(() => consumer.lines().length === 1);
    expect(consumer.lines()).toEqual(["while down"]);
  });

  test("after a restart, generations of one name are read oldest first, renamed before or while down", async () => {
    const path = join(logs, "app.log");
    const first = new TestConsumer();
    const source = await run(first, "app.log*", "beginning");
    writeFileSync(path, text(["a1"]));
    await waitFor(() => first.lines().length === 1);
    renameSync(path, `${path}.1`);
    writeFileSync(path, text(["b1"]));
    await waitFor(() => first.lines().length === 2);
    await source.stop();
    sources = [];
    // While down: the old writer's last line in the first rotated file, a line in the second,
    // which is renamed in turn, and a new file.
    appendFileSync(`${path}.1`, text(["a2"]));
    appendFileSync(path, text(["b2"]));
    renameSync(path, `${path}.2`);
    writeFileSync(path, text(["c1"]));
    const consumer = new TestConsumer();
    await run(consumer, "app.log*", "beginning");
    await waitFor(() => consumer.lines().length === 3);
    await Bun.sleep(30);
    // app.log.1 was already under its new path at the stop: it is still a predecessor.
    expect(consumer.lines()).toEqual(["a2", "b2", "c1"]);
  });

  test("starts as on a first start when the checkpoint file is damaged", async () => {
    const { path } = await firstRun();
    writeFileSync(checkpointPath(data, "test"), "{ damaged");
    appendFileSync(path, text(["written while down"]));
    const consumer = new TestConsumer();
    await run(consumer, "app.log*", "end");
    appendFileSync(path, text(["written after the start"]));
    await waitFor(() => consumer.lines().length === 1);
    await Bun.sleep(30);
    expect(consumer.lines()).toEqual(["written after the start"]);
    await waitFor(() => stored().length === 1);
  });
});
