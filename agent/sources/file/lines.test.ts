import { describe, expect, test } from "bun:test";
import { Value } from "../../../shared/metrics/registry.ts";
import { LineSplitter } from "./lines.ts";

interface Line {
  text: string;
  start: number;
  end: number;
}

function split(chunks: (string | Uint8Array)[], maxBytes = 64) {
  const lines: Line[] = [];
  const counters = { truncated: new Value(), invalidUtf8: new Value() };
  const splitter = new LineSplitter(
    maxBytes,
    0,
    { line: (text, start, end) => lines.push({ text, start, end }) },
    counters,
  );
  for (const c of chunks) splitter.push(Buffer.from(typeof c === "string" ? Buffer.from(c) : c));
  return { lines, splitter, counters };
}

describe("LineSplitter", () => {
  test.each([
    ["splits on newlines", ["a\nbb\n"], ["a", "bb"]],
    ["drops a carriage return before the newline", ["a\r\nb\r\n"], ["a", "b"]],
    ["keeps a carriage return inside a line", ["a\rb\n"], ["a\rb"]],
    ["drops a carriage return split from its newline by a chunk", ["ab\r", "\ncd\n"], ["ab", "cd"]],
    ["joins a line split across chunks", ["hel", "lo wo", "rld\n"], ["hello world"]],
    ["keeps empty lines", ["\n\na\n"], ["", "", "a"]],
    ["holds a last line without newline", ["a\nb"], ["a"]],
    ["replaces invalid UTF-8", [new Uint8Array([0x61, 0xff, 0x62, 0x0a])], ["a\uFFFDb"]],
    [
      "decodes a character split across chunks",
      [new Uint8Array([0xe2, 0x82]), new Uint8Array([0xac, 0x0a])],
      ["€"],
    ],
  ] as const)("%s", (_name, chunks, want) => {
    expect(split([...chunks]).lines.map((l) => l.text)).toEqual([...want]);
  });

  test("reports each line's offsets, the newline included in its span", () => {
    const { lines, splitter } = split(["ab\r\n", "c", "d\ne"]);
    expect(lines).toEqual([
      { text: "ab", start: 0, end: 4 },
      { text: "cd", start: 4, end: 7 },
    ]);
    expect(splitter.pendingStart).toBe(7);
    expect(splitter.readEnd).toBe(8);
    expect(splitter.hasPartial).toBe(true);
  });

  test("flushPartial() hands over the unfinished line", () => {
    const { lines, splitter } = split(["a\nbc"]);
    splitter.flushPartial();
    expect(lines.at(-1)).toEqual({ text: "bc", start: 2, end: 4 });
    expect(splitter.hasPartial).toBe(false);
  });

  test.each([
    ["within one chunk", [`${"x".repeat(100)}\nok\n`]],
    ["across chunks", ["x".repeat(30), "x".repeat(30), "x".repeat(40), "\nok\n"]],
  ])("cuts an over-long line %s and counts it", (_name, chunks) => {
    const { lines, counters } = split(chunks, 16);
    expect(lines.map((l) => l.text)).toEqual(["x".repeat(16), "ok"]);
    expect(lines[1].start).toBe(101);
    expect(counters.truncated.value).toBe(1);
  });

  test("does not count a line of exactly the limit followed by \\r\\n", () => {
    const { lines, counters } = split(["x".repeat(8), "\r\n"], 8);
    expect(lines[0].text).toBe("x".repeat(8));
    expect(counters.truncated.value).toBe(0);
  });

  test("cuts before a multi-byte character rather than through it", () => {
    const { lines } = split(["abc€def\n"], 4);
    expect(lines[0].text).toBe("abc");
  });

  test("counts lines with invalid UTF-8, not lines that hold U+FFFD itself", () => {
    const bad = new Uint8Array([0xc0, 0xaf, 0x0a]);
    const { counters } = split([bad, "ok \uFFFD\n", bad]);
    expect(counters.invalidUtf8.value).toBe(2);
  });

  test("keeps no more than the limit of a 10 MB line in memory", () => {
    const lines: string[] = [];
    const counters = { truncated: new Value(), invalidUtf8: new Value() };
    const splitter = new LineSplitter(1024, 0, { line: (t) => lines.push(t) }, counters);
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    for (let i = 0; i < 40; i++) splitter.push(chunk);
    expect(splitter.capacity).toBeLessThanOrEqual(1025);
    splitter.push(Buffer.from("\n"));
    expect(lines).toEqual(["a".repeat(1024)]);
    expect(counters.truncated.value).toBe(1);
    expect(splitter.pendingStart).toBe(40 * 256 * 1024 + 1);
  });
});
