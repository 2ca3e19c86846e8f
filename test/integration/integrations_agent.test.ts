/**
 * Integrations inside a running agent, on the real path to JetStream: a configured Redis (and
 * its password read from a file) is collected, its series reach the stream under
 * redis_exporter's names, and the agent's `/integrations` and `outpost integrations` show it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { IntegrationsReport } from "../../agent/sources/integrations/status.ts";
import { startTestAgent } from "../harness/agent.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { startRedis, type TestRedis } from "../harness/services.ts";
import { waitForStream } from "../harness/stream.ts";

let nats: NatsServerHandle;
let redis: TestRedis;
let dir: string;

beforeAll(async () => {
  nats = await startNatsServer();
  redis = await startRedis({ password: "pa ss" });
  dir = mkdtempSync(join(tmpdir(), "outpost-integrations-"));
  writeFileSync(join(dir, "redis-password"), "pa ss\n");
});
afterAll(async () => {
  await redis?.stop();
  await nats?.dispose();
});

test("a configured Redis is collected into the stream and listed by outpost integrations", async () => {
  const config = {
    agent: { id: "integrations", http_listen: "127.0.0.1:0" },
    nats: { url: nats.url },
    batch: { max_wait: "500ms" },
    spool: { dir: join(dir, "spool") },
    integrations: {
      interval: "1s",
      timeout: "1s",
      redis: [{ address: redis.address, password_file: "redis-password" }],
    },
  };
  const agent = await startTestAgent(stringify(config), dir);
  try {
    const batches = await waitForStream(nats.url, (b) =>
      b.some((x) => x.samples.some((s) => s.name === "redis_connected_clients")),
    );
    const got = batches.flatMap((b) => b.samples);
    const up = got.find((s) => s.series === `redis_up{instance="${redis.address}", job="redis"}`);
    expect(up?.value).toBe(1);

    const report = (await (
      await fetch(`${agent.httpUrl}/integrations`)
    ).json()) as IntegrationsReport;
    expect(report.autodetect).toBe(false);
    expect(report.integrations).toEqual([
      expect.objectContaining({
        key: `redis:${redis.port}`,
        how: "config",
        state: "up",
        address: redis.address,
      }),
    ]);

    // Spawned, not spawnSync: the agent answering it runs in this process's event loop.
    const cli = Bun.spawn(["bun", "cli/outpost.ts", "integrations", "--agent", agent.httpUrl], {
      cwd: join(import.meta.dir, "../.."),
      stdout: "pipe",
    });
    const out = await new Response(cli.stdout).text();
    expect(await cli.exited).toBe(0);
    expect(out).toContain(`redis:${redis.port}`);
    expect(out).toMatch(/config\s+up/);
    expect(out).not.toContain("pa ss");
  } finally {
    await agent.stop();
  }
}, 60_000);
