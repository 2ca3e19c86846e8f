import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { FileSource } from "./source.ts";
import { metricValue, TestConsumer, tempDir, testConfig, testSource, waitFor } from "./testing.ts";

let dir: string;
let logs: string;
let data: string;
let cleanup: () => Promise<void>;
let source: FileSource | null = null;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  logs = join(dir, "logs");
  data = join(dir, "data");
  mkdirSync(logs);
});

afterEach(async () => {
  await source?.stop();
  source = null;
  await cleanup();
});

async function run(consumer: TestConsumer, input: Record<string, unknown> = {}, extra = {}) {
  source = testSource(consumer, data, testConfig({ include: [`${logs}/*.log`], ...input }), extra);
  await source.start();
  return source;
}

const series = (name: string) => `outpost_agent_file_${name}{component_id="test"}`;

describe("FileSource", () => {
  test("reads a file created after the start from its beginning, labelled with job and filename", async () => {
    const consumer = new TestConsumer();
    await run(consumer, { start_at: "end", labels: { job: "app" } });
    const path = join(logs, "app.log");
    writeFileSync(path, "one\ntwo\n");
    await waitFor(() => consumer.lines().length === 2);
    const records = consumer.records();
    expect(records.map((r) => r.line)).toEqual(["one", "two"]);
    expect(records[0].labels).toEqual(["filename", path, "job", "app"]);
    expect(records[0].fields).toEqual([]);
    expect(records[1].timeNs).toBeGreaterThan(records[0].timeNs);
    expect(Number(records[0].timeNs / 1_000_000n)).toBeGreaterThan(Date.now() - 5000);
  });

  test.each([
    ["end", ["new"]],
    ["beginning", ["old", "new"]],
  ])(
    "start_at: %s decides where files found at the first start are read from",
    async (startAt, want) => {
      writeFileSync(join(logs, "app.log"), "old\n");
      const consumer = new TestConsumer();
      await run(consumer, { start_at: startAt });
      appendFileSync(join(logs, "app.log"), "new\n");
      await waitFor(() => consumer.lines().length === want.length);
      await Bun.sleep(30);
      expect(consumer.lines()).toEqual(want);
    },
  );

  test("strips CRLF, replaces invalid UTF-8 and counts it, and survives binary garbage", async () => {
    const registry = new Registry();
    const consumer = new TestConsumer();
    await run(consumer, {}, { registry });
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    writeFileSync(
      join(logs, "app.log"),
      Buffer.concat([
        Buffer.from("crlf\r\nbad \xff byte\n", "latin1"),
        garbage,
        Buffer.from("\nlast\n"),
      ]),
    );
    await waitFor(() => consumer.lines().at(-1) === "last");
    const lines = consumer.lines();
    expect(lines.slice(0, 2)).toEqual(["crlf", "bad \uFFFD byte"]);
    expect(lines.every((l) => l.isWellFormed())).toBe(true);
    expect(metricValue(registry, series("lines_invalid_utf8_total"))).toBeGreaterThanOrEqual(2);
  });

  test("cuts a 10 MB line to max_line_bytes, counts it, and reads on", async () => {
    const registry = new Registry();
    const consumer = new TestConsumer();
    await run(consumer, { max_line_bytes: "64KiB" }, { registry });
    const path = join(logs, "app.log");
    const mb = Buffer.alloc(1 << 20, 0x78);
    for (let i = 0; i < 10; i++) appendFileSync(path, mb);
    appendFileSync(path, "\nnext\n");
    await waitFor(() => consumer.lines().length === 2);
    expect(consumer.lines()[0]).toBe("x".repeat(65536));
    expect(consumer.lines()[1]).toBe("next");
    expect(metricValue(registry, series("lines_truncated_total"))).toBe(1);
    expect(metricValue(registry, series("bytes_read_total"))).toBe(10 * (1 << 20) + 6);
  });

  test("joins multiline records and sends the last one after max_wait", async () => {
    const consumer = new TestConsumer();
    await run(consumer, { multiline: { start_pattern: "^\\S", max_wait: "50ms" } });
    writeFileSync(join(logs, "app.log"), "a\n  at x\n  at y\nb\n  at z\nc no newline");
    await waitFor(() => consumer.lines().length === 3);
    expect(consumer.lines()).toEqual(["a\n  at x\n  at y", "b\n  at z", "c no newline"]);
  });

  test("passes records through the process hook and still advances past dropped chunks", async () => {
    const consumer = new TestConsumer();
    await run(
      consumer,
      {},
      { process: (rs: { line: string }[]) => rs.filter((r) => r.line !== "drop") },
    );
    writeFileSync(join(logs, "app.log"), "drop\n");
    await waitFor(() => consumer.pushes.length === 1);
    appendFileSync(join(logs, "app.log"), "keep\ndrop\n");
    await waitFor(() => consumer.pushes.length === 2);
    expect(consumer.pushes.map((p) => [p.records.map((r) => r.line), p.origin?.offset])).toEqual([
      [[], 5],
      [["keep"], 15],
    ]);
    await waitFor(() => source!.files[0].committed === 15);
  });

  test("never moves the checkpoint past a chunk that is not acknowledged", async () => {
    const consumer = new TestConsumer();
    consumer.hold = true;
    await run(consumer);
    const path = join(logs, "app.log");
    writeFileSync(path, "first\n");
    await waitFor(() => consumer.pushes.length === 1);
    appendFileSync(path, "second\n");
    await waitFor(() => consumer.pushes.length === 2);
    const file = source!.files[0];
    consumer.pushes[1].ack();
    await Bun.sleep(20);
    expect(file.committed).toBe(0);
    consumer.pushes[0].ack();
    await waitFor(() => file.committed === 13);
  });

  test("stops reading while too many bytes wait for acknowledgement, and goes on after", async () => {
    const registry = new Registry();
    const consumer = new TestConsumer();
    consumer.hold = true;
    await run(consumer, {}, { maxUnackedBytes: 100_000, registry });
    const line = `${"y".repeat(99)}\n`;
    writeFileSync(join(logs, "app.log"), line.repeat(20_000)); // 2 MB
    await waitFor(() => consumer.pushes.length > 0);
    await Bun.sleep(50);
    const stalled = consumer.pushes.at(-1)!.origin!.offset;
    expect(stalled).toBeLessThanOrEqual(256 * 1024);
    expect(metricValue(registry, series("unacked_bytes"))).toBe(stalled);
    consumer.hold = false;
    consumer.ackAll();
    await waitFor(() => consumer.lines().length === 20_000);
    expect(new Set(consumer.lines()).size).toBe(1);
  });

  test("counts the component's received and sent events", async () => {
    const registry = new Registry();
    const consumer = new TestConsumer();
    await run(consumer, {}, { registry });
    writeFileSync(join(logs, "app.log"), "a\nb\n");
    await waitFor(() => consumer.lines().length === 2);
    const labels = 'component_id="test",component_kind="source",component_type="file"';
    expect(metricValue(registry, `outpost_component_received_events_total{${labels}}`)).toBe(2);
    expect(metricValue(registry, `outpost_component_sent_events_total{${labels}}`)).toBe(2);
    expect(metricValue(registry, series("files_watched"))).toBe(1);
    expect(metricValue(registry, series("lines_read_total"))).toBe(2);
  });
});
