import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { ComponentMetrics } from "../../pipeline/component.ts";
import { SeriesEmitter } from "../../pipeline/emitter.ts";
import { RecordingWriter } from "../host/testing.ts";
import { ExpositionRelay, RELAY_LIMITS } from "./exposition_relay.ts";

const enc = (s: string) => new TextEncoder().encode(s);

const PAGE = `# TYPE rabbitmq_queues gauge
# HELP rabbitmq_queues Queues available
rabbitmq_queues 2
# TYPE rabbitmq_alarms_memory_used_watermark untyped
# HELP rabbitmq_alarms_memory_used_watermark is 1 if VM memory watermark alarm is in effect
rabbitmq_alarms_memory_used_watermark 0
# TYPE rabbitmq_raft_entry_commit_latency_seconds histogram
rabbitmq_raft_entry_commit_latency_seconds_bucket{le="0.1"} 3
rabbitmq_raft_entry_commit_latency_seconds_bucket{le="+Inf"} 4
rabbitmq_raft_entry_commit_latency_seconds_sum 0.2
rabbitmq_raft_entry_commit_latency_seconds_count 4
`;

describe("ExpositionRelay.write()", () => {
  test("writes the page through: families, types, HELP, labels and values", async () => {
    const w = new RecordingWriter();
    expect(await new ExpositionRelay().write(w, enc(PAGE), null, "page")).toBe(6);
    expect(w.families.get("rabbitmq_queues")).toEqual({ type: "gauge", help: "Queues available" });
    expect(w.families.get("rabbitmq_alarms_memory_used_watermark")?.type).toBe("unknown");
    expect(w.families.get("rabbitmq_raft_entry_commit_latency_seconds")?.type).toBe("histogram");
    expect(w.value("rabbitmq_queues")).toBe(2);
    expect(w.value("rabbitmq_raft_entry_commit_latency_seconds_bucket", { le: "+Inf" })).toBe(4);
  });

  test("writes the same samples on a second page through its cached series", async () => {
    const relay = new ExpositionRelay();
    const first = new RecordingWriter();
    await relay.write(first, enc(PAGE), null, "page");
    const second = new RecordingWriter();
    await relay.write(
      second,
      enc(PAGE.replace("rabbitmq_queues 2", "rabbitmq_queues 5")),
      null,
      "page",
    );
    expect(second.lines()).toEqual(first.lines().map((l) => l.replace("queues 2", "queues 5")));
  });

  const bad: [string, string, string][] = [
    ["a page that is not the exposition format", "<html>not metrics</html>\n", "line 1"],
    ["a label value over the cap", `a{x="${"v".repeat(5000)}"} 1\n`, "label_value_length_limit"],
    [
      "a page over the series cap",
      Array.from({ length: 11 }, (_, i) => `s{i="${i}"} 1`).join("\n"),
      "more than 10 series",
    ],
  ];
  for (const [what, page, why] of bad)
    test(`fails on ${what}, naming the source, and counts it`, async () => {
      const registry = new Registry();
      const relay = new ExpositionRelay({ ...RELAY_LIMITS, maxSeries: 10 });
      relay.instrument(registry, "haproxy:8405");
      const run = () => relay.write(new RecordingWriter(), enc(page), null, "http://x/metrics");
      await expect(run()).rejects.toThrow(/^Cannot relay http:\/\/x\/metrics: /);
      await expect(run()).rejects.toThrow(why);
      expect(registry.render()).toContain(
        'outpost_integration_relay_parse_errors_total{integration="haproxy:8405"} 2',
      );
    });
});

describe("ExpositionRelay through an emitter", () => {
  test("a series the page stops showing is marked stale, and comes back as a new one", async () => {
    const blocks: { name: string; stale: boolean }[][] = [];
    const emitter = new SeriesEmitter({
      targetLabels: ["instance", "h:1", "job", "haproxy"],
      component: new ComponentMetrics(new Registry(), "t", "source", "haproxy"),
      consumer: {
        consume(b: SampleBlock) {
          blocks.push(
            b.series.slice(0, b.length).map((s, i) => ({
              name: s.labels[s.labels.indexOf("__name__") + 1],
              stale: b.isStale(i),
            })),
          );
        },
      },
    });
    const relay = new ExpositionRelay();
    const pages = ['up_a 1\nup_b{x="b"} 1\n', "up_a 1\n", 'up_a 1\nup_b{x="b"} 1\n'];
    for (const [i, page] of pages.entries()) {
      emitter.begin(1000 * (i + 1));
      await relay.write(emitter, enc(page), "text/plain; version=0.0.4", "page");
      emitter.finish();
    }
    expect(blocks[1]).toContainEqual({ name: "up_b", stale: true });
    expect(blocks[2]).toContainEqual({ name: "up_b", stale: false });
    expect(emitter.seriesCount).toBe(2);
  });
});

describe("ExpositionRelay.relay()", () => {
  let server: ReturnType<typeof Bun.serve>;
  let accept = "";
  beforeAll(() => {
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        accept = req.headers.get("accept") ?? "";
        return new Response(PAGE, { headers: { "content-type": "text/plain; version=0.0.4" } });
      },
    });
  });
  afterAll(() => server.stop(true));

  test("fetches the page asking for the text format, and relays it", async () => {
    const w = new RecordingWriter();
    const url = `http://127.0.0.1:${server.port}/metrics`;
    expect(await new ExpositionRelay().relay(w, url, Date.now() + 1000, 1000)).toBe(6);
    expect(accept).toStartWith("text/plain;version=0.0.4");
    expect(w.value("rabbitmq_queues")).toBe(2);
  });

  test("refuses a page over its size cap before parsing it", async () => {
    const url = `http://127.0.0.1:${server.port}/metrics`;
    const relay = new ExpositionRelay(RELAY_LIMITS, 100);
    const err = await relay
      .relay(new RecordingWriter(), url, Date.now() + 1000, 1000)
      .catch((e) => e);
    expect(err.message).toBe(`Cannot fetch ${url}: the page is larger than 100 bytes`);
  });
});
