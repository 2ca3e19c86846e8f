import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../shared/metrics/registry.ts";
import type { SampleBlock } from "../shared/model/block.ts";
import { formatSeries } from "../shared/model/labels.ts";
import { LogSources } from "./logs.ts";
import { TestConsumer, tempDir, waitFor } from "./sources/file/testing.ts";
import { nginxLogSources } from "./sources/integrations/nginx/logs.ts";

const tmp = await tempDir();
afterAll(() => tmp.cleanup());

/** Last value (or "stale") of every series written to the metric path. */
class Samples {
  readonly last = new Map<string, number | "stale">();
  consume(block: SampleBlock): void {
    for (let i = 0; i < block.length; i++)
      this.last.set(
        formatSeries(block.series[i].labels),
        block.isStale(i) ? "stale" : block.values[i],
      );
  }
}

const LINE = (status: number) =>
  `10.0.0.1 - - [02/Jan/2026:15:04:05 +0000] "GET /x HTTP/1.1" ${status} 5 "-" "t"`;

describe("LogSources with a service's logs", () => {
  test("add() tails a running service's files; remove() stops them and marks their metrics stale", async () => {
    const access = join(tmp.dir, "access.log");
    writeFileSync(access, "");
    const consumer = new TestConsumer();
    const samples = new Samples();
    const logs = new LogSources({
      sources: [],
      consumer,
      samples,
      externalLabels: { host: "h" },
      registry: new Registry(),
      dataDir: tmp.dir,
      metricsIntervalMs: 50,
    });
    const controller = new AbortController();
    logs.start(controller.signal);
    const [source] = nginxLogSources({
      key: "nginx:80",
      instance: "i:80",
      access: [access],
      error: [],
    });
    appendFileSync(access, `${LINE(200)}\n${LINE(503)}\n`);
    logs.add("nginx:80", [{ ...source, poll_interval: 10, start_at: "beginning" }]);
    await waitFor(() => consumer.lines().length === 2, 5_000, "two lines");
    expect(consumer.records()[1].fields).toContain("503");
    const series =
      'outpost_nginx_access_requests_total{host="h", instance="i:80", job="integrations/nginx", status="503"}';
    await waitFor(() => samples.last.get(series) === 1, 5_000, "the 503 count");

    await logs.remove("nginx:80");
    expect(samples.last.get(series)).toBe("stale");
    appendFileSync(access, `${LINE(200)}\n`);
    await Bun.sleep(150);
    expect(consumer.lines()).toHaveLength(2);
    controller.abort();
    await logs.stop();
  }, 15_000);
});
