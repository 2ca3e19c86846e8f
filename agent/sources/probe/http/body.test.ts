import { describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { type BodyOptions, MAX_MATCHED_BODY, readBody } from "./body.ts";

async function* pieces(data: Buffer, size: number, failAfter = Infinity): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) {
    if (i >= failAfter) throw new Error("connection reset");
    yield data.subarray(i, i + size);
  }
}

const plain: BodyOptions = { compression: "", limit: 0, keep: false };

describe("readBody()", () => {
  test("counts a body without keeping it", async () => {
    const out = await readBody(pieces(Buffer.alloc(100_000), 4096), plain);
    expect(out).toEqual({ bytes: 100_000, error: undefined });
  });

  test("keeps the text when asked, invalid UTF-8 replaced", async () => {
    const out = await readBody(pieces(Buffer.from([0x68, 0x69, 0xff]), 1), {
      ...plain,
      keep: true,
    });
    expect(out.text).toBe("hi\ufffd");
  });

  test("decodes gzip arriving in small pieces", async () => {
    const text = "hello ".repeat(10_000);
    const out = await readBody(pieces(gzipSync(text), 7), {
      ...plain,
      compression: "gzip",
      keep: true,
    });
    expect(out).toEqual({ bytes: text.length, text, error: undefined });
  });

  test("stops at body_size_limit after decoding and reports the limit", async () => {
    const zipped = gzipSync(Buffer.alloc(1_000_000));
    const out = await readBody(pieces(zipped, 64), {
      compression: "gzip",
      limit: 1000,
      keep: false,
    });
    expect(out.bytes).toBe(1000);
    expect(out.error?.message).toBe("body is larger than body_size_limit (1000 bytes)");
  });

  test("reports a truncated gzip stream", async () => {
    const zipped = gzipSync("truncated");
    const out = await readBody(pieces(zipped.subarray(0, zipped.length - 4), 100), {
      ...plain,
      compression: "gzip",
    });
    expect(out.error).toBeDefined();
  });

  test("keeps the count of bytes read before the connection broke", async () => {
    const out = await readBody(pieces(Buffer.alloc(1000), 100, 300), plain);
    expect(out.bytes).toBe(300);
    expect(out.error?.message).toBe("connection reset");
  });

  test("refuses to match a body larger than it keeps, but counts it all", async () => {
    const size = MAX_MATCHED_BODY + 1;
    const out = await readBody(pieces(Buffer.alloc(size), 1 << 20), { ...plain, keep: true });
    expect(out.bytes).toBe(size);
    expect(out.text).toBeUndefined();
    expect(out.error?.message).toContain("too large to match regexps; set body_size_limit");
  });
});
