/**
 * `/federate` pulled by a real Prometheus (Debian's 2.42, `honor_labels: true` as
 * federation is configured): every series Outpost offers arrives in Prometheus with its
 * labels, its value and its own timestamp, the external labels Outpost adds included.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prometheusApi } from "../../aggregator/api/http/prometheus.ts";
import { Engine } from "../../aggregator/promql/engine/engine.ts";
import { MemoryStorage } from "../../aggregator/storage/memory.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { pollValue } from "../harness/poll.ts";
import { type PrometheusPeer, startPrometheus } from "../harness/prometheus.ts";

/** The series offered: labels, and the value of their latest sample. */
const SERIES: [Record<string, string>, number][] = [
  [{ __name__: "up", job: "node", instance: "a:9100" }, 1],
  [{ __name__: "up", job: "node", instance: "b:9100" }, 0],
  [{ __name__: "node_memory_bytes", job: "node", instance: "a:9100", path: 'x "y"\\z' }, 2514632],
  [{ __name__: "job:ratio", job: "node" }, 0.00001],
  [{ __name__: "odd", job: "node", instance: "a:9100" }, Number.POSITIVE_INFINITY],
];

let server: ReturnType<typeof Bun.serve>;
let prometheus: PrometheusPeer;
let sampleTime = 0;

beforeAll(async () => {
  const storage = new MemoryStorage();
  sampleTime = Date.now() - 10_000;
  for (const [labels, v] of SERIES)
    storage.append(labelsFromRecord(labels), [
      [sampleTime - 15_000, 7],
      [sampleTime, v],
    ]);
  const app = prometheusApi({
    engine: new Engine(),
    queryable: storage,
    buildInfo: { version: "test" },
    externalLabels: { cluster: "c1" },
  });
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
  const dir = mkdtempSync(join(tmpdir(), "outpost-federate-"));
  prometheus = await startPrometheus(
    dir,
    `global: { scrape_interval: 1s }
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params: { "match[]": ['{job="node"}'] }
    static_configs: [{ targets: ["127.0.0.1:${server.port}"] }]
`,
  );
}, 30_000);

afterAll(async () => {
  await prometheus?.stop();
  server?.stop(true);
});

// biome-ignore lint/suspicious/noExplicitAny: Prometheus's JSON answers
async function query(q: string): Promise<any[]> {
  const url = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${(sampleTime + 1000) / 1000}`;
  const res = await fetch(url).catch(() => null);
  if (res === null || !res.ok) return [];
  // biome-ignore lint/suspicious/noExplicitAny: Prometheus's JSON answers
  return ((await res.json()) as any).data.result;
}

test("Prometheus federating /federate stores every series with its labels, value and timestamp", async () => {
  const found = await pollValue(
    () => query('{job="node"}'),
    (r) => r.length === SERIES.length,
    20_000,
    250,
  );
  const byLabels = (a: unknown[], b: unknown[]) =>
    JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0]));
  const got = found
    .map((s: { metric: Record<string, string>; value: [number, string] }) => [s.metric, s.value[1]])
    .sort(byLabels);
  // Prometheus keeps no empty label: the `instance=""` federation adds is gone.
  const want = SERIES.map(([labels, v]) => [
    { ...labels, cluster: "c1" },
    v === Number.POSITIVE_INFINITY ? "+Inf" : String(v),
  ]).sort(byLabels);
  expect(got).toEqual(want);
  // The raw samples: one each, at the time Outpost holds it (the one before was not offered).
  const raw = await query('{job="node"}[1m]');
  expect(raw.map((s: { values: [number, string][] }) => s.values.map(([t]) => t * 1000))).toEqual(
    SERIES.map(() => [sampleTime]),
  );
}, 40_000);
