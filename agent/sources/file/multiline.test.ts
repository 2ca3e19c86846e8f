import { describe, expect, test } from "bun:test";
import { Multiline } from "./multiline.ts";

function joiner(opts: { maxLines?: number; maxBytes?: number } = {}) {
  const out: string[] = [];
  const ml = new Multiline(
    {
      start: /^\d/,
      maxLines: opts.maxLines ?? 100,
      maxBytes: opts.maxBytes ?? 1 << 20,
      maxWaitMs: 50,
    },
    (t) => out.push(t),
  );
  let offset = 0;
  const add = (line: string, now = 0) => {
    ml.add(line, offset, offset + line.length + 1, now);
    offset += line.length + 1;
  };
  return { ml, out, add };
}

describe("Multiline", () => {
  test.each([
    [
      "joins continuation lines to the record they follow",
      ["1 a", " x", " y", "2 b"],
      ["1 a\n x\n y"],
    ],
    ["sends lines before the first start line as a record", [" x", " y", "1 a"], [" x\n y"]],
    ["sends each start line as its own record", ["1", "2", "3"], ["1", "2"]],
    ["sends a record at max_lines", ["1", " a", " b", " c", " d"], ["1\n a\n b"]],
  ])("%s", (_name, lines, want) => {
    const { out, add } = joiner({ maxLines: 3 });
    for (const l of lines) add(l);
    expect(out).toEqual(want);
  });

  test("sends a record before it would pass the byte limit", () => {
    const { out, add } = joiner({ maxBytes: 10 });
    for (const l of ["1 abc", " defg", " h"]) add(l);
    expect(out).toEqual(["1 abc"]);
  });

  test("reports the start offset of the record it holds", () => {
    const { ml, add } = joiner();
    expect(ml.pendingStart).toBe(-1);
    add("1 a");
    add(" b");
    add("2 c");
    expect(ml.pendingStart).toBe(7);
    ml.flush();
    expect(ml.pendingStart).toBe(-1);
  });

  test("is due max_wait after its last line", () => {
    const { ml, add } = joiner();
    add("1 a", 1000);
    add(" b", 1030);
    expect(ml.due(1079)).toBe(false);
    expect(ml.due(1080)).toBe(true);
  });
});
