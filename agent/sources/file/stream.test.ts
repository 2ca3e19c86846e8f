import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { logger } from "../../../shared/log/log.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import { Clock } from "./clock.ts";
import { Inflight } from "./delivery.ts";
import { fingerprintOf, type OpenFile, readPrefix, statOpen } from "./identity.ts";
import { FileMetrics } from "./metrics.ts";
import { FileStream } from "./stream.ts";
import { TestConsumer, tempDir } from "./testing.ts";

let dir: string;
let cleanup: () => Promise<void>;
const files: OpenFile[] = [];
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => {
  for (const f of files.splice(0)) await f.fh.close();
  await cleanup();
});

async function openFile(path: string): Promise<OpenFile> {
  const fh = await open(path, "r");
  const info = await statOpen(fh, path);
  const file = { fh, dev: info.dev, ino: info.ino, path };
  files.push(file);
  return file;
}

async function streamOn(path: string, consumer: TestConsumer) {
  const file = await openFile(path);
  const head = await readPrefix(file.fh, 1024);
  const ctx = {
    buffer: Buffer.alloc(64 * 1024),
    consumer,
    metrics: new FileMetrics(new Registry(), "test"),
    inflight: new Inflight(1 << 20),
    clock: new Clock(),
    staticLabels: { job: "app" },
    maxLineBytes: 1024,
    multiline: null,
    fingerprintBytes: 1024,
    log: logger("test"),
  };
  const fp = fingerprintOf(head);
  return new FileStream(ctx, { file, key: "k", fp, head, filename: path, offset: 0, committed: 0 });
}

describe("FileStream", () => {
  test("stops at new bytes under changed leading bytes, and reads on once moved to a copy", async () => {
    const path = join(dir, "app.log");
    writeFileSync(path, "1 first\n2 second\n");
    const consumer = new TestConsumer();
    const stream = await streamOn(path, consumer);
    expect(await stream.read(1 << 20)).toBe("eof");
    appendFileSync(path, "3 third\n");
    copyFileSync(path, `${path}.1`);
    writeFileSync(path, "X a new file, longer than what we read of the old one\n");
    expect(await stream.read(1 << 20)).toBe("eof");
    expect(consumer.lines()).toEqual(["1 first", "2 second"]);
    expect(await stream.rewritten(await statOpen(stream.file.fh, path))).toBe(true);
    stream.moveTo(await openFile(`${path}.1`));
    expect(await stream.read(1 << 20)).toBe("eof");
    expect(consumer.lines()).toEqual(["1 first", "2 second", "3 third"]);
    expect(stream.labels).toEqual(["filename", path, "job", "app"]);
  });

  test("pushes the offset just past the lines handed over, and holds an unfinished line", async () => {
    const path = join(dir, "app.log");
    writeFileSync(path, "a\nb\npartial");
    const consumer = new TestConsumer();
    const stream = await streamOn(path, consumer);
    await stream.read(1 << 20);
    expect(consumer.pushes.map((p) => p.origin)).toEqual([{ file: "k", offset: 4 }]);
    stream.finish();
    expect(consumer.pushes.at(-1)?.origin).toEqual({ file: "k", offset: 11 });
    expect(consumer.lines()).toEqual(["a", "b", "partial"]);
    await Bun.sleep(0);
    expect(stream.committed).toBe(11);
  });
});
