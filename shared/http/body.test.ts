import { describe, expect, test } from "bun:test";
import { readBodyCapped, readTextCapped } from "./body.ts";

/** A POST whose body arrives in `chunks`, without a Content-Length (chunked). */
function chunked(chunks: string[]): Request {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(chunks[pulled++]));
    },
  });
  return new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBodyCapped()", () => {
  test("reads a body up to the cap, with or without a Content-Length", async () => {
    expect(await readTextCapped(new Request("http://x/", { method: "POST", body: "abc" }), 3)).toBe(
      "abc",
    );
    expect(await readTextCapped(chunked(["ab", "c"]), 3)).toBe("abc");
    expect(await readTextCapped(new Request("http://x/", { method: "POST" }), 3)).toBe("");
  });

  test("refuses a declared length over the cap without reading, and stops a chunked body at it", async () => {
    const declared = new Request("http://x/", { method: "POST", body: "abcd" });
    expect(await readBodyCapped(declared, 3)).toBeNull();
    let served = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        served++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const req = new Request("http://x/", {
      method: "POST",
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect(await readBodyCapped(req, 10 * 1024)).toBeNull();
    expect(served).toBeLessThan(20);
  });
});
