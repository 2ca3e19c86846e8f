/**
 * Logs end to end in one process: agent (file sources with stages) → a real nats-server →
 * aggregator (logs head, Parquet under signal=logs) → LogQL through Loki's HTTP API. Lines of
 * every awkward kind — a multiline stack trace, JSON and logfmt, a 10 MB line, binary garbage —
 * arrive as documented while the agent keeps running, and each line is stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent } from "../../agent/agent.ts";
import { Aggregator } from "../../aggregator/aggregator.ts";
import { startTestAgent } from "../harness/agent.ts";
import { testAggregatorConfig } from "../harness/aggregator.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

interface LokiStreams {
  status: string;
  data: {
    resultType: string;
    result: { stream: Record<string, string>; values: [string, string][] }[];
  };
}

describe("logs from file to LogQL", () => {
  let root: string;
  let nats: NatsServerHandle;
  let aggregator: Aggregator;
  let agent: Agent;
  const start = Date.now() - 60_000;

  async function query(q: string, extra = ""): Promise<Response> {
    const params = `query=${encodeURIComponent(q)}&start=${start}000000&end=${Date.now() + 60_000}000000&limit=1000${extra}`;
    return fetch(`${aggregator.url}/loki/api/v1/query_range?${params}`);
  }

  async function lines(q: string, extra = ""): Promise<string[]> {
    const body = (await (await query(q, extra)).json()) as LokiStreams;
    // Loki answers per stream; across streams, put the lines back in time order.
    const values = body.data.result.flatMap((s) => s.values);
    values.sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : BigInt(a[0]) > BigInt(b[0]) ? 1 : 0));
    return values.map((v) => v[1]);
  }

  async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const v = await fn();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await Bun.sleep(200);
    }
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "outpost-logs-e2e-"));
    const logs = join(root, "logs");
    mkdirSync(logs);
    writeFileSync(join(logs, "app.log"), "");
    writeFileSync(join(logs, "api.json"), "");
    nats = await startNatsServer();
    const { config } = await testAggregatorConfig({
      id: "logs-agg",
      natsUrl: nats.url,
      dataDir: join(root, "agg"),
      storage: { type: "dir", path: join(root, "bucket") },
    });
    aggregator = new Aggregator(config);
    await aggregator.start();
    agent = await startTestAgent(
      `agent:\n  id: logs-agent\n  http_listen: "127.0.0.1:0"\nnats:\n  url: ${nats.url}\nbatch:\n  max_wait: 200ms\nspool:\n  dir: ${join(root, "spool")}\nlogs:
  - name: app
    include: ["${logs}/app.log"]
    start_at: beginning
    poll_interval: 100ms
    max_line_bytes: 1MiB
    multiline:
      start_pattern: '^\\d{4}-\\d{2}-\\d{2} '
      max_wait: 500ms
    stages:
      - regex: {expression: '^\\S+ \\S+ (?P<level>[A-Z]+) '}
      - level: {}
  - name: api
    include: ["${logs}/api.json"]
    start_at: beginning
    poll_interval: 100ms
    stages:
      - json: {expressions: {level: level, status: status}}
      - labels: {level: ''}
`,
      root,
    );
  });

  // Stopping waits for the last acknowledgements and the last flush: more than the default 5 s.
  afterAll(async () => {
    await agent?.stop();
    await aggregator?.stop();
    await nats?.dispose();
  }, 30_000);

  test("every kind of line arrives as documented and the agent keeps running", async () => {
    const app = join(root, "logs", "app.log");
    const api = join(root, "logs", "api.json");
    const ts = "2026-11-21 10:00:00";
    appendFileSync(app, `${ts} INFO started\n`);
    appendFileSync(
      app,
      `${ts} ERROR request failed\njava.lang.IllegalStateException: boom\n    at a.b.C.run(C.java:42)\n    at a.b.D.main(D.java:7)\n`,
    );
    appendFileSync(app, `${ts} INFO ${"x".repeat(10 * 1024 * 1024)}\n`);
    appendFileSync(app, Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x0a]));
    appendFileSync(app, `${ts} WARN after the garbage marker\n`);
    for (let i = 0; i < 50; i++) {
      const level = i % 10 === 0 ? "error" : "info";
      appendFileSync(
        api,
        `${JSON.stringify({ level, status: i % 10 === 0 ? 500 : 200, msg: `req ${i}` })}\n`,
      );
    }
    appendFileSync(api, "not json at all\n");

    const appLines = await until(
      "the app lines",
      () => lines('{job="app"}', "&direction=forward"),
      (l) => l.some((x) => x.includes("marker")),
    );
    expect(appLines[0]).toBe(`${ts} INFO started`);
    // The stack trace is one record with its lines joined.
    expect(appLines[1]).toBe(
      `${ts} ERROR request failed\njava.lang.IllegalStateException: boom\n    at a.b.C.run(C.java:42)\n    at a.b.D.main(D.java:7)`,
    );
    // The 10 MB line is cut to max_line_bytes.
    expect(Buffer.byteLength(appLines[2])).toBe(1024 * 1024);
    // Invalid UTF-8 becomes U+FFFD; the line still arrives.
    expect(appLines.some((l) => l.includes("\uFFFD"))).toBe(true);
    expect(appLines.at(-1)).toBe(`${ts} WARN after the garbage marker`);
    expect(await lines('{job="app", level="error"}')).toHaveLength(1);

    const errors = await until(
      "the api lines",
      () => lines('{job="api", level="error"}'),
      (l) => l.length >= 5,
    );
    expect(errors).toHaveLength(5);
    // A line the json stage cannot parse is kept (without a level label from it).
    expect(await lines('{job="api"} |= "not json"')).toEqual(["not json at all"]);
    const instant = await fetch(
      `${aggregator.url}/loki/api/v1/query?query=${encodeURIComponent('sum by (level) (count_over_time({job="api"} |= "req" [10m]))')}&time=${Date.now() + 1000}000000`,
    );
    const counts = (await instant.json()) as {
      data: {
        resultType: string;
        result: { metric: { level: string }; value: [number, string] }[];
      };
    };
    expect(counts.data.resultType).toBe("vector");
    const byLevel = Object.fromEntries(counts.data.result.map((r) => [r.metric.level, r.value[1]]));
    expect(byLevel).toEqual({ error: "5", info: "45" });
  }, 60_000);

  test("after a flush the same lines come from Parquet, each once", async () => {
    // A record can still be arriving under load (a batch the agent sent late): flush until the
    // head is empty, then every line must come from Parquet once.
    for (let i = 0; i < 20; i++) {
      await aggregator.logs.flush();
      if (aggregator.logs.stats().records === 0) break;
      await Bun.sleep(250);
    }
    expect(aggregator.logs.stats().records).toBe(0);
    const apiLines = await lines('{job="api"}');
    expect(apiLines).toHaveLength(51);
    expect(new Set(apiLines).size).toBe(51);
    const files = aggregator.catalog.all().filter((f) => f.signal === "logs");
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.key.includes("/signal=logs/"))).toBe(true);
  });

  test("an invalid query answers 400 with Loki's message and the server keeps serving", async () => {
    const bad = await query('{job="app"} |= ');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("parse error");
    expect((await lines('{job="api"} |= "req 7"')).length).toBe(1);
  });
});
