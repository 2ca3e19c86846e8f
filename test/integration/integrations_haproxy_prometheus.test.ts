/**
 * HAProxy's built-in Prometheus exporter (a frontend with `http-request use-service
 * prometheus-exporter`), on a real HAProxy the harness starts: found in its config when it is
 * detected, or configured by `prometheus_url`, and relayed as HAProxy serves it: every family
 * with HAProxy's own type, HELP and labels, values at rest equal, and `haproxy_up 1` beside.
 * The HAProxy pack's dashboard, evaluated by Outpost's PromQL engine over two collections, shows
 * data in every panel through the socket (haproxy_exporter's names) and the relay (HAProxy's).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import { detectServices } from "../../agent/sources/integrations/detect/detect.ts";
import { HaproxyCollector } from "../../agent/sources/integrations/haproxy/collector.ts";
import { IntegrationRunner } from "../../agent/sources/integrations/runner.ts";
import { configuredTargets, detectedTarget } from "../../agent/sources/integrations/targets.ts";
import { packDir } from "../../aggregator/packs/catalog.ts";
import { Engine } from "../../aggregator/promql/engine/engine.ts";
import { MemoryStorage } from "../../aggregator/storage/memory.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { fromExporter, fromOutpost } from "../harness/families.ts";
import { startHaproxy, type TestHaproxy } from "../harness/haproxy.ts";

setDefaultTimeout(60_000);

/** Values that stay put at rest: settings, build, states, weights and the traffic the test sent. */
const STABLE =
  /^haproxy_(process_(nbthread|nbproc|max_connections|build_info)|(frontend|backend|server)_(status|weight|limit_sessions|max_sessions)|backend_http_responses_total\{code="[25]xx", proxy="app")/;

describe("HAProxy's built-in Prometheus exporter", () => {
  let haproxy: TestHaproxy;
  beforeAll(async () => {
    haproxy = await startHaproxy({ prometheus: true });
    for (let i = 0; i < 5; i++) {
      await fetch(`${haproxy.url}/`).then((r) => r.text());
      await fetch(`${haproxy.url}/fail`).then((r) => r.text());
    }
  });
  afterAll(async () => haproxy?.stop());

  test("is found in the config of a detected HAProxy and relayed instead of the stats socket", async () => {
    const found = await detectServices({ procfs: "/proc", filter: (s) => s.pid === haproxy.pid });
    expect(found).toHaveLength(1);
    expect(found[0].socket).toBe(haproxy.socket);
    const w = new RecordingWriter();
    await detectedTarget(found[0], integrationsSchema.parse({})).collector.collect(w, 5_000);
    expect(w.value("haproxy_up")).toBe(1);
    expect(w.families.get("haproxy_process_nbthread")?.type).toBe("gauge");
    expect(w.value("haproxy_server_status", { proxy: "app", server: "app1", state: "UP" })).toBe(1);
    // haproxy_exporter's names (from the socket) are not written beside HAProxy's own.
    expect(w.families.has("haproxy_version_info")).toBe(false);
  });

  test("relays every family as HAProxy serves it, with values at rest equal", async () => {
    const config = integrationsSchema.parse({
      haproxy: [{ prometheus_url: haproxy.prometheusUrl }],
    });
    const [target] = configuredTargets(config);
    expect(target.key).toBe(`haproxy:${new URL(haproxy.prometheusUrl).port}`);
    const ours = await fromOutpost(target.collector);
    const theirs = fromExporter(await (await fetch(haproxy.prometheusUrl)).text());
    expect(theirs.meta.size).toBeGreaterThan(50);
    expect([...ours.meta.keys()].sort()).toEqual([...theirs.meta.keys(), "haproxy_up"].sort());
    for (const [name, meta] of theirs.meta) {
      expect({ name, ...ours.meta.get(name) }).toEqual({ name, ...meta });
      expect({ name, labels: ours.labelNames.get(name) }).toEqual({
        name,
        labels: theirs.labelNames.get(name),
      });
    }
    let compared = 0;
    for (const [series, value] of theirs.values) {
      if (!STABLE.test(series)) continue;
      expect({ series, value: ours.values.get(series) }).toEqual({ series, value });
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
    expect(ours.values.get('haproxy_backend_http_responses_total{code="5xx", proxy="app"}')).toBe(
      5,
    );
  });

  test("the runner counts its fetches; a stopped HAProxy reports haproxy_up 0", async () => {
    const other = await startHaproxy({ prometheus: true, socket: false });
    const config = integrationsSchema.parse({ haproxy: [{ prometheus_url: other.prometheusUrl }] });
    const [target] = configuredTargets(config);
    const registry = new Registry();
    const seen: number[] = [];
    const runner = new IntegrationRunner(target, ["job", "haproxy"], {
      registry,
      consumer: {
        consume(b) {
          for (let i = 0; i < b.length; i++)
            if (b.series[i].labels.includes("haproxy_up") && !b.isStale(i)) seen.push(b.values[i]);
        },
      },
      interval: 60_000,
      timeout: 2_000,
    });
    await runner.collectOnce(Date.now());
    expect(registry.render()).toContain(
      `outpost_integration_page_fetches_total{integration="${target.key}",result="ok"} 1`,
    );
    await other.stop();
    await runner.collectOnce(Date.now());
    await runner.stop();
    expect(seen).toEqual([1, 0]);
    expect(runner.status.state).toBe("down");
    expect(registry.render()).not.toContain(`integration="${target.key}"`);
  });
});

/** Two collections by `c`, a minute apart in the store's time, with `job` and `instance` set. */
async function stored(c: HaproxyCollector): Promise<MemoryStorage> {
  const store = new MemoryStorage();
  for (const t of [0, 60_000]) {
    const w = new RecordingWriter();
    await c.collect(w, 5_000);
    for (const sample of w.samples)
      store.add({ ...sample.labels, __name__: sample.name, job: "haproxy", instance: "h:1" }, [
        [t, sample.value],
      ]);
    await Bun.sleep(200);
  }
  return store;
}

/** The panels of the HAProxy pack's dashboard with their queries, variables filled in. */
async function panels(): Promise<{ title: string; expr: string }[]> {
  const doc = (await Bun.file(join(packDir("haproxy"), "dashboard.json")).json()) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return doc.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      title: p.title,
      expr: t.expr
        .replaceAll("$job", "haproxy")
        .replaceAll("$instance", ".*")
        .replaceAll("$__rate_interval", "2m"),
    })),
  );
}

