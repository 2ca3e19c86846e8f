/**
 * The Connect uptime API of a real aggregator fed by a real agent: the agent probes a local
 * HTTP server the test turns off and on, and an HTTPS server on a self-signed certificate made
 * with openssl; the samples travel through nats-server into the aggregator. Checked through
 * the generated client in Connect JSON and binary: targets with their state, SLAs equal to
 * `avg_over_time` through /api/v1/query, the outage as one down interval, the certificate's
 * expiry, and bad input.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { stringify } from "yaml";
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { TargetState, UptimeService } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { startTestAgent } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { connectTo, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const INTERVAL_MS = 500;
// The longest a probe may last here: its timeout is 400 ms, and on a loaded machine a timed-out
// probe ends later (0.508 s seen). A failed probe is stamped with its start, so the first one
// of an outage can be stamped up to this long before the switch-off.
const PROBE_LONGEST_MS = 2000;
const dir = mkdtempSync(join(tmpdir(), "outpost-connect-uptime-"));
const cert = join(dir, "cert.pem");
const key = join(dir, "key.pem");
let nats: NatsServerHandle;
let aggregator: Aggregator;
let agent: Agent | undefined;
let https: ReturnType<typeof Bun.serve>;
let web: ReturnType<typeof Bun.serve> | undefined;
let webPort: number;
/** When the test turned the web server off and on, and the agent stopped. */
const times = { off: 0, on: 0, stopped: 0 };
const clients: [string, Client<typeof UptimeService>][] = [];

const serveWeb = (port = 0) =>
  Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("ok") });
const webUrl = () => `http://127.0.0.1:${webPort}/`;
const WEB = () => [
  { name: "instance", value: webUrl() },
  { name: "job", value: "web" },
];

beforeAll(async () => {
  execFileSync("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3"],
    ...["-keyout", key, "-out", cert, "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
  ]);
  https = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: Bun.file(cert), key: Bun.file(key) },
    fetch: () => new Response("secure"),
  });
  web = serveWeb();
  webPort = web.port as number;
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  const job = (name: string, module: string, target: string) => ({
    job_name: name,
    module,
    interval: `${INTERVAL_MS}ms`,
    targets: [target],
  });
  agent = await startTestAgent(
    stringify({
      agent: { id: "uptime", http_listen: "127.0.0.1:0" },
      nats: { url: nats.url },
      batch: { max_wait: "200ms" },
      spool: { dir: join(dir, "spool") },
      probes: {
        modules: {
          http_2xx: { prober: "http", timeout: "400ms" },
          https_insecure: {
            prober: "http",
            timeout: "400ms",
            http: { tls_config: { insecure_skip_verify: true } },
          },
        },
        jobs: [
          job("web", "http_2xx", webUrl()),
          job("secure", "https_insecure", `https://127.0.0.1:${https.port}/`),
        ],
      },
    }),
    dir,
  );
  // Up for 3 s, off for 3 s, up again for 3 s, then the agent stops (no staleness markers, as
  // Prometheus writes none when it stops: its series end where their samples end).
  await Bun.sleep(3000);
  web.stop(true);
  times.off = Date.now();
  await Bun.sleep(3000);
  web = serveWeb(webPort);
  times.on = Date.now();
  await Bun.sleep(3000);
  await agent.stop();
  agent = undefined;
  times.stopped = Date.now();
  const nc = await connectTo(nats.url);
  await waitForAllAcked(nc);
  await nc.close();
  for (const useBinaryFormat of [false, true]) {
    const transport = createConnectTransport({ baseUrl: aggregator.url, useBinaryFormat });
    clients.push([useBinaryFormat ? "binary" : "JSON", createClient(UptimeService, transport)]);
  }
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await aggregator?.stop();
  await nats?.dispose();
  web?.stop(true);
  https?.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

/** One series of a vector (`value`) or a matrix (`values`). */
interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
  values: [number, string][];
}

/** The Prometheus API's `data.result` for `path` with `params` (times in ms, sent in seconds). */
async function promApi(
  path: string,
  params: Record<string, string | number>,
): Promise<PromSeries[]> {
  const url = new URL(path, aggregator.url);
  for (const [k, v] of Object.entries(params))
    url.searchParams.set(k, typeof v === "number" ? (v / 1000).toFixed(3) : v);
  return ((await (await fetch(url)).json()) as { data: { result: PromSeries[] } }).data.result;
}

