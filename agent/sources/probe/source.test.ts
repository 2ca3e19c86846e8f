import { afterAll, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { formatSeries } from "../../../shared/model/labels.ts";
import { probesSchema } from "./config.ts";
import { ProbeSource } from "./source.ts";

const listener = Bun.listen({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    data() {},
    open(s) {
      s.end();
    },
  },
});
afterAll(() => listener.stop(true));

const target = `127.0.0.1:${listener.port}`;
const probes = (jobs: { job_name: string; interval: string }[]) =>
  probesSchema.parse({
    modules: { tcp: { prober: "tcp", timeout: "1s" } },
    jobs: jobs.map((j) => ({ ...j, module: "tcp", targets: [target] })),
  });

test("update() keeps unchanged probes, restarts changed ones without ending their series, and ends removed ones", async () => {
  const seen: { series: string; stale: boolean }[] = [];
  const source = new ProbeSource({
    config: probes([
      { job_name: "keep", interval: "1s" },
      { job_name: "change", interval: "1s" },
      { job_name: "drop", interval: "1s" },
    ]),
    externalLabels: [],
    registry: new Registry(),
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++)
          seen.push({ series: formatSeries(block.series[i].labels), stale: block.isStale(i) });
      },
    },
  });
  const success = (job: string) => `probe_success{instance="${target}", job="${job}"}`;
  const waitFor = async (what: () => boolean) => {
    for (let i = 0; i < 50 && !what(); i++) await Bun.sleep(100);
    expect(what()).toBe(true);
  };
  const stale = (job: string) => seen.filter((s) => s.series === success(job) && s.stale).length;
  source.start();
  try {
    await waitFor(() =>
      ["keep", "change", "drop"].every((j) => seen.some((s) => s.series === success(j))),
    );
    const counts = await source.update(
      probes([
        { job_name: "keep", interval: "1s" },
        { job_name: "change", interval: "2s" },
        { job_name: "new", interval: "1s" },
      ]),
    );
    expect(counts).toEqual({ kept: 1, started: 2, stopped: 2 });
    expect([stale("keep"), stale("change"), stale("drop")]).toEqual([0, 0, 1]);
    const before = seen.length;
    await waitFor(() => seen.slice(before).some((s) => s.series === success("new") && !s.stale));
    await waitFor(() => seen.slice(before).some((s) => s.series === success("change")));
  } finally {
    await source.stop();
  }
});
