import { describe, expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { BatchSchema } from "../../proto/gen/outpost/ingest/v1/ingest_pb.ts";
import { labelsFromRecord } from "../model/labels.ts";
import type { LogRecord } from "../model/log.ts";
import { decodeBatch } from "./decode.ts";
import { BatchEncoder } from "./encode.ts";

const app = labelsFromRecord({ job: "app", filename: "/var/log/app.log" });
const db = labelsFromRecord({ job: "db", filename: "/var/log/db.log", level: "error" });
const T0 = 1_763_700_000_123_456_789n;

const records: LogRecord[] = [
  { timeNs: T0, labels: app, line: "GET /health 200", fields: [] },
  { timeNs: T0 + 1_500n, labels: app, line: "", fields: [] },
  { timeNs: T0 - 7_000_000n, labels: db, line: "deadlock détecté ✓", fields: ["trace_id", "abc"] },
  {
    timeNs: T0 + 9n,
    labels: labelsFromRecord({ job: "app", filename: "/var/log/app.log" }),
    line: "x".repeat(70_000),
    fields: [],
  },
];

describe("BatchEncoder.addLog() and decodeBatch()", () => {
  test("log records round-trip time to the nanosecond, streams, lines and fields", () => {
    const enc = new BatchEncoder();
    for (const r of records) enc.addLog(r);
    const batch = decodeBatch(enc.finish(5));
    const logs = batch.logs!;
    expect(logs.length).toBe(4);
    // The fourth record's labels are a new array with the same content: the same stream.
    expect(batch.series).toEqual([app as string[], db as string[]]);
    expect([...logs.stream]).toEqual([0, 0, 1, 0]);
    expect([...logs.timeNs]).toEqual(records.map((r) => r.timeNs));
    expect(logs.lines).toEqual(records.map((r) => r.line));
    expect(logs.fields[2]).toEqual(["trace_id", "abc"]);
    expect(logs.fields[0]).toEqual([]);
    expect(batch.samples.length).toBe(0);
  });

  test("the log encoding is valid protobuf that protobuf-es reads the same way", () => {
    const enc = new BatchEncoder();
    for (const r of records.slice(0, 3)) enc.addLog(r);
    const msg = fromBinary(BatchSchema, enc.finish(5));
    expect(msg.logs?.streamDeltas).toEqual([0, 0, 1]);
    expect(msg.logs?.lineLengths).toEqual([15, 0, 22]);
    expect(msg.logs?.fieldCounts).toEqual([0, 0, 1]);
    expect(msg.logs?.timeDeltasNs[1]).toBe(1_500n);
  });

  test("a metrics batch decodes without logs", () => {
    expect(decodeBatch(new BatchEncoder().finish(1)).logs).toBeNull();
  });

  test("every truncation of a log batch fails with a clear error or decodes a consistent prefix", () => {
    const enc = new BatchEncoder();
    for (const r of records.slice(0, 3)) enc.addLog(r);
    const bytes = enc.finish(5);
    for (let n = 0; n < bytes.length; n++) {
      try {
        const b = decodeBatch(bytes.subarray(0, n));
        const logs = b.logs;
        if (logs) expect(logs.lines.length).toBe(logs.length);
      } catch (err) {
        expect((err as Error).message).toStartWith("Cannot decode batch");
      }
    }
  });
});