/** `query` through the Prometheus API at `timeMs`: each series' value by its instance. */
async function promQuery(query: string, timeMs: number): Promise<Map<string, string>> {
  const result = await promApi("/api/v1/query", { query, time: timeMs });
  return new Map(result.map((r) => [r.metric.instance, r.value[1]]));
}

/** The web target's `query` over the minute to `timeMs` at a 1 s step: [time ms, value] pairs. */
async function promRange(query: string, timeMs: number): Promise<[number, number][]> {
  const [web] = await promApi("/api/v1/query_range", {
    query: `${query}{job="web"}`,
    start: timeMs - 60_000,
    end: timeMs,
    step: "1",
  });
  return (web?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]);
}

/**
 * Every probe of both targets in the minute before `timeMs` (time relative to the switch-off,
 * success, duration): printed when a check of states or intervals fails, to tell a late or
 * timed-out probe from a wrong answer.
 */
async function probeLog(timeMs: number): Promise<string> {
  const lines: string[] = [
    `off at 0, on at ${times.on - times.off}, stopped at ${times.stopped - times.off}`,
  ];
  for (const name of ["probe_success", "probe_duration_seconds"]) {
    for (const r of await promApi("/api/v1/query", { query: `${name}[1m]`, time: timeMs })) {
      const points = r.values.map(
        ([t, v]) => `${Math.round(t * 1000 - times.off)}:${Number(Number(v).toFixed(3))}`,
      );
      lines.push(`${name}{job="${r.metric.job}"} ${points.join(" ")}`);
    }
  }
  return lines.join("\n");
}

/** How many runs of failed probes the web target's stored samples hold in the minute to `timeMs`. */
async function failedRuns(timeMs: number): Promise<number> {
  const [web] = await promApi("/api/v1/query", {
    query: 'probe_success{job="web"}[1m]',
    time: timeMs,
  });
  const values: string[] = web?.values.map(([, v]) => v) ?? [];
  return values.filter((v, i) => v === "0" && values[i - 1] !== "0").length;
}

/** Runs `check`; when it fails, prints the probes behind it first. */
async function withProbeLog(timeMs: number, check: () => Promise<void> | void): Promise<void> {
  try {
    await check();
  } catch (err) {
    console.error(await probeLog(timeMs));
    throw err;
  }
}

const pairs = (labels: { name: string; value: string }[]) => labels.map((l) => [l.name, l.value]);

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("the call was not refused");
}

