/**
 * The nginx integration against a real nginx (harness: temp prefix, free port): side by side
 * with Debian's nginx-prometheus-exporter 0.11 on the same stub_status page (same families,
 * types, HELP and labels; counters within what moved between the scrapes); an nginx without
 * stub_status reports `nginx_up 0` and what to add; detection on this host's /proc finds it,
 * its status page and its log files from its config.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import { detectServices } from "../../agent/sources/integrations/detect/detect.ts";
import { NginxCollector } from "../../agent/sources/integrations/nginx/collector.ts";
import { IntegrationRunner } from "../../agent/sources/integrations/runner.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { detectedTarget } from "../../agent/sources/integrations/targets.ts";
import { collect } from "../../shared/exposition/testing.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { startNginx, startNginxExporter, type TestNginx } from "../harness/nginx.ts";
import { Recorder } from "../harness/recorder.ts";
import type { ServiceExporter } from "../harness/service_exporters.ts";
import { watchedSource } from "../harness/watched_source.ts";

/** Family → type, HELP, label names and the (unlabelled) value. */
type Families = Map<string, { type: string; help: string; labels: string[]; value: number }>;

function fromExporter(text: string): Families {
  const out: Families = new Map();
  const c = collect(text);
  for (const [name, kind, value] of c.metadata) {
    const f = out.get(name) ?? { type: "", help: "", labels: [], value: Number.NaN };
    if (kind === "type" || kind === "help") f[kind] = value;
    out.set(name, f);
  }
  c.entries.forEach((e, i) => {
    const names = e.labels.filter((_, j) => j % 2 === 0);
    const f = out.get(e.labels[names.indexOf("__name__") * 2 + 1]);
    if (!f) return;
    f.labels = names.filter((n) => n !== "__name__").sort();
    f.value = c.samples[i][1];
  });
  return out;
}

async function fromOutpost(collector: NginxCollector): Promise<Families> {
  const w = new RecordingWriter();
  await collector.collect(w, 5_000);
  const out: Families = new Map();
  for (const [name, m] of w.families) out.set(name, { ...m, labels: [], value: Number.NaN });
  for (const s of w.samples) {
    const f = out.get(s.name);
    if (f) Object.assign(f, { labels: Object.keys(s.labels).sort(), value: s.value });
  }
  return out;
}

/** The exporter's own families, which have no counterpart in an in-process collector. */
const EXPORTER_OWN = /^(go_|process_|promhttp_|nginxexporter_build_info$)/;

describe("nginx collector beside nginx-prometheus-exporter 0.11", () => {
  let nginx: TestNginx;
  let exporter: ServiceExporter;
  beforeAll(async () => {
    nginx = await startNginx();
    exporter = await startNginxExporter(nginx.statusUrl);
  }, 30_000);
  afterAll(async () => {
    await exporter?.stop();
    await nginx?.stop();
  });

  test("families match in name, type, HELP and labels; counters lie between two collections", async () => {
    const collector = new NginxCollector({ statusUrl: nginx.statusUrl });
    for (let i = 0; i < 5; i++) await fetch(`${nginx.url}/`).then((r) => r.text());
    const before = await fromOutpost(collector);
    const theirs = fromExporter(await exporter.scrape());
    const after = await fromOutpost(collector);

    const shared = [...theirs.keys()].filter((n) => !EXPORTER_OWN.test(n));
    expect([...before.keys()].sort()).toEqual(shared.sort());
    for (const name of shared) {
      const { type, help, labels } = theirs.get(name)!;
      expect({ name, ...before.get(name), value: 0 }).toEqual({
        name,
        type,
        help,
        labels,
        value: 0,
      });
    }
    expect(before.get("nginx_up")?.value).toBe(1);
    expect(theirs.get("nginx_up")?.value).toBe(1);
    for (const name of shared.filter((n) => theirs.get(n)?.type === "counter")) {
      const v = theirs.get(name)!.value;
      expect({ name, ok: before.get(name)!.value <= v && v <= after.get(name)!.value }).toEqual({
        name,
        ok: true,
      });
    }
    // Each stub_status fetch is itself a request: the exporter's came between ours.
    const requests = (f: Families) => f.get("nginx_http_requests_total")!.value;
    expect(requests(before)).toBeGreaterThanOrEqual(6);
    expect(requests(theirs)).toBeGreaterThan(requests(before));
    expect(requests(after)).toBeGreaterThan(requests(theirs));
    // The page being written is an active, writing connection in every read of it.
    expect(before.get("nginx_connections_writing")!.value).toBeGreaterThanOrEqual(1);
    expect(before.get("nginx_connections_active")!.value).toBeGreaterThanOrEqual(1);
  });
});

