/**
 * The agent's built-in sources and its aggregate transform on the real path to JetStream: host
 * metrics, HTTP and TCP probes against local servers, and a rule that sums node_cpu_seconds_total
 * without `cpu`, all published to a real nats-server and decoded as the aggregator would.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { startTestAgent } from "../harness/agent.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";
import { type ReceivedSample, waitForStream } from "../harness/stream.ts";

describe("an agent with host metrics, probes and an aggregate rule", () => {
  let nats: NatsServerHandle;
  let web: ReturnType<typeof Bun.serve>;
  let dir: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    web = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
    dir = mkdtempSync(join(tmpdir(), "outpost-builtin-"));
  });
  afterAll(async () => {
    web?.stop(true);
    await nats?.dispose();
  });

  test("publishes node_exporter's and blackbox_exporter's series, with cpu summed away", async () => {
    const closed = await freePort();
    const config = {
      agent: { id: "builtin", http_listen: "127.0.0.1:0" },
      nats: { url: nats.url },
      batch: { max_wait: "500ms" },
      spool: { dir: join(dir, "spool") },
      host: { enabled: true, interval: "1s", instance: "test-host" },
      probes: {
        modules: {
          http_2xx: { prober: "http", timeout: "1s" },
          tcp_connect: { prober: "tcp", timeout: "1s" },
        },
        jobs: [
          {
            job_name: "web",
            module: "http_2xx",
            interval: "1s",
            targets: [`http://127.0.0.1:${web.port}/`],
          },
          {
            job_name: "port",
            module: "tcp_connect",
            interval: "1s",
            targets: [`127.0.0.1:${closed}`],
          },
        ],
      },
      aggregate: [{ match: "node_cpu_seconds_total", without: ["cpu"], op: "sum", interval: "1s" }],
    };
    const agent = await startTestAgent(stringify(config), dir);
    const find = (got: ReceivedSample[], series: string) => got.find((s) => s.series === series);
    const samples = (b: { samples: ReceivedSample[] }[]) => b.flatMap((x) => x.samples);
    try {
      const batches = await waitForStream(nats.url, (b) => {
        const got = samples(b);
        return (
          got.some((s) => s.name === "node_cpu_seconds_total") &&
          got.some((s) => s.name === "probe_success" && s.series.includes('job="web"')) &&
          got.some((s) => s.name === "probe_success" && s.series.includes('job="port"'))
        );
      });
      const got = samples(batches);
      const ok = find(got, `probe_success{instance="http://127.0.0.1:${web.port}/", job="web"}`);
      expect(ok?.value).toBe(1);
      expect(find(got, `probe_success{instance="127.0.0.1:${closed}", job="port"}`)?.value).toBe(0);
      expect(
        got.some((s) =>
          s.series.startsWith('node_memory_MemTotal_bytes{instance="test-host", job="node"}'),
        ),
      ).toBe(true);
      const cpu = got.filter((s) => s.name === "node_cpu_seconds_total");
      expect(cpu.every((s) => !s.series.includes("cpu="))).toBe(true);
      expect(
        cpu.some(
          (s) =>
            s.series === 'node_cpu_seconds_total{instance="test-host", job="node", mode="idle"}',
        ),
      ).toBe(true);
      // Aggregated outputs sit on whole seconds, the rule's interval.
      expect(cpu.every((s) => s.ts % 1000 === 0)).toBe(true);
    } finally {
      await agent.stop();
    }
  });
});
