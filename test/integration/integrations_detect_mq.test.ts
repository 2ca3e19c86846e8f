/**
 * Detection of memcached, NATS and RabbitMQ on this host's real /proc: the integrations source
 * runs first, then the services start one by one (harness, free ports) and each is detected and
 * collected within one cycle; a stopped one's series go stale; a nats-server without a
 * monitoring port reports `nats_up 0` and what to enable. Scoped to the test's own services by
 * pid, so the machine's own RabbitMQ and nats-server do not count. RabbitMQ is skipped, with
 * the reason, when its node does not start in time.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import type { DetectedService } from "../../agent/sources/integrations/detect/detect.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { withinOneCycle } from "../harness/detection.ts";
import {
  startMemcached,
  startNats,
  startRabbitmq,
  type TestService,
} from "../harness/mq_services.ts";
import { Recorder } from "../harness/recorder.ts";

setDefaultTimeout(120_000);

// Generous under load: the collection timeout must cover probing a node's ports.
const DETECT_MS = 500;
const ours = new Set<number>();
const recorder = new Recorder();
const source = new IntegrationsSource({
  config: integrationsSchema.parse({
    autodetect: true,
    detect_interval: "500ms",
    interval: "1s",
    timeout: "1s",
  }),
  externalLabels: [],
  registry: new Registry(),
  consumer: recorder,
  detectFilter: (s: DetectedService) => ours.has(s.pid),
});
const started: TestService[] = [];

afterAll(async () => {
  await source.stop();
  for (const s of started) await s.stop();
}, 60_000);

const entry = (key: string) => source.report().integrations.find((i) => i.key === key);

describe("detection of memcached, NATS and RabbitMQ", () => {
  let memcached: TestService;

  test("a host with none of the test's services detects none", async () => {
    source.start();
    await withinOneCycle(
      () => source.report().last_detection !== "",
      "a first detection",
      DETECT_MS,
    );
    expect(source.report().last_detection).not.toBe("");
    expect(source.report().integrations).toEqual([]);
  });

  test("memcached started after the agent is detected by process and collected", async () => {
    memcached = await startMemcached();
    started.push(memcached);
    ours.add(memcached.pid);
    const key = `memcached:${memcached.port}`;
    await withinOneCycle(() => entry(key)?.state === "up", `${key} up`, DETECT_MS);
    expect(entry(key)).toMatchObject({ kind: "memcached", how: "process", pid: memcached.pid });
    expect(recorder.find("memcached_up", memcached.address)).toBe(1);
    expect(recorder.find("memcached_limit_bytes", memcached.address)).toBe(64 * 1024 * 1024);
  });

  test("nats-server is detected and its monitoring port found among its ports", async () => {
    const nats = await startNats();
    started.push(nats);
    ours.add(nats.pid);
    const key = `nats:${nats.port}`;
    await withinOneCycle(() => entry(key)?.state === "up", `${key} up`, DETECT_MS);
    expect(recorder.find("nats_up", nats.address)).toBe(1);
    expect(recorder.find("gnatsd_varz_connections", nats.address)).toBe(0);
  });

  test("a nats-server without a monitoring port reports nats_up 0 and what to enable", async () => {
    const bare = await startNats({ monitor: false });
    started.push(bare);
    ours.add(bare.pid);
    const key = `nats:${bare.port}`;
    await withinOneCycle(() => entry(key)?.state === "refused", `${key} refused`, DETECT_MS);
    expect(entry(key)?.reason).toContain("-m 8222");
    expect(recorder.find("nats_up", bare.address)).toBe(0);
  });

  test("a stopped memcached is dropped and its series go stale", async () => {
    await memcached.stop();
    started.splice(started.indexOf(memcached), 1);
    const key = `memcached:${memcached.port}`;
    await withinOneCycle(() => entry(key) === undefined, `${key} gone`, DETECT_MS);
    // Gone from the report at once; its runner writes the markers once a collection under way
    // (against the stopped server) has ended.
    const stale = () => recorder.find("memcached_up", memcached.address) === "stale";
    await withinOneCycle(stale, `${key} stale`, DETECT_MS);
    expect(recorder.find("memcached_up", memcached.address)).toBe("stale");
    expect(recorder.find("memcached_current_connections", memcached.address)).toBe("stale");
  });

  test("a RabbitMQ node is detected by its command line and scraped through its plugin", async () => {
    const rabbit = await startRabbitmq(90_000);
    if (typeof rabbit === "string") {
      console.warn(`Skipping RabbitMQ detection: ${rabbit}`);
      return;
    }
    started.push(rabbit);
    ours.add(rabbit.pid);
    // Keyed by its lowest port: the harness's ports are free ones, not 5672.
    await withinOneCycle(
      () => source.report().integrations.some((i) => i.kind === "rabbitmq" && i.state === "up"),
      "rabbitmq up",
      DETECT_MS,
    );
    const r = source.report().integrations.find((i) => i.kind === "rabbitmq");
    expect(r).toMatchObject({ how: "process", pid: rabbit.pid });
    expect(recorder.find("rabbitmq_up", r?.address as string)).toBe(1);
    expect(recorder.find("rabbitmq_identity_info", r?.address as string)).toBe(1);
  });
});
