/**
 * A service that accepts connections and never answers (a hung server) is abandoned at the
 * timeout with `redis_up 0`, while a healthy Redis beside it keeps being collected on time.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { formatSeries } from "../../shared/model/labels.ts";
import { startRedis, type TestRedis } from "../harness/services.ts";

let redis: TestRedis;
let hung: Bun.TCPSocketListener<undefined>;

beforeAll(async () => {
  redis = await startRedis();
  // Reads every command and answers none.
  hung = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
});
afterAll(async () => {
  hung?.stop(true);
  await redis?.stop();
});

test("a hung service times out with redis_up 0 and does not delay a healthy one", async () => {
  const hungAddress = `127.0.0.1:${hung.port}`;
  const ups = new Map<string, number[]>();
  const consumer = {
    consume(block: SampleBlock) {
      for (let i = 0; i < block.length; i++) {
        const s = formatSeries(block.series[i].labels);
        if (!s.startsWith("redis_up{") || block.isStale(i)) continue;
        const instance = /instance="([^"]+)"/.exec(s)?.[1] ?? "";
        ups.set(instance, [...(ups.get(instance) ?? []), block.values[i]]);
      }
    },
  };
  const source = new IntegrationsSource({
    config: integrationsSchema.parse({
      // A healthy Redis's INFO passed 150 ms once in a loaded full run (its first, with the
      // connect), and 300 ms in another (a full run on 2 cores): 800 ms keeps the healthy one
      // clear of it, and the hung one is still given up on well before the next collection.
      interval: "1s",
      timeout: "800ms",
      redis: [{ address: hungAddress }, { address: redis.address }],
    }),
    externalLabels: [],
    registry: new Registry(),
    consumer,
  });
  // The hung service's failure is logged once for the spell, not once per collection.
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return write(chunk);
  }) as typeof process.stderr.write;
  source.start();
  await Bun.sleep(5_000);
  const report = source.report();
  await source.stop();
  process.stderr.write = write;
  expect(lines.filter((l) => l.includes(`address=${hungAddress}`))).toHaveLength(1);
  const healthy = ups.get(redis.address) ?? [];
  // ~5 slots in 5 s at 1 s: the healthy one got nearly all of them, each up.
  expect(healthy.length).toBeGreaterThanOrEqual(4);
  expect(healthy.every((v) => v === 1)).toBe(true);
  expect((ups.get(hungAddress) ?? []).every((v) => v === 0)).toBe(true);
  expect(ups.get(hungAddress)?.length).toBeGreaterThanOrEqual(3);
  const h = report.integrations.find((i) => i.address === hungAddress);
  expect(h?.state).toBe("down");
  expect(h?.reason).toContain("timed out after");
  // Given up on at its 800 ms timeout; a full run on 2 cores saw the timer fire 420 ms late.
  expect(h?.last_duration_seconds).toBeLessThan(2);
}, 30_000);
