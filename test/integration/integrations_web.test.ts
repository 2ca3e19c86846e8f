/**
 * The HAProxy and Apache collectors side by side with Debian's haproxy_exporter 0.14 and
 * apache_exporter 0.12, pointed at the same instances (started by the harness on free ports):
 * every family both produce has the same type, HELP and label names; settings, versions and
 * values at rest are equal; counters lie between two collections around the exporter's scrape;
 * every exporter family Outpost lacks is listed, with its reason, in docs/integrations.md.
 * A server with no status page reports `<prefix>_up 0` and says what to enable.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { ApacheCollector } from "../../agent/sources/integrations/apache/collector.ts";
import type { IntegrationCollector } from "../../agent/sources/integrations/collector.ts";
import { HaproxyCollector } from "../../agent/sources/integrations/haproxy/collector.ts";
import { IntegrationRunner } from "../../agent/sources/integrations/runner.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { startApache, startApacheExporter, type TestApache } from "../harness/apache.ts";
import { compareFamilies, type Families, fromExporter, fromOutpost } from "../harness/families.ts";
import { startHaproxy, startHaproxyExporter, type TestHaproxy } from "../harness/haproxy.ts";
import { Recorder } from "../harness/recorder.ts";
import type { ServiceExporter } from "../harness/service_exporters.ts";

setDefaultTimeout(60_000);

/** Counters (by the exporter's TYPE) lie between Outpost's collections before and after its scrape. */
function countersBetween(before: Families, theirs: Families, after: Families): string[] {
  const out: string[] = [];
  for (const [series, v] of theirs.values) {
    const family = series.replace(/\{.*$/, "");
    if (theirs.meta.get(family)?.type !== "counter") continue;
    const [a, b] = [before.values.get(series), after.values.get(series)];
    if (a === undefined || b === undefined) continue;
    if (!(a <= v && v <= b)) out.push(`${series}: ${a} <= ${v} <= ${b}`);
  }
  return out;
}

async function threeWay(c: IntegrationCollector, exporter: ServiceExporter) {
  const before = await fromOutpost(c);
  const theirs = fromExporter(await exporter.scrape());
  const after = await fromOutpost(c);
  return { before, theirs, after };
}

describe("HAProxy collector beside haproxy_exporter 0.14", () => {
  let haproxy: TestHaproxy;
  beforeAll(async () => {
    haproxy = await startHaproxy();
    for (let i = 0; i < 5; i++) {
      await fetch(`${haproxy.url}/`).then((r) => r.text());
      await fetch(`${haproxy.url}/fail`).then((r) => r.text());
    }
  });
  afterAll(async () => haproxy?.stop());

  /** Values that stay put at rest: limits, weights, states, and the traffic the test sent (stats page excluded). */
  const STABLE =
    /^haproxy_((frontend|backend|server)_(limit_sessions|limit_session_rate|weight|up|current_server|max_sessions|requests_denied_total)|version_info|up)\{|^haproxy_(backend|server)_http_responses_total\{backend="app"/;

  for (const via of ["socket", "stats page"] as const)
    test(`through its ${via}: families match in name, type, HELP and labels; values at rest are equal`, async () => {
      const uri = via === "socket" ? `unix:${haproxy.socket}` : haproxy.statsUrl;
      const exporter = await startHaproxyExporter(uri);
      try {
        const c = new HaproxyCollector(
          via === "socket" ? { socket: haproxy.socket } : { statsUrl: haproxy.statsUrl },
        );
        const { before, theirs, after } = await threeWay(c, exporter);
        expect(before.problems).toEqual([]);
        const r = await compareFamilies("haproxy_exporter", theirs, before, (s) => STABLE.test(s));
        expect(r.shared).toBeGreaterThanOrEqual(via === "socket" ? 71 : 70);
        expect(countersBetween(before, theirs, after)).toEqual([]);
        expect(before.values.get('haproxy_server_up{backend="app", server="app2"}')).toBe(0);
        expect(before.values.get('haproxy_server_up{backend="app", server="app1"}')).toBe(1);
      } finally {
        await exporter.stop();
      }
    });
});

describe("Apache collector beside apache_exporter 0.12", () => {
  let apache: TestApache;
  let exporter: ServiceExporter;
  beforeAll(async () => {
    apache = await startApache();
    exporter = await startApacheExporter(apache.statusUrl);
    for (let i = 0; i < 5; i++) await fetch(`${apache.url}/`).then((r) => r.text());
    // Through the balancer too, so its members' counters are not all 0.
    for (let i = 0; i < 3; i++) await fetch(`${apache.url}/app/`).then((r) => r.text());
  });
  afterAll(async () => {
    await exporter?.stop();
    await apache?.stop();
  });

  const STABLE =
    /^apache_(up|version|info|generation|processes|proxy_balancer_(status|accesses_total))\{?/;

  test("families match in name, type, HELP and labels; versions and generations are equal", async () => {
    const c = new ApacheCollector({ statusUrl: apache.statusUrl });
    const { before, theirs, after } = await threeWay(c, exporter);
    const r = await compareFamilies("apache_exporter", theirs, before, (s) => STABLE.test(s), 5);
    expect(r.shared).toBe(20);
    expect(countersBetween(before, theirs, after)).toEqual([]);
    // Each status read is itself a request: the exporter's came between Outpost's two.
    const accesses = (f: Families) => f.values.get("apache_accesses_total") ?? 0;
    expect(accesses(theirs)).toBeGreaterThan(accesses(before));
    expect(accesses(after)).toBeGreaterThan(accesses(theirs));
    expect(before.values.get('apache_workers{state="busy"}')).toBeGreaterThanOrEqual(1);
  });
});

describe("servers without a status page", () => {
  test("an Apache without mod_status reports apache_up 0 and says to enable it", async () => {
    const apache = await startApache({ statusPath: null });
    try {
      const runner = refusedRunner(
        new ApacheCollector({ ports: [apache.port] }),
        `apache:${apache.port}`,
      );
      const { status, up, refused } = await runOnce(runner, "apache_up");
      expect(status).toMatchObject({ state: "refused", series: 2 });
      expect(status.reason).toContain(`http://127.0.0.1:${apache.port}/server-status?auto`);
      expect(status.reason).toContain("a2enmod status");
      expect(up).toBe(0);
      expect(refused).toBe(1);
    } finally {
      await apache.stop();
    }
  });

  test("an HAProxy without stats reports haproxy_up 0 and says to add a stats socket", async () => {
    const runner = refusedRunner(new HaproxyCollector(async () => ({})), "haproxy:80");
    const { status, up, refused } = await runOnce(runner, "haproxy_up");
    expect(status).toMatchObject({ state: "refused", series: 2 });
    expect(status.reason).toContain("stats socket /run/haproxy/admin.sock");
    expect(up).toBe(0);
    expect(refused).toBe(1);
  });
});

function refusedRunner(collector: IntegrationCollector, key: string) {
  const w = new Recorder();
  const runner = new IntegrationRunner(
    { key, address: key, how: "process", pid: 0, collector },
    [],
    {
      registry: new Registry(),
      consumer: w,
      interval: 1_000,
      timeout: 2_000,
    },
  );
  return { runner, w };
}

async function runOnce(r: ReturnType<typeof refusedRunner>, up: string) {
  await r.runner.collectOnce(Date.now());
  const status = r.runner.status;
  // Read before stop(), which marks every series stale.
  const values = { up: r.w.last.get(up), refused: r.w.last.get("outpost_integration_refused") };
  await r.runner.stop();
  return { status, ...values };
}
