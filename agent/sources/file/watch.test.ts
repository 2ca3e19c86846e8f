/**
 * Watching folders: a settled source stops passing over its files and a change it hears
 * brings it back at once. The idle pass is set out of the tests' reach (60 s), so every line
 * below arrives only because a change was heard — or, where a folder cannot be watched,
 * because the source kept polling. rotation.test.ts runs every rotation both ways.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
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
let cleanup: () => Promise<void>;
let source: FileSource | null = null;
let registry: Registry;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  registry = new Registry();
});

afterEach(async () => {
  await source?.stop();
  source = null;
  await cleanup();
});

const passes = () => metricValue(registry, `outpost_agent_file_passes_total{component_id="test"}`);

async function run(consumer: TestConsumer, input: Record<string, unknown>) {
  const config = testConfig(input);
  source = testSource(consumer, join(dir, "data"), config, { registry, watchIdleMs: 60_000 });
  await source.start();
}

describe("FileSource watching folders", () => {
  test("stops passing once settled, and reads a line appended then at once", async () => {
    const logs = join(dir, "logs");
    mkdirSync(logs);
    writeFileSync(join(logs, "app.log"), "one\n");
    const consumer = new TestConsumer();
    await run(consumer, { include: [`${logs}/*.log`] });
    await waitFor(() => consumer.lines().length === 1);
    await settled(registry);
    const before = passes();
    await Bun.sleep(300);
    // At a 10 ms poll interval a polling source would have made ~30 passes.
    expect(passes()).toBe(before);
    appendFileSync(join(logs, "app.log"), "two\n");
    await waitFor(() => consumer.lines().length === 2, 2000, "the appended line");
    expect(consumer.lines()).toEqual(["one", "two"]);
  });

  test("reads a file created in a watched folder", async () => {
    const logs = join(dir, "logs");
    mkdirSync(logs);
    writeFileSync(join(logs, "a.log"), "a\n");
    const consumer = new TestConsumer();
    await run(consumer, { include: [`${logs}/*.log`] });
    await waitFor(() => consumer.lines().length === 1);
    await settled(registry);
    writeFileSync(join(logs, "b.log"), "b\n");
    writeFileSync(join(logs, "ignored.txt"), "not selected\n");
    await waitFor(() => consumer.lines().length === 2, 2000, "the new file");
    expect(consumer.lines()).toEqual(["a", "b"]);
  });

  test("hears writes to a file read through a symbolic link in another folder", async () => {
    const links = join(dir, "links");
    const targets = join(dir, "targets");
    mkdirSync(links);
    mkdirSync(targets);
    writeFileSync(join(targets, "real.log"), "first\n");
    symlinkSync(join(targets, "real.log"), join(links, "app.log"));
    const consumer = new TestConsumer();
    await run(consumer, { include: [`${links}/*.log`] });
    await waitFor(() => consumer.lines().length === 1);
    await settled(registry);
    appendFileSync(join(targets, "real.log"), "second\n");
    await waitFor(() => consumer.lines().length === 2, 2000, "the write beside the link's target");
  });

  test("a literal path: hears its file appear and grow", async () => {
    const logs = join(dir, "logs");
    mkdirSync(logs);
    writeFileSync(join(logs, "other.log"), "not this one\n");
    const consumer = new TestConsumer();
    await run(consumer, { include: [join(logs, "service.log")] });
    await settled(registry);
    writeFileSync(join(logs, "service.log"), "1\n");
    await waitFor(() => consumer.lines().length === 1, 2000, "the file appearing");
    await settled(registry);
    appendFileSync(join(logs, "other.log"), "still not this one\n");
    await Bun.sleep(100);
    appendFileSync(join(logs, "service.log"), "2\n");
    await waitFor(() => consumer.lines().length === 2, 2000, "the file growing");
    expect(consumer.lines()).toEqual(["1", "2"]);
  });

  test("sends a multiline record after max_wait although no change follows it", async () => {
    const logs = join(dir, "logs");
    mkdirSync(logs);
    const consumer = new TestConsumer();
    await run(consumer, {
      include: [`${logs}/*.log`],
      multiline: { start_pattern: "^\\d", max_wait: "300ms" },
    });
    await settled(registry);
    writeFileSync(join(logs, "app.log"), "1 start\n  continued\n");
    await waitFor(() => consumer.lines().length === 1, 3000, "the record held for max_wait");
    expect(consumer.lines()).toEqual(["1 start\n  continued"]);
  });

  test("a folder created after the start is found by polling, then watched", async () => {
    const logs = join(dir, "later");
    const consumer = new TestConsumer();
    await run(consumer, { include: [`${logs}/*.log`] });
    const before = passes();
    await Bun.sleep(100);
    expect(passes()).toBeGreaterThan(before);
    mkdirSync(logs);
    writeFileSync(join(logs, "app.log"), "one\n");
    await waitFor(() => consumer.lines().length === 1, 2000, "the file in the new folder");
    await settled(registry);
    appendFileSync(join(logs, "app.log"), "two\n");
    await waitFor(() => consumer.lines().length === 2, 2000, "the appended line");
  });

  test.each([
    ["a pattern that spans folders", { watch: true, glob: "**/*.log" }],
    ["watch: false", { watch: false, glob: "*.log" }],
  ])("%s keeps polling", async (_, { watch, glob }) => {
    const logs = join(dir, "logs");
    mkdirSync(join(logs, "sub"), { recursive: true });
    writeFileSync(join(logs, "sub", "app.log"), "one\n");
    const consumer = new TestConsumer();
    await run(consumer, { include: [`${logs}/${glob}`], watch });
    await Bun.sleep(1500);
    const before = passes();
    await Bun.sleep(200);
    expect(passes()).toBeGreaterThan(before + 5);
  });
});
