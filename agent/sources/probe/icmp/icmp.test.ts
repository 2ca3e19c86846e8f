import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { logger } from "../../../../shared/log/log.ts";
import { startBlackboxExporter } from "../../../../test/harness/blackbox.ts";
import { differences, parseExposition, RecordingWriter } from "../testkit.ts";
import { icmpProbeSchema } from "./config.ts";
import { probeIcmp } from "./icmp.ts";

/** TEST-NET-2: routed, but nothing answers there (TEST-NET-1 holds this machine's gateway). */
const SILENT_V4 = "198.51.100.7";
const root = process.getuid?.() === 0;

async function probe(target: string, config: object = {}, timeoutMs = 1000) {
  const w = new RecordingWriter();
  const ok = await probeIcmp({
    target,
    config: icmpProbeSchema.parse(config),
    w,
    signal: AbortSignal.timeout(timeoutMs),
    log: logger("probe-icmp-test"),
  });
  return { ok, w };
}

const phase = (w: RecordingWriter, p: string) =>
  w.value("probe_icmp_duration_seconds", `phase="${p}"`);

describe.skipIf(!root)("probeIcmp()", () => {
  test.each([
    ["127.0.0.1", "ip6", 4],
    ["::1", "ip6", 6],
    ["localhost", "ip4", 4],
  ])("gets a reply from %s", async (target, preferred, family) => {
    const { ok, w } = await probe(target, { preferred_ip_protocol: preferred });
    expect(ok).toBe(true);
    expect(w.value("probe_ip_protocol")).toBe(family);
    expect(w.value("probe_icmp_reply_hop_limit")).toBe(64);
    expect(phase(w, "rtt")).toBeGreaterThan(0);
    expect(phase(w, "rtt")).toBeLessThan(0.1);
    expect(phase(w, "setup")).toBeGreaterThan(0);
    expect(phase(w, "resolve")).toBeGreaterThan(0);
  });

  test("probeIcmp() times out on an address that does not answer", async () => {
    const started = performance.now();
    const { ok, w } = await probe(SILENT_V4, {}, 300);
    expect(ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(800);
    expect(phase(w, "rtt")).toBe(0);
    expect(w.value("probe_icmp_reply_hop_limit")).toBeUndefined();
  });

  test("probeIcmp() keeps the main thread free while it waits", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await probe(SILENT_V4, {}, 300);
    clearInterval(timer);
    // Up to 60 ticks; a thread held for the wait would give one at most (missed ticks are not
    // made up), and a loaded machine gave 6.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  test("probeIcmp() sends a new probe at once while the worker waits for another", async () => {
    const waiting = probe(SILENT_V4, {}, 500);
    await Bun.sleep(50);
    const started = performance.now();
    expect((await probe("127.0.0.1")).ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
    expect((await waiting).ok).toBe(false);
  });

  test("probeIcmp() applies ttl, payload_size, dont_fragment and source_ip_address", async () => {
    const config = {
      ttl: 3,
      payload_size: 1000,
      dont_fragment: true,
      source_ip_address: "127.0.0.1",
    };
    expect((await probe("127.0.0.1", config)).ok).toBe(true);
    expect((await probe("::1", { ttl: 0, payload_size: 1, source_ip_address: "::1" })).ok).toBe(
      true,
    );
  });

  test("probeIcmp() fails when source_ip_address is of the other family", async () => {
    expect((await probe("127.0.0.1", { source_ip_address: "::1" })).ok).toBe(false);
  });

  test("probeIcmp() matches each reply to its own request when probes overlap", async () => {
    const targets = Array.from({ length: 20 }, (_, i) => (i % 2 ? "127.0.0.1" : "::1"));
    const results = await Promise.all(
      targets.map((t) => probe(t, { payload_size: 64 + targets.indexOf(t) })),
    );
    expect(results.map((r) => r.ok)).toEqual(targets.map(() => true));
  });
});

const CHILD = new URL("./testdata/probe_child.ts", import.meta.url).pathname;

/** Runs probe_child.ts in a new network namespace after `setup` (shell), without CAP_NET_RAW. */
function inNamespace(setup: string, probes: object[], keepRaw = false) {
  const drop = keepRaw ? "" : "setpriv --bounding-set=-net_raw";
  const script = `ip link set lo up && ${setup} && exec ${drop} "$@"`;
  const child = Bun.spawnSync(
    ["unshare", "-n", "sh", "-c", script, "sh", process.execPath, CHILD, JSON.stringify(probes)],
    { env: { ...process.env, OUTPOST_LOG_LEVEL: "debug" } },
  );
  const stderr = child.stderr.toString();
  if (child.exitCode !== 0) throw new Error(`Cannot run the probe child: ${stderr}`);
  return { ...JSON.parse(child.stdout.toString()), stderr } as {
    results: { target: string; ok: boolean; samples: { name: string; value: number }[] }[];
    denied: number;
    stderr: string;
  };
}

const namespaces =
  root && Bun.which("setpriv") !== null && Bun.spawnSync(["unshare", "-n", "true"]).exitCode === 0;
const pingGroup = (range: string) => `echo "${range}" > /proc/sys/net/ipv4/ping_group_range`;

describe.skipIf(!namespaces)("probeIcmp() in a network namespace without CAP_NET_RAW", () => {
  test("probeIcmp() uses a datagram socket when ping_group_range allows the group", () => {
    const probes = ["127.0.0.1", "::1"].map((target) => ({ target, config: {}, timeoutMs: 1000 }));
    const { results, stderr } = inNamespace(pingGroup("0 0"), probes);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(stderr.match(/socket=datagram/g)).toHaveLength(2);
    const hops = results.map(
      (r) => r.samples.find((s) => s.name === "probe_icmp_reply_hop_limit")?.value,
    );
    expect(hops).toEqual([64, 64]);
  });

  test("probeIcmp() says once that it may not open an ICMP socket, and counts each probe", () => {
    const probes = ["127.0.0.1", "::1", "127.0.0.1"].map((target) => ({
      target,
      config: {},
      timeoutMs: 1000,
    }));
    const { results, denied, stderr } = inNamespace(pingGroup("1 0"), probes);
    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(denied).toBe(3);
    const warnings = stderr.split("\n").filter((l) => l.includes("level=warn"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      "Cannot open an ICMP socket: permission denied; allow the agent's group (gid 0) in net.ipv4.ping_group_range or grant CAP_NET_RAW",
    );
  });

  test("probeIcmp() with dont_fragment fails a payload larger than the MTU", () => {
    const probes = [true, false].map((df) => ({
      target: "127.0.0.1",
      config: { dont_fragment: df, payload_size: 2000 },
      timeoutMs: 1000,
    }));
    const { results } = inNamespace("ip link set lo mtu 1280", probes, true);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
  });
});

describe.skipIf(!root)("probeIcmp() in a single-file agent", () => {
  test("probeIcmp() finds its worker and libc in a bun build --compile binary", () => {
    const dir = mkdtempSync(join(tmpdir(), "outpost-icmp-compile-"));
    try {
      const binary = join(dir, "probe");
      const worker = new URL("./worker.ts", import.meta.url).pathname;
      const built = Bun.spawnSync([
        "bun",
        "build",
        "--compile",
        CHILD,
        worker,
        "--outfile",
        binary,
      ]);
      expect(built.exitCode).toBe(0);
      const probes = [{ target: "127.0.0.1", config: {}, timeoutMs: 1000 }];
      const run = Bun.spawnSync([binary, JSON.stringify(probes)], { cwd: dir });
      expect(JSON.parse(run.stdout.toString()).results[0].ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe.skipIf(!root)("probeIcmp() beside blackbox_exporter 0.23", () => {
  test("writes the same families, series and values", async () => {
    const modules = {
      icmp: { prober: "icmp", timeout: "500ms" },
      icmp_ip4: { prober: "icmp", timeout: "500ms", icmp: { preferred_ip_protocol: "ip4" } },
    };
    const blackbox = await startBlackboxExporter(stringify({ modules }));
    const timed = ["probe_dns_lookup_time_seconds", "probe_icmp_duration_seconds"];
    try {
      const report: string[] = [];
      for (const [target, module] of [
        ["127.0.0.1", "icmp"],
        ["::1", "icmp"],
        ["localhost", "icmp_ip4"],
        [SILENT_V4, "icmp"],
      ]) {
        const config = (modules as Record<string, { icmp?: object }>)[module].icmp ?? {};
        const [ours, theirs] = await Promise.all([
          probe(target, config, 500),
          blackbox.probe(target, module).then(parseExposition),
        ]);
        report.push(...differences(ours.w, theirs, timed).map((d) => `${target}: ${d}`));
      }
      expect(report).toEqual([]);
    } finally {
      await blackbox.stop();
    }
  }, 10_000);
});
