import { describe, expect, test } from "bun:test";
import { PassThrough } from "node:stream";
import { LineReader } from "./lines.ts";

async function readAll(chunks: (string | Buffer)[], end = true): Promise<(string | null)[]> {
  const stream = new PassThrough();
  const reader = new LineReader(stream);
  for (const c of chunks) stream.write(c);
  if (end) stream.end();
  const lines: (string | null)[] = [];
  for (let line = await reader.readLine(); ; line = await reader.readLine()) {
    lines.push(line);
    if (line === null) return lines;
  }
}

describe("LineReader", () => {
  test.each([
    ["LF endings", ["a\nb\n"], ["a", "b", null]],
    ["CRLF endings", ["a\r\nb\r\n"], ["a", "b", null]],
    ["a last line without newline", ["a\nb"], ["a", "b", null]],
    ["a last line ending in CR", ["a\r"], ["a", null]],
    ["lines split across chunks", ["he", "llo\nwo", "rld\n"], ["hello", "world", null]],
    ["empty lines", ["\n\n"], ["", "", null]],
    ["UTF-8 split across chunks", [Buffer.from([0xc3]), Buffer.from([0xa9, 0x0a])], ["é", null]],
  ])("reads %s as bufio.Scanner does", async (_name, chunks, lines) => {
    expect(await readAll(chunks as (string | Buffer)[])).toEqual(lines);
  });

  test("LineReader fails on a line over 64 KiB", async () => {
    await expect(readAll(["x".repeat(70_000)], false)).rejects.toThrow("longer than 64 KiB");
  });

  test("LineReader reports a stream error after the lines before it", async () => {
    const stream = new PassThrough();
    const reader = new LineReader(stream);
    stream.write("a\n");
    stream.destroy(new Error("read ECONNRESET"));
    expect(await reader.readLine()).toBe("a");
    await expect(reader.readLine()).rejects.toThrow(
      "Cannot read from the connection: read ECONNRESET",
    );
  });
});
