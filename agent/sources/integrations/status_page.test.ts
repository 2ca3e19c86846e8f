import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { type FetchFailure, fetchText, StatusPage, StatusPageError } from "./status_page.ts";

let server: ReturnType<typeof Bun.serve>;
let base = "";

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/ok") return new Response("Active connections: 1\n");
      if (path === "/big") return new Response("x".repeat(4096));
      if (path === "/stream")
        // No Content-Length: the cap must stop the read itself.
        return new Response(
          new ReadableStream({
            pull(c) {
              c.enqueue(new Uint8Array(1024));
            },
          }),
        );
      if (path === "/slow") {
        await Bun.sleep(2000);
        return new Response("late");
      }
      return new Response("no", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

describe("fetchText()", () => {
  const cases: [string, number, FetchFailure, string][] = [
    ["/missing", 4096, "http_status", "HTTP 404"],
    ["/big", 1000, "too_large", "larger than 1000 bytes"],
    ["/stream", 10_000, "too_large", "larger than 10000 bytes"],
    ["/slow", 4096, "timeout", "timed out after 200 ms"],
  ];
  for (const [path, max, reason, why] of cases)
    test(`fails on ${path} with reason ${reason}, naming the URL`, async () => {
      const err = (await fetchText(`${base}${path}`, 200, max).catch((e) => e)) as StatusPageError;
      expect(err).toBeInstanceOf(StatusPageError);
      expect(err.reason).toBe(reason);
      expect(err.message).toStartWith(`Cannot fetch ${base}${path}: `);
      expect(err.message).toContain(why);
    });

  test("a refused connection is an error naming the URL", async () => {
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    const url = `http://127.0.0.1:${closed.port}/`;
    closed.stop(true);
    const err = (await fetchText(url, 500).catch((e) => e)) as StatusPageError;
    expect(err.reason).toBe("error");
    expect(err.message).toStartWith(`Cannot fetch ${url}: `);
  });
});

describe("StatusPage", () => {
  test("counts fetches by result and the last page's size, and removes them when told", async () => {
    const registry = new Registry();
    const page = new StatusPage(1000);
    const remove = page.instrument(registry, "nginx:80");
    const deadline = () => Date.now() + 300;
    expect(await page.fetchText(`${base}/ok`, deadline(), 300)).toBe("Active connections: 1\n");
    await page.fetchText(`${base}/big`, deadline(), 300).catch(() => {});
    await page.fetchText(`${base}/missing`, deadline(), 300).catch(() => {});
    const err = await page.fetchText(`${base}/slow`, deadline(), 300).catch((e) => e);
    expect(err.message).toBe(`Cannot fetch ${base}/slow: timed out after 300 ms`);
    const text = registry.render();
    for (const result of ["ok", "too_large", "http_status", "timeout"])
      expect(text).toContain(
        `outpost_integration_page_fetches_total{integration="nginx:80",result="${result}"} 1`,
      );
    expect(text).toContain('outpost_integration_page_size_bytes{integration="nginx:80"} 22');
    remove();
    expect(registry.render()).not.toContain('integration="nginx:80"');
  });
});