describe("the HAProxy pack's dashboard over both paths", () => {
  let haproxy: TestHaproxy;
  beforeAll(async () => {
    haproxy = await startHaproxy({ prometheus: true });
  });
  afterAll(async () => haproxy?.stop());

  for (const via of ["stats socket", "built-in exporter"] as const)
    test(`every panel but the log's shows data through its ${via}`, async () => {
      const c = new HaproxyCollector(
        via === "stats socket"
          ? { socket: haproxy.socket }
          : { prometheusUrl: haproxy.prometheusUrl },
      );
      const store = await stored(c);
      const engine = new Engine();
      const empty: string[] = [];
      for (const p of await panels()) {
        if (p.expr.includes("outpost_haproxy_log_")) continue; // from the log, not the stats
        const out = await engine.instantQuery(store, p.expr, 60_000);
        const r = out.result;
        const n =
          r.type === "vector" ? r.samples.length : r.type === "matrix" ? r.series.length : 1;
        if (n === 0) empty.push(`${p.title}: ${p.expr}`);
        // Legends by frontend or backend name something.
        if (r.type === "vector" && /by \((frontend|backend)/.test(p.expr))
          for (const s of r.samples) {
            const l = s.labels;
            const name = /by \(frontend/.test(p.expr) ? "frontend" : "backend";
            const at = l.indexOf(name);
            expect({ panel: p.title, [name]: at >= 0 ? l[at + 1] : "" }).not.toEqual({
              panel: p.title,
              [name]: "",
            });
          }
      }
      expect(empty).toEqual([]);
    });
});