describe.each(["JSON", "binary"])("over Connect %s", (format) => {
  const client = () => clients.find(([f]) => f === format)![1];

  test("ListTargets lists both targets with their state at three times", async () => {
    const stateAt = async (timeMs: number, stalenessMs?: bigint) => {
      const windowsMs = [60_000n];
      const r = await client().listTargets({ timeMs: BigInt(timeMs), windowsMs, stalenessMs });
      return r.targets.map((t) => [t.labels.find((l) => l.name === "job")?.value, t.state]);
    };
    // Each state is the latest probe_success stored, as /api/v1/query answers it. Expected
    // are the web target down in its outage and both up after it, but on a loaded machine a
    // probe of a live server can miss its 400 ms timeout and the latest probe be a failure:
    // the states are held to what was stored, and the outage to having been stored.
    const storedAt = async (timeMs: number) => {
      const success = await promQuery("probe_success", timeMs);
      const state = (v: string | undefined) =>
        v === "0" ? TargetState.DOWN : v === "1" ? TargetState.UP : TargetState.UNKNOWN;
      // Sorted by labels: instance "http://…" before "https://…".
      return [
        ["web", state(success.get(webUrl()))],
        ["secure", state(success.get(`https://127.0.0.1:${https.port}/`))],
      ];
    };
    const at = [times.off + 1500, times.on + 1500];
    const states = await Promise.all(at.map((t) => stateAt(t)));
    const stored = await Promise.all(at.map(storedAt));
    const webSuccess = 'probe_success{job="web"}';
    const outage = await promQuery(
      `min_over_time(${webSuccess}[${times.on - times.off}ms])`,
      times.on,
    );
    const after = await promQuery(`max_over_time(${webSuccess}[3s])`, times.stopped);
    await withProbeLog(times.stopped + 1000, () => {
      expect(states).toEqual(stored);
      expect(outage.get(webUrl())).toBe("0");
      expect(after.get(webUrl())).toBe("1");
    });
    // After the agent stopped, no sample within a 2 s staleness window: unknown, though they
    // have an SLA.
    expect(await stateAt(times.stopped + 3000, 2000n)).toEqual([
      ["web", TargetState.UNKNOWN],
      ["secure", TargetState.UNKNOWN],
    ]);
    const listed = await client().listTargets({ timeMs: BigInt(times.stopped + 1000) });
    const webTarget = listed.targets[0];
    expect(pairs(webTarget.labels)).toEqual(pairs(WEB()));
    expect(webTarget.httpStatusCode).toBe(200);
    expect(webTarget.lastDurationSeconds).toBeGreaterThan(0);
    // Within the probe's 400 ms timeout on a quiet machine; a full run on 2 cores saw a
    // successful probe measured at 0.526 s.
    expect(webTarget.lastDurationSeconds).toBeLessThan(PROBE_LONGEST_MS / 1000);
    expect(Number(webTarget.lastCheckMs)).toBeGreaterThan(times.on);
    expect(Number(webTarget.lastCheckMs)).toBeLessThanOrEqual(times.stopped);
    // The default windows, all longer than the ~9 s stored: covered is what exists.
    expect(webTarget.sla.map((s) => Number(s.windowMs) / 86_400_000)).toEqual([1, 7, 30, 90, 365]);
    for (const s of webTarget.sla) {
      expect(Number(s.coveredMs)).toBeGreaterThan(8000);
      expect(Number(s.coveredMs)).toBeLessThan(times.stopped + 1000 - times.off + 4000);
      expect(s.ratio).toBeGreaterThan(0.4);
      expect(s.ratio).toBeLessThan(0.9);
    }
  });

  test("an SLA equals avg_over_time(probe_success[w]) through /api/v1/query, for 3 windows", async () => {
    const T = times.on + 2000;
    const windows = [2_000, 5_000, 3_600_000];
    const r = await client().listTargets({ timeMs: BigInt(T), windowsMs: windows.map(BigInt) });
    const web = r.targets.find((t) => t.labels.some((l) => l.value === "web"))!;
    for (const [i, w] of windows.entries()) {
      const sel = `probe_success{job="web",instance="${webUrl()}"}`;
      const want = await promQuery(`avg_over_time(${sel}[${w}ms])`, T);
      expect(web.sla[i].ratio).toBe(Number(want.get(webUrl())));
      const count = await promQuery(`count_over_time(${sel}[${w}ms])`, T);
      expect(web.sla[i].samples).toBe(BigInt(count.get(webUrl())!));
    }
    // The windows differ, so the equality is not three times the same number.
    expect(new Set(web.sla.map((s) => s.ratio)).size).toBe(3);
    expect(Number(web.sla[1].coveredMs)).toBe(5_000);
    expect(Number(web.sla[2].coveredMs)).toBeLessThan(3_600_000);
  });

  test("GetTarget shows the outage as one down interval of its span", async () => {
    const T = times.stopped + 1000;
    const r = await client().getTarget({
      labels: WEB(),
      timeMs: BigInt(T),
      startMs: BigInt(T - 60_000),
      stepMs: 1000n,
    });
    // One interval for each run of failed probes stored: on a loaded machine a probe of the
    // live server can miss its 400 ms timeout (a full run saw one 1.4 s before the switch-off),
    // which is a down interval of its own. The outage itself must be one interval.
    const runs = await failedRuns(T);
    const down = r.downIntervals.find(
      (d) => Number(d.startMs) <= times.on && Number(d.endMs) >= times.off,
    );
    await withProbeLog(T, () => {
      expect(r.downIntervals).toHaveLength(runs);
      expect(runs).toBeLessThanOrEqual(3);
      expect(down).toBeDefined();
    });
    if (!down) return;
    // The first failed probe within one interval of the switch-off; the first success within
    // one interval (plus the probe's timeout) of the switch-on — allowed two, for a probe timer
    // late on a loaded machine. A probe in flight while the server stops fails too, stamped
    // with its start: up to its timeout (400 ms) before, more on a loaded machine (525 ms seen).
    expect(Number(down.startMs)).toBeGreaterThanOrEqual(times.off - PROBE_LONGEST_MS);
    expect(Number(down.startMs)).toBeLessThanOrEqual(times.off + 2 * INTERVAL_MS);
    expect(Number(down.endMs)).toBeGreaterThanOrEqual(times.on - 50);
    expect(Number(down.endMs)).toBeLessThanOrEqual(times.on + 2 * INTERVAL_MS + 450);
    expect(Number(down.durationMs)).toBe(Number(down.endMs - down.startMs));
    expect(Math.abs(Number(down.durationMs) - (times.on - times.off))).toBeLessThanOrEqual(
      2 * INTERVAL_MS + PROBE_LONGEST_MS,
    );
    expect(down.ongoing).toBe(false);
    expect(pairs(r.target?.labels ?? [])).toEqual(pairs(WEB()));
    // probe_duration_seconds at each step, as /api/v1/query_range answers it. A probe that
    // timed out lasts its 400 ms timeout, and a little more on a loaded machine (0.508 s seen).
    expect(r.responseSeconds.length).toBeGreaterThan(5);
    const points = (s: { timeMs: bigint; value: number }[]) =>
      s.map((p) => [Number(p.timeMs), p.value]);
    expect(points(r.responseSeconds)).toEqual(await promRange("probe_duration_seconds", T));
    expect(r.responseSeconds.every((p) => p.value >= 0 && p.value < PROBE_LONGEST_MS / 1000)).toBe(
      true,
    );
  });

  test("a TLS target reports its certificate's expiry", async () => {
    const notAfter = execFileSync("openssl", ["x509", "-enddate", "-noout", "-in", cert])
      .toString()
      .trim()
      .replace("notAfter=", "");
    const r = await client().listTargets({ timeMs: BigInt(times.stopped), windowsMs: [60_000n] });
    const secure = r.targets.find((t) => t.labels.some((l) => l.value === "secure"))!;
    expect(Number(secure.certExpiryMs)).toBe(Date.parse(notAfter));
    // Up throughout, but a TLS probe can miss its 400 ms timeout on a loaded machine (a full
    // run saw 16 of 17): the SLA's arithmetic is held exactly by the test above.
    expect(secure.sla[0].ratio).toBeGreaterThan(0.8);
    const web = r.targets.find((t) => t.labels.some((l) => l.value === "web"))!;
    expect(web.certExpiryMs).toBe(0n);
  });

  test("bad input is refused naming the field, an unknown target is not_found", async () => {
    // Each call is made when its turn comes: made all at once, a refusal that arrives while an
    // earlier one is awaited has no handler yet, and bun:test fails whichever test is running.
    const cases: [() => Promise<unknown>, Code, string][] = [
      [() => client().listTargets({ windowsMs: [0n] }), Code.InvalidArgument, "windows_ms[0]"],
      [() => client().listTargets({ windowsMs: [1n, -5n] }), Code.InvalidArgument, "windows_ms[1]"],
      [
        () => client().getTarget({ labels: WEB(), windowsMs: [0n] }),
        Code.InvalidArgument,
        "windows_ms[0]",
      ],
      [() => client().getTarget({}), Code.InvalidArgument, '"labels"'],
      [
        () => client().getTarget({ labels: [{ name: "job", value: "nope" }] }),
        Code.NotFound,
        "Cannot find a probe target",
      ],
      [
        () => client().getTarget({ labels: [{ name: "bad name", value: "x" }] }),
        Code.InvalidArgument,
        "labels[0].name",
      ],
      [() => client().getTarget({ labels: WEB(), stepMs: -1n }), Code.InvalidArgument, "step_ms"],
    ];
    for (const [call, code, field] of cases) {
      const err = await refusal(call());
      expect([err.code, err.rawMessage.includes(field)]).toEqual([code, true]);
    }
  });
});