describe("an nginx without stub_status", () => {
  let nginx: TestNginx;
  beforeAll(async () => {
    nginx = await startNginx({ statusPath: null });
  });
  afterAll(async () => nginx?.stop());

  test("reports nginx_up 0 and says what to add to its config", async () => {
    const collector = new NginxCollector({ ports: [nginx.port] });
    const w = new Recorder();
    const runner = new IntegrationRunner(
      { key: `nginx:${nginx.port}`, address: nginx.url, how: "process", pid: 0, collector },
      [],
      {
        registry: new Registry(),
        consumer: w,
        interval: 1_000,
        timeout: 2_000,
      },
    );
    await runner.collectOnce(Date.now());
    expect(runner.status).toMatchObject({ state: "refused", series: 2 });
    expect(w.last.get("outpost_integration_refused")).toBe(1);
    expect(runner.status.reason).toContain(`http://127.0.0.1:${nginx.port}/stub_status`);
    expect(runner.status.reason).toContain(
      "location = /stub_status { stub_status; allow 127.0.0.1; deny all; }",
    );
    expect(w.last.get("nginx_up")).toBe(0);
    await runner.stop();
  });
});

describe("nginx detection on this host", () => {
  let nginx: TestNginx;
  beforeAll(async () => {
    nginx = await startNginx({ statusPath: "/nginx_status" });
  });
  afterAll(async () => nginx?.stop());

  test("finds the master, probes its status page, and reads its log paths from its config", async () => {
    const found = await detectServices({ procfs: "/proc", filter: (s) => s.pid === nginx.pid });
    expect(found).toEqual([
      expect.objectContaining({
        kind: "nginx",
        key: `nginx:${nginx.port}`,
        how: "process",
        address: `127.0.0.1:${nginx.port}`,
        ports: [nginx.port],
      }),
    ]);
    const target = detectedTarget(found[0], integrationsSchema.parse({}));
    const w = new RecordingWriter();
    await target.collector.collect(w, 5_000);
    expect(w.value("nginx_up")).toBe(1);
    expect(w.value("nginx_connections_active")).toBeGreaterThanOrEqual(1);
    const logs = await target.logs!();
    expect(logs.map((l) => [l.name, l.include, l.labels])).toEqual([
      [
        `integrations-nginx_${nginx.port}-access`,
        [nginx.accessLog],
        { job: "integrations/nginx", instance: `127.0.0.1:${nginx.port}`, log: "access" },
      ],
      [
        `integrations-nginx_${nginx.port}-error`,
        [nginx.errorLog],
        { job: "integrations/nginx", instance: `127.0.0.1:${nginx.port}`, log: "error" },
      ],
    ]);
  });
});

describe("a detected nginx in the integrations source", () => {
  test("is collected and its logs tailed within one cycle; once stopped, its series go stale and its logs stop", async () => {
    const nginx = await startNginx();
    const { source, last, tailed, wait: waitFor } = watchedSource((s) => s.pid === nginx.pid);
    const up = `nginx_up{instance="127.0.0.1:${nginx.port}", job="nginx"}`;
    const wait = (what: string, ok: () => boolean) => waitFor(what, ok, 3_000);
    try {
      source.start();
      await wait("nginx_up 1", () => last.get(up) === 1);
      await wait("its logs", () => tailed.has(`nginx:${nginx.port}`));
      expect(tailed.get(`nginx:${nginx.port}`)?.flatMap((s) => s.include)).toEqual([
        nginx.accessLog,
        nginx.errorLog,
      ]);
      // `outpost integrations` lists them.
      expect(source.report().integrations[0].logs).toEqual([nginx.accessLog, nginx.errorLog]);
      await nginx.stop();
      await wait("staleness", () => last.get(up) === "stale");
      expect(tailed.size).toBe(0);
    } finally {
      await source.stop();
      await nginx.stop().catch(() => {});
    }
  }, 15_000);
});

test("a configured nginx is not detected again under its other port", async () => {
  const nginx = await startNginx({ secondPort: true });
  const high = Math.max(nginx.port, nginx.port2);
  const source = new IntegrationsSource({
    config: integrationsSchema.parse({
      autodetect: true,
      nginx: [{ status_url: `http://127.0.0.1:${high}/stub_status` }],
    }),
    externalLabels: [],
    registry: new Registry(),
    consumer: { consume() {} },
    detectFilter: (s) => s.pid === nginx.pid,
  });
  try {
    source.start(); // the configured one; detection is run by hand below
    await source.detectOnce();
    expect(source.report().integrations.map((i) => [i.key, i.how])).toEqual([
      [`nginx:${high}`, "config"],
    ]);
  } finally {
    await source.stop();
    await nginx.stop();
  }
});
