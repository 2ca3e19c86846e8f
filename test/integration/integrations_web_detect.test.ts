/**
 * HAProxy and Apache found on this host's /proc (harness: real servers on free ports): each is
 * detected by its process and sockets, collected through what detection and its config tell
 * (HAProxy's stats socket, else its stats page; Apache's mod_status probed on its port), with
 * its logs located; in the integrations source a server started after the agent is collected
 * within one detection cycle and its series go stale once it stops.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { RecordingWriter } from "../../agent/sources/host/testing.ts";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import { detectServices } from "../../agent/sources/integrations/detect/detect.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { detectedTarget } from "../../agent/sources/integrations/targets.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { startApache, type TestApache } from "../harness/apache.ts";
import { startHaproxy, type TestHaproxy } from "../harness/haproxy.ts";
import { watchedSource } from "../harness/watched_source.ts";

setDefaultTimeout(60_000);
const defaults = integrationsSchema.parse({});

describe("HAProxy detection on this host", () => {
  let withSocket: TestHaproxy;
  let pageOnly: TestHaproxy;
  beforeAll(async () => {
    [withSocket, pageOnly] = await Promise.all([startHaproxy(), startHaproxy({ socket: false })]);
  });
  afterAll(async () => Promise.all([withSocket?.stop(), pageOnly?.stop()]));

  test("finds it by process, collects it through its stats socket", async () => {
    const found = await detectServices({
      procfs: "/proc",
      filter: (s) => s.pid === withSocket.pid,
    });
    expect(found).toEqual([
      expect.objectContaining({ kind: "haproxy", how: "process", socket: withSocket.socket }),
    ]);
    // Keyed by its lowest port, with every port it listens on.
    const ports = found[0].ports ?? [];
    expect(ports).toEqual(
      expect.arrayContaining([withSocket.port, withSocket.statsPort, withSocket.tcpPort]),
    );
    expect(found[0].key).toBe(`haproxy:${Math.min(...ports)}`);
    const w = new RecordingWriter();
    await detectedTarget(found[0], defaults).collector.collect(w, 5_000);
    expect(w.value("haproxy_up")).toBe(1);
    // Only the stats socket gives show info's version.
    expect(w.families.has("haproxy_version_info")).toBe(true);
    expect(w.value("haproxy_server_up", { backend: "app", server: "app1" })).toBe(1);
  });

  test("without a stats socket, reads the stats page its config declares", async () => {
    const found = await detectServices({ procfs: "/proc", filter: (s) => s.pid === pageOnly.pid });
    expect(found).toHaveLength(1);
    expect(found[0].socket).toBeUndefined();
    const w = new RecordingWriter();
    await detectedTarget(found[0], defaults).collector.collect(w, 5_000);
    expect(w.value("haproxy_up")).toBe(1);
    expect(w.families.has("haproxy_version_info")).toBe(false);
    expect(w.value("haproxy_frontend_limit_sessions", { frontend: "stats" })).toBeGreaterThan(0);
  });
});

test("an HAProxy configured by its stats socket is not detected again under its port", async () => {
  const haproxy = await startHaproxy();
  const source = new IntegrationsSource({
    config: integrationsSchema.parse({ autodetect: true, haproxy: [{ socket: haproxy.socket }] }),
    externalLabels: [],
    registry: new Registry(),
    consumer: { consume() {} },
    detectFilter: (s) => s.pid === haproxy.pid,
  });
  try {
    source.start(); // the configured one; detection is run by hand below
    await source.detectOnce();
    expect(source.report().integrations.map((i) => [i.key, i.how])).toEqual([
      [`haproxy:${haproxy.socket}`, "config"],
    ]);
  } finally {
    await source.stop();
    await haproxy.stop();
  }
});

describe("Apache detection on this host", () => {
  let apache: TestApache;
  beforeAll(async () => {
    apache = await startApache({ statusPath: "/ops/status" });
  });
  afterAll(async () => apache?.stop());

  test("finds the parent, its status page where its config puts it, and its logs and format", async () => {
    const found = await detectServices({ procfs: "/proc", filter: (s) => s.pid === apache.pid });
    expect(found).toEqual([
      expect.objectContaining({
        kind: "apache",
        key: `apache:${apache.port}`,
        how: "process",
        address: `127.0.0.1:${apache.port}`,
        ports: [apache.port],
      }),
    ]);
    const target = detectedTarget(found[0], defaults);
    const w = new RecordingWriter();
    await target.collector.collect(w, 5_000);
    expect(w.value("apache_up")).toBe(1);
    const logs = await target.logs!();
    expect(logs.map((l) => [l.name, l.include, l.labels.log])).toEqual([
      [`integrations-apache_${apache.port}-access`, [apache.accessLog], "access"],
      [`integrations-apache_${apache.port}-error`, [apache.errorLog], "error"],
    ]);
    // The harness's format ends with %D: the access source keeps a latency histogram.
    expect(JSON.stringify(logs[0].stages)).toContain('"scale":0.000001');
  });
});

describe("the integrations source", () => {
  test("picks up an Apache and an HAProxy started after it within a cycle; stopped, their series go stale", async () => {
    const pids = new Set<number>();
    const { source, last, tailed, wait } = watchedSource((s) => pids.has(s.pid));
    source.start();
    const [apache, haproxy] = await Promise.all([startApache(), startHaproxy()]);
    try {
      await source.detectOnce();
      expect(source.report().integrations).toEqual([]); // not ours yet: a host with none detects none
      pids.add(apache.pid);
      pids.add(haproxy.pid);
      const apacheUp = `apache_up{instance="127.0.0.1:${apache.port}", job="apache"}`;
      await wait("apache_up 1", () => last.get(apacheUp) === 1);
      const haproxyKey = () => source.report().integrations.find((i) => i.kind === "haproxy");
      await wait("HAProxy's runner", () => haproxyKey() !== undefined);
      const haproxyUp = `haproxy_up{instance="${haproxyKey()?.address}", job="haproxy"}`;
      await wait("haproxy_up 1", () => last.get(haproxyUp) === 1);
      await wait("Apache's logs", () => tailed.has(`apache:${apache.port}`));
      await Promise.all([apache.stop(), haproxy.stop()]);
      await wait(
        "staleness",
        () => last.get(apacheUp) === "stale" && last.get(haproxyUp) === "stale",
      );
      expect(source.report().integrations).toEqual([]);
    } finally {
      await source.stop();
      await Promise.all([apache.stop().catch(() => {}), haproxy.stop().catch(() => {})]);
    }
  });
});
