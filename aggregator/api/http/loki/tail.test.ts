import { afterAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../../../shared/model/labels.ts";
import type { LogRecord } from "../../../../shared/model/log.ts";
import { setTenants } from "../../../auth/tenants.ts";
import { MemoryLogs } from "../../../logs/memory.ts";
import { TailRegistry } from "../../../logs/tail/registry.ts";
import { lokiApi, lokiWebSocket } from "./loki.ts";

const MS = 1_000_000n;
const logs = new MemoryLogs();
const registry = new Registry();
// The guard's part in the aggregator: the tenant a request acts for, here from its header.
const app = new Hono();
app.use(async (c, next) => {
  setTenants(c, [c.req.header("X-Scope-OrgID") ?? "default"]);
  await next();
});
app.route("/", lokiApi({ logs: () => logs, registry, tailPollMs: 50, maxTails: 2 }));
const server = Bun.serve({ port: 0, fetch: app.fetch, websocket: lokiWebSocket });
afterAll(() => server.stop(true));

function record(agoMs: number, job: string, line: string): LogRecord {
  const timeNs = BigInt(Date.now() - agoMs) * MS;
  return { timeNs, labels: labelsFromRecord({ job }), line, fields: [] };
}

// biome-ignore lint/suspicious/noExplicitAny: frames are JSON
type Json = any;

/** A real WebSocket client that collects frames and close events. */
class Client {
  readonly frames: Json[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly ws: WebSocket;
  readonly opened: Promise<void>;

  constructor(query: string, params: Record<string, string> = {}, tenant?: string) {
    const search = new URLSearchParams({ query, ...params });
    const url = `${server.url.href.replace("http", "ws")}loki/api/v1/tail?${search}`;
    const headers = tenant === undefined ? {} : { "X-Scope-OrgID": tenant };
    this.ws = new WebSocket(url, { headers } as never);
    this.ws.onmessage = (e) => this.frames.push(JSON.parse(String(e.data)));
    this.ws.onclose = (e) => {
      this.closed = { code: e.code, reason: e.reason };
    };
    this.opened = new Promise((resolve) => {
      this.ws.onopen = () => resolve();
    });
  }

  lines(): string[] {
    return this.frames.flatMap((f) =>
      f.streams.flatMap((s: Json) => s.values.map((v: Json) => v[1])),
    );
  }

  close(): void {
    this.ws.close(1000);
  }
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("Cannot wait any longer: the condition never held");
    await Bun.sleep(20);
  }
}

describe("tail", () => {
  test("sends the history, then each line appended after it connected, once", async () => {
    logs.append([
      record(5000, "tail", "old 1"),
      record(4000, "tail", "old 2"),
      record(3000, "other", "x"),
    ]);
    const client = new Client('{job="tail"}');
    await client.opened;
    await until(() => client.lines().length >= 2);
    expect(client.frames[0]).toEqual({
      streams: [
        {
          stream: { job: "tail" },
          values: [
            [expect.any(String), "old 1"],
            [expect.any(String), "old 2"],
          ],
        },
      ],
    });
    logs.append([record(0, "tail", "new 1"), record(0, "other", "y")]);
    await until(() => client.lines().includes("new 1"));
    logs.append([record(0, "tail", "new 2")]);
    await until(() => client.lines().includes("new 2"));
    await Bun.sleep(200); // a few more polls: nothing may come twice
    expect(client.lines()).toEqual(["old 1", "old 2", "new 1", "new 2"]);
    client.close();
  });

  test("sends only the newest `limit` lines of the history", async () => {
    const client = new Client('{job="tail"}', { limit: "1" });
    await until(() => client.lines().length >= 1);
    expect(client.lines()).toEqual(["new 2"]);
    client.close();
  });

  test("closes with 1011 and Loki's reason when too many tails are open", async () => {
    // The tails of earlier tests are closed once the server has seen them go.
    await until(() => registry.render().includes("outpost_loki_tails 0"));
    const open = [new Client('{job="tail"}'), new Client('{job="tail"}')];
    await Promise.all(open.map((c) => c.opened));
    const third = new Client('{job="tail"}');
    await until(() => third.closed !== null);
    expect(third.closed).toEqual({
      code: 1011,
      reason: "max concurrent tail requests limit exceeded, count > limit (3 > 2)",
    });
    for (const c of open) c.close();
  });

  test("counts the tails of each tenant apart: one tenant's do not use up another's", async () => {
    await until(() => registry.render().includes("outpost_loki_tails 0"));
    const full = [new Client('{job="tail"}', {}, "x"), new Client('{job="tail"}', {}, "x")];
    await Promise.all(full.map((c) => c.opened));
    const other = new Client('{job="tail"}', {}, "y");
    await other.opened;
    const third = new Client('{job="tail"}', {}, "x");
    await until(() => third.closed !== null);
    expect(third.closed?.code).toBe(1011);
    await Bun.sleep(200);
    expect(other.closed).toBeNull();
    expect(registry.render()).toContain("outpost_loki_tails 3");
    for (const c of [...full, other]) c.close();
  });

  test("closes with 1011 for a metric query", async () => {
    const client = new Client('count_over_time({job="tail"}[1m])');
    await until(() => client.closed !== null);
    expect(client.closed?.code).toBe(1011);
  });

  // [what, query, status, body]
  const refusals: [string, string, number, string | undefined][] = [
    [
      "answers invalid LogQL with a plain-text 400 before the handshake",
      '{job="tail"',
      400,
      undefined,
    ],
    [
      "answers a request that is no handshake as gorilla does",
      '{job="tail"}',
      400,
      "Bad Request\n",
    ],
  ];
  for (const [what, query, status, body] of refusals) {
    test(what, async () => {
      const res = await fetch(`${server.url}loki/api/v1/tail?${new URLSearchParams({ query })}`);
      expect(res.status).toBe(status);
      const text = await res.text();
      if (body !== undefined) expect(text).toBe(body);
      else expect(text).toStartWith("parse error");
    });
  }
});

describe("tail with a tail registry", () => {
  const stored = new MemoryLogs();
  const tails = new TailRegistry();
  const pushed = Bun.serve({
    port: 0,
    // Polling every hour: only a push can deliver a line within the test.
    fetch: lokiApi({ logs: () => stored, tails, tailPollMs: 3_600_000 }).fetch,
    websocket: lokiWebSocket,
  });
  afterAll(() => pushed.stop(true));

  /** Stores records and offers them to the registry, as the logs store does on ingest. */
  function ingest(records: LogRecord[]): void {
    stored.append(records);
    const streams = [...new Map(records.map((r) => [r.labels.join(), r.labels])).values()];
    tails.offer("default", streams, {
      length: records.length,
      stream: Int32Array.from(records, (r) =>
        streams.findIndex((l) => l.join() === r.labels.join()),
      ),
      timeNs: BigInt64Array.from(records, (r) => r.timeNs),
      lines: records.map((r) => r.line),
      fields: records.map((r) => r.fields),
      lineBytes: 0,
    });
  }

  test("sends the history, then pushed lines, through the whole pipeline, once", async () => {
    ingest([record(2000, "push", "level=info msg=old")]);
    const search = new URLSearchParams({ query: '{job="push"} | logfmt | level="error"' });
    const frames: Json[] = [];
    const ws = new WebSocket(`${pushed.url.href.replace("http", "ws")}loki/api/v1/tail?${search}`);
    ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
    await new Promise((resolve) => ws.addEventListener("open", resolve, { once: true }));
    await until(() => tails.size === 1);
    ingest([record(0, "push", "level=error msg=new"), record(0, "push", "level=info msg=no")]);
    await until(() => frames.length >= 1);
    await Bun.sleep(100);
    expect(frames).toEqual([
      {
        streams: [
          {
            stream: { job: "push", level: "error", msg: "new" },
            values: [[expect.any(String), "level=error msg=new"]],
          },
        ],
      },
    ]);
    ws.close(1000);
    await until(() => tails.size === 0);
  });
});
