import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { deflateSync, gzipSync } from "node:zlib";
import { BodySizeLimitError, type ReadOptions, readLimitedBody } from "./body.ts";

const MiB = 1024 * 1024;
const LIMIT = MiB;
const text = "up 1\n";
let server: ReturnType<typeof Bun.serve>;
/** Bytes the server sent of its chunked bodies, so a test can tell the reader stopped early. */
let streamedBytes = 0;
/** 768 KiB of varied bytes, served with a declared length. */
const varied = Uint8Array.from({ length: 768 * 1024 }, (_, i) => (i * 7919) % 251);

/** A chunked body of `total` bytes of `#`, made as it is read. */
function streamed(total: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(16 * 1024).fill(0x23);
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= total) return c.close();
      sent += chunk.length;
      streamedBytes += chunk.length;
      c.enqueue(chunk);
    },
  });
}

beforeAll(() => {
  const bomb = gzipSync(new Uint8Array(256 * MiB), { level: 9 });
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      switch (new URL(req.url).pathname) {
        case "/bomb":
          return new Response(bomb, { headers: { "Content-Encoding": "gzip" } });
        case "/deflate":
          return new Response(deflateSync(text), { headers: { "Content-Encoding": "deflate" } });
        case "/chunked":
          return new Response(streamed(256 * MiB));
        case "/declared":
          return new Response(new Uint8Array(2 * MiB));
        case "/varied":
          return new Response(varied);
        case "/br":
          return new Response("x", { headers: { "Content-Encoding": "br" } });
        default:
          return new Response(text);
      }
    },
  });
});
afterAll(() => server.stop(true));

/** Reads a path with `decompress: false` as the fetcher does, summing what was reserved. */
async function read(path: string, reserve?: (n: number) => void, opts?: ReadOptions) {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    decompress: false,
  } as RequestInit);
  let reserved = 0;
  const body = await readLimitedBody(
    res,
    LIMIT,
    (n) => {
      reserve?.(n);
      reserved += n;
    },
    opts,
  ).catch((e: unknown) => e);
  return { body, reserved };
}

describe("readLimitedBody()", () => {
  test("stops a gzip bomb at the limit, counting inflated bytes as they stream", async () => {
    const { body, reserved } = await read("/bomb");
    expect(body).toBeInstanceOf(BodySizeLimitError);
    expect(String(body)).toContain(`limit ${LIMIT}`);
    // Each chunk is reserved twice (read and joined); the last one is refused unreserved.
    expect(reserved).toBeLessThanOrEqual(2 * LIMIT);
  });

  test("cuts a chunked body at the first chunk past the limit and stops reading", async () => {
    streamedBytes = 0;
    const { body, reserved } = await read("/chunked");
    expect(body).toBeInstanceOf(BodySizeLimitError);
    expect(reserved).toBeLessThanOrEqual(2 * LIMIT);
    await Bun.sleep(50);
    expect(streamedBytes).toBeLessThan(32 * MiB);
  });

  test("refuses a declared length over the limit before reading any of it", async () => {
    const { body, reserved } = await read("/declared");
    expect(body).toBeInstanceOf(BodySizeLimitError);
    expect(String(body)).toContain("(declared)");
    expect(reserved).toBe(0);
  });

  test("fails when the budget refuses a chunk", async () => {
    const refused = new RangeError("refused");
    const { body } = await read("/chunked", () => {
      throw refused;
    });
    expect(body).toBe(refused);
  });

  test("inflates deflate and reads a plain body whole", async () => {
    for (const path of ["/deflate", "/plain"]) {
      const { body } = await read(path);
      expect(new TextDecoder().decode(body as Uint8Array)).toBe(text);
    }
  });

  test("reads a declared plain body whole, equal to the chunk loop's read and reservation", async () => {
    for (const path of ["/varied", "/plain"]) {
      const fast = await read(path);
      const loop = await read(path, undefined, { chunkLoopAlways: true });
      expect(fast.body).toEqual(loop.body);
      expect(fast.reserved).toBe(loop.reserved);
    }
    expect((await read("/varied")).body).toEqual(varied);
  });

  test("fails before reading when the budget refuses a declared body", async () => {
    const refused = new RangeError("refused");
    const { body } = await read("/varied", () => {
      throw refused;
    });
    expect(body).toBe(refused);
  });

  test("a server sending more than it declared gives the declared bytes only", async () => {
    const flood = new Uint8Array(32 * MiB).fill(0x41);
    const liar = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(s) {
          s.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
          s.write(flood);
        },
      },
    });
    try {
      const res = await fetch(`http://127.0.0.1:${liar.port}/`, {
        decompress: false,
      } as RequestInit);
      const body = await readLimitedBody(res, LIMIT, () => {});
      expect(body.length).toBe(10);
    } finally {
      liar.stop(true);
    }
  });

  test("rejects a Content-Encoding it cannot inflate", async () => {
    const { body } = await read("/br");
    expect(String(body)).toContain('unsupported Content-Encoding "br"');
  });
});
