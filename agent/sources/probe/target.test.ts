import { afterAll, beforeAll, expect, test } from "bun:test";
import { stringify } from "yaml";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { blockEventLoop } from "../../../shared/runtime/testing.ts";
import { parseAgentConfig } from "../../config/load.ts";
import { ComponentMetrics } from "../../pipeline/component.ts";
import { ProbeMetrics } from "./metrics.ts";
import { ProbeTarget } from "./target.ts";

// A server in another process, so it answers while this one's event loop is blocked.
let server: Bun.Subprocess<"ignore", "pipe", "inherit">;
let base: string;

beforeAll(async () => {
  server = Bun.spawn(
    [
      process.execPath,
      "-e",
      `const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (r) =>
         new URL(r.url).pathname === "/hang" ? new Promise(() => {}) : new Response("ok") });
       console.log(s.port);`,
    ],
    { stdout: "pipe" },
  );
  const reader = server.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  base = `http://127.0.0.1:${new TextDecoder().decode(value).trim()}`;
});
afterAll(() => server.kill());

/** Probes `target` once with a 200 ms timeout, stalling the loop `stallMs` after it starts. */
async function probe(target: string, stallMs: number): Promise<Map<string, number>> {
  const config = parseAgentConfig(
    stringify({
      probes: {
        modules: { web: { prober: "http", timeout: "200ms" } },
        jobs: [{ job_name: "t", module: "web", targets: [target] }],
      },
    }),
    "agent.yaml",
  );
  const values = new Map<string, number>();
  const registry = new Registry();
  const labels = ["instance", target, "job", "t"];
  const p = new ProbeTarget("t", target, 15_000, config.probes.modules.web, labels, {
    component: new ComponentMetrics(registry, "probe", "source", "probe"),
    metrics: new ProbeMetrics(registry),
    log: { debug() {}, info() {}, warn() {}, error() {} } as never,
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++) {
          const l = block.series[i].labels;
          values.set(l[l.indexOf("__name__") + 1], block.values[i]);
        }
      },
    },
  });
  const run = p.probeOnce(Date.now(), new AbortController().signal);
  blockEventLoop(stallMs);
  await run;
  return values;
}

test("a probe answered while the agent's loop stalled past the timeout succeeds", async () => {
  // With AbortSignal.timeout this failed: the timer ran before the answer was read.
  const m = await probe(`${base}/`, 600);
  expect(m.get("probe_success")).toBe(1);
  expect(m.get("probe_duration_seconds")).toBeGreaterThan(0.5);
});

test("a target that never answers still fails at its timeout, stall or not", async () => {
  const started = performance.now();
  expect((await probe(`${base}/hang`, 0)).get("probe_success")).toBe(0);
  expect(performance.now() - started).toBeLessThan(2_000);
  expect((await probe(`${base}/hang`, 600)).get("probe_success")).toBe(0);
});
