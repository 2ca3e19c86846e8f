import { describe, expect, test } from "bun:test";
import type { LogRecord } from "../../../../shared/model/log.ts";
import { pipeline, record } from "./testing.ts";

const LINE =
  '{"ts":"2024-03-12T10:04:05Z","level":"info","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"GET /api 200"}';

describe("output and structured_metadata stages", () => {
  const cases: {
    name: string;
    stages: string;
    input: LogRecord;
    line: string;
    fields: string[];
  }[] = [
    {
      name: "output replaces the line with an extracted value",
      stages: "- json: {}\n- output: {source: msg}",
      input: record(LINE),
      line: "GET /api 200",
      fields: [],
    },
    {
      name: "output leaves the line when the value is absent",
      stages: "- json: {}\n- output: {source: message}",
      input: record(LINE),
      line: LINE,
      fields: [],
    },
    {
      name: "structured_metadata keeps values beside the line, not in the labels",
      stages: "- json: {}\n- structured_metadata: {trace_id: '', lvl: level, none: absent}",
      input: record(LINE),
      line: LINE,
      fields: ["trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "lvl", "info"],
    },
    {
      name: "structured_metadata replaces a field of the same name and keeps the others",
      stages: "- json: {}\n- structured_metadata: {trace_id: ''}",
      input: { ...record(LINE), fields: ["pod", "web-1", "trace_id", "old"] },
      line: LINE,
      fields: ["pod", "web-1", "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { processor } = pipeline(c.stages);
      const [out] = processor.process([c.input]);
      expect(out.line).toBe(c.line);
      expect(out.fields).toEqual(c.fields);
      expect(out.labels).toEqual(c.input.labels);
    });
  }

  test("does not change the input record's fields", () => {
    const input = { ...record(LINE), fields: ["pod", "web-1"] };
    pipeline("- json: {}\n- structured_metadata: {level: ''}").processor.process([input]);
    expect(input.fields).toEqual(["pod", "web-1"]);
  });
});
