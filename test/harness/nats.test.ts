import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { connect } from "nats";
import { type NatsServerHandle, startNatsServer } from "./nats.ts";
import { freePort, portRange } from "./ports.ts";

const started: NatsServerHandle[] = [];
afterAll(async () => {
  for (const s of started) await s.dispose();
});

async function streamNames(url: string): Promise<string[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    return (await jsm.streams.list().next()).map((s) => s.config.name);
  } finally {
    await nc.close();
  }
}

async function accepts(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

describe("startNatsServer()", () => {
  test("serves JetStream, and restart() keeps the port and the stored streams", async () => {
    const nats = await startNatsServer();
    started.push(nats);
    const nc = await connect({ servers: nats.url });
    await (await nc.jetstreamManager()).streams.add({ name: "KEPT", subjects: ["kept.>"] });
    await nc.close();
    await nats.restart();
    expect(nats.running).toBe(true);
    expect(await streamNames(nats.url)).toEqual(["KEPT"]);
  });

  test.each(["stop", "kill"] as const)("%s() ends the process and frees the port", async (how) => {
    const nats = await startNatsServer();
    started.push(nats);
    await nats[how]();
    expect(nats.running).toBe(false);
    expect(await accepts(nats.port)).toBe(false);
  });

  test("dispose() removes the store directory it created", async () => {
    const nats = await startNatsServer();
    await nats.dispose();
    expect(existsSync(nats.storeDir)).toBe(false);
    expect(await accepts(nats.port)).toBe(false);
  });

  test("a taken port is reported with the server's own words", async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, "127.0.0.1");
    try {
      await expect(startNatsServer({ port })).rejects.toThrow(/Cannot start nats-server.*exited/s);
    } finally {
      blocker.close();
    }
  });
});

describe("freePort()", () => {
  test("returns a port that can be listened on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    server.close();
    expect(port).toBeGreaterThan(0);
  });

  test("does not hand out a port twice, so two asked at once do not collide", async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
  });
});

describe("portRange()", () => {
  test("gives each shard its own slice, below the ephemeral range", () => {
    const a = portRange({ OUTPOST_TEST_SHARD: "0", OUTPOST_TEST_SHARDS: "2" });
    const b = portRange({ OUTPOST_TEST_SHARD: "1", OUTPOST_TEST_SHARDS: "2" });
    expect(a.low).toBe(20_000);
    expect(a.high).toBeLessThan(b.low);
    expect(b.high).toBeLessThan(32_768);
  });

  test("takes the whole range without a shard or with a nonsense one", () => {
    expect(portRange({})).toEqual({ low: 20_000, high: 32_767 });
    expect(portRange({ OUTPOST_TEST_SHARD: "3", OUTPOST_TEST_SHARDS: "2" })).toEqual({
      low: 20_000,
      high: 32_767,
    });
  });
});
