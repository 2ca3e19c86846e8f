import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { MetricWriter } from "../../pipeline/emitter.ts";
import { ApacheCollector } from "./apache/collector.ts";
import { NginxCollector } from "./nginx/collector.ts";
import {
  type FetchFailure,
  fetchText,
  ProbeBackoff,
  StatusPage,
  StatusPageError,
} from "./status_page.ts";

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

  test("a loopback page is fetched directly though HTTP_PROXY is set, as Go's client does", async () => {
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = "http://127.0.0.1:1";
    try {
      expect(await fetchText(`${base}/ok`, 1000)).toBe("Active connections: 1\n");
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
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

describe("a detected service without its status page is probed again with backoff", () => {
  /** A clock the test moves, and a server that counts the requests of each path. */
  function setUp(answer: (path: string) => Response) {
    const clock = { now: 1_000_000 };
    const requests: string[] = [];
    const local = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const path = new URL(req.url).pathname;
        requests.push(path);
        return answer(path);
      },
    });
    const backoff = new ProbeBackoff(60_000, 600_000, () => clock.now);
    return { clock, requests, local, backoff };
  }

  test("ProbeBackoff: 1 min, doubling to 10 min, and reset by a page found", () => {
    const clock = { now: 0 };
    const backoff = new ProbeBackoff(60_000, 600_000, () => clock.now);
    expect(backoff.pending()).toBeNull();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const miss = backoff.missed(new Error(`miss ${i}`));
      const from = clock.now;
      while (backoff.pending() === miss) clock.now += 1_000;
      waits.push(clock.now - from);
    }
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
    backoff.missed(new Error("again"));
    backoff.found();
    expect(backoff.pending()).toBeNull();
    backoff.missed(new Error("after a page"));
    clock.now += 59_000;
    expect(backoff.pending()?.message).toBe("after a page");
    clock.now += 1_000;
    expect(backoff.pending()).toBeNull();
  });

  test("nginx: one probe a wait, the same refusal between, none once the page is found", async () => {
    let serving = false;
    const { clock, requests, local, backoff } = setUp((path) =>
      serving && path === "/stub_status"
        ? new Response(
            "Active connections: 1 \nserver accepts handled requests\n 1 1 1 \nReading: 0 Writing: 1 Waiting: 0 \n",
          )
        : new Response("not here", { status: 404 }),
    );
    try {
      const nginx = new NginxCollector({ ports: [Number(local.port)] }, backoff);
      const collect = () => outcome(nginx);
      const first = await collect();
      expect(first).toStartWith("nginx has no stub_status page at");
      expect(requests).toEqual(["/nginx_status", "/stub_status", "/basic_status"]);
      // Every interval of the next minute: the same refusal, not a request.
      for (let i = 0; i < 4; i++) {
        clock.now += 15_000 - 1;
        await nginx.close();
        expect(await collect()).toBe(first);
      }
      expect(requests).toHaveLength(3);
      clock.now += 4;
      await nginx.close();
      expect(await collect()).toBe(first);
      expect(requests).toHaveLength(6);
      // The page is added: found at the next probe (2 minutes on), then read each interval.
      serving = true;
      clock.now += 119_999;
      expect(await collect()).toBe(first);
      expect(requests).toHaveLength(6);
      clock.now += 1;
      expect(await collect()).toBe("up");
      expect(await collect()).toBe("up");
      expect(requests.slice(6)).toEqual([
        "/nginx_status",
        "/stub_status",
        "/stub_status",
        "/stub_status",
      ]);
    } finally {
      local.stop(true);
    }
  });

  test("Apache: the same", async () => {
    const { clock, requests, local, backoff } = setUp(() => new Response("no", { status: 404 }));
    try {
      const apache = new ApacheCollector({ ports: [Number(local.port)] }, backoff);
      const collect = () => outcome(apache);
      const first = await collect();
      expect(first).toStartWith("Apache has no server-status page at");
      const probe = requests.length;
      expect(probe).toBeGreaterThan(0);
      clock.now += 59_999;
      await apache.close();
      expect(await collect()).toBe(first);
      expect(requests).toHaveLength(probe);
      clock.now += 1;
      expect(await collect()).toBe(first);
      expect(requests).toHaveLength(2 * probe);
    } finally {
      local.stop(true);
    }
  });
});

const sink: MetricWriter = { family() {}, sample() {} };

/** "up" when a collection succeeds, else its error's message. */
function outcome(collector: NginxCollector | ApacheCollector): Promise<string> {
  return collector.collect(sink, 2_000).then(
    () => "up",
    (e) => e.message,
  );
}
