import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { formatSeries } from "../../../shared/model/labels.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";
import { BASE_BYTES, MemoryBudget } from "../../pipeline/budget.ts";
import { standaloneLoop } from "./standalone.ts";

/** What one scrape delivered: series text → value ("stale" for a staleness marker). */
type Delivered = Map<string, number | "stale">;

let body = "";
let status = 200;
let delayMs = 0;
let server: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch() {
      if (delayMs) await Bun.sleep(delayMs);
      return new Response(body, {
        status,
        headers: { "Content-Type": "text/plain; version=0.0.4" },
      });
    },
  });
});
afterAll(() => server.stop(true));

function makeLoop(jobYaml = "", budget: MemoryBudget | null = null) {
  const address = `127.0.0.1:${server.port}`;
  const text = `global:\n  external_labels: {region: eu}\nscrape_configs:\n  - job_name: app\n    scrape_interval: 15s\n    scrape_timeout: 200ms\n${jobYaml}    static_configs:\n      - targets: ["${address}"]\n`;
  const registry = new Registry();
  const delivered: Delivered[] = [];
  const metadata: MetricMetadata[][] = [];
  const consumer = {
    consumeMetadata(m: readonly MetricMetadata[]) {
      metadata.push([...m]);
    },
    consume(block: SampleBlock) {
      const m: Delivered = new Map();
      for (let i = 0; i < block.length; i++)
        m.set(formatSeries(block.series[i].labels), block.isStale(i) ? "stale" : block.values[i]);
      delivered.push(m);
    },
  };
  const loop = standaloneLoop(text, consumer, registry, undefined, budget);
  const scrape = async () => {
    await loop.scrapeOnce(Date.now(), new AbortController().signal);
    return delivered[delivered.length - 1];
  };
  return { loop, scrape, registry, delivered, metadata, instance: address };
}

const up = (address: string) => `up{instance="${address}", job="app", region="eu"}`;

describe("ScrapeLoop", () => {
  test("a scrape delivers the samples with target and external labels, and the report series", async () => {
    body = 'http_requests_total{code="200"} 10\nmemory_bytes 1.5e9\n';
    const { scrape, instance } = makeLoop();
    const got = await scrape();
    expect(
      got.get(`http_requests_total{code="200", instance="${instance}", job="app", region="eu"}`),
    ).toBe(10);
    expect(got.get(`memory_bytes{instance="${instance}", job="app", region="eu"}`)).toBe(1.5e9);
    expect(got.get(up(instance))).toBe(1);
    expect(got.get(`scrape_samples_scraped{instance="${instance}", job="app", region="eu"}`)).toBe(
      2,
    );
    expect(
      got.get(
        `scrape_samples_post_metric_relabeling{instance="${instance}", job="app", region="eu"}`,
      ),
    ).toBe(2);
    expect(got.get(`scrape_series_added{instance="${instance}", job="app", region="eu"}`)).toBe(2);
    expect(got.has(`scrape_duration_seconds{instance="${instance}", job="app", region="eu"}`)).toBe(
      true,
    );
  });

  test("scrape_duration_seconds is measured below the millisecond, as Prometheus measures it", async () => {
    body = "a 1\n";
    const { scrape, instance } = makeLoop();
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const got = await scrape();
      durations.push(
        got.get(
          `scrape_duration_seconds{instance="${instance}", job="app", region="eu"}`,
        ) as number,
      );
    }
    // Whole milliseconds would leave no fraction of a millisecond in any of them.
    const fractions = durations.map((d) => Math.abs(d * 1000 - Math.round(d * 1000)));
    expect(fractions.some((f) => f > 1e-6)).toBe(true);
  });

  test("a series that disappears gets a staleness marker, and series_added counts only new ones", async () => {
    body = "a 1\nb 2\n";
    const { scrape, instance } = makeLoop();
    await scrape();
    body = "a 3\nc 4\n";
    const got = await scrape();
    expect(got.get(`b{instance="${instance}", job="app", region="eu"}`)).toBe("stale");
    expect(got.get(`a{instance="${instance}", job="app", region="eu"}`)).toBe(3);
    expect(got.get(`scrape_series_added{instance="${instance}", job="app", region="eu"}`)).toBe(1);
  });

  test.each([
    [
      "a malformed exposition",
      () => {
        body = "ok 1\nbroken{ 2\n";
      },
      "parse",
      "",
    ],
    [
      "an HTTP error",
      () => {
        status = 500;
      },
      "http",
      "",
    ],
    [
      "a body over body_size_limit",
      () => {
        body = `x ${"1".repeat(2000)}\n`;
      },
      "body_size_limit",
      "    body_size_limit: 1KB\n",
    ],
    [
      "more samples than sample_limit",
      () => {
        body = "a 1\nb 2\nc 3\n";
      },
      "sample_limit",
      "    sample_limit: 2\n",
    ],
    [
      "a label over label_value_length_limit",
      () => {
        body = `a{x="${"v".repeat(50)}"} 1\n`;
      },
      "label_value_length_limit",
      "    label_value_length_limit: 20\n",
    ],
    [
      "a label name over label_name_length_limit",
      () => {
        body = `a{${"n".repeat(50)}="v"} 1\n`;
      },
      "label_name_length_limit",
      "    label_name_length_limit: 20\n",
    ],
    [
      "more labels than label_limit (target labels included)",
      () => {
        body = `a{x="1",y="2"} 1\n`;
      },
      "label_limit",
      "    label_limit: 4\n",
    ],
    [
      "a target slower than scrape_timeout",
      () => {
        delayMs = 500;
      },
      "timeout",
      "",
    ],
  ])(
    "%s fails the scrape: up 0, earlier series stale, failure counted",
    async (_name, breakIt, reason, jobYaml) => {
      body = "old 1\n";
      status = 200;
      delayMs = 0;
      const { scrape, registry, instance } = makeLoop(jobYaml);
      await scrape();
      breakIt();
      const got = await scrape();
      status = 200;
      delayMs = 0;
      expect(got.get(up(instance))).toBe(0);
      expect(got.get(`old{instance="${instance}", job="app", region="eu"}`)).toBe("stale");
      expect(
        [...got.keys()].filter(
          (k) => !k.startsWith("scrape_") && !k.startsWith("up{") && !k.startsWith("old{"),
        ),
      ).toEqual([]);
      expect(registry.render()).toContain(
        `outpost_agent_scrape_failures_total{job="app",reason="${reason}"} 1`,
      );
    },
  );

  test.each([
    ["labeldrop of __name__", "{action: labeldrop, regex: __name__}"],
    ["labelkeep without __name__", "{action: labelkeep, regex: code}"],
    [
      "a replace of __name__ by nothing",
      "{source_labels: [code], regex: '5..', target_label: __name__, replacement: ''}",
    ],
  ])(
    "metric relabeling that leaves a series without a name (%s) fails the scrape, as in Prometheus",
    async (_name, rule) => {
      body = 'ok_total{code="200"} 1\nok_total{code="500"} 2\n';
      const { scrape, registry, instance } = makeLoop(`    metric_relabel_configs: [${rule}]\n`);
      const got = await scrape();
      expect(got.get(up(instance))).toBe(0);
      expect(registry.render()).toContain(
        'outpost_agent_scrape_failures_total{job="app",reason="missing_metric_name"} 1',
      );
    },
  );

  test.each([
    ["label_limit", `a{z1="1",z2="2",z3="3",z4="4"} 1\n`, "    label_limit: 4\n"],
    [
      "label_value_length_limit",
      `a{z="${"v".repeat(50)}"} 1\n`,
      "    label_value_length_limit: 20\n",
    ],
    [
      "label_name_length_limit",
      `a{z${"n".repeat(50)}="v"} 1\n`,
      "    label_name_length_limit: 20\n",
    ],
  ])(
    "%s holds for the labels after metric relabeling, as in Prometheus: a label dropped there does not fail the scrape",
    async (_limit, exposed, jobYaml) => {
      body = exposed;
      status = 200;
      delayMs = 0;
      const { scrape, instance } = makeLoop(
        `${jobYaml}    metric_relabel_configs: [{action: labeldrop, regex: 'z.*'}]\n`,
      );
      const got = await scrape();
      expect(got.get(up(instance))).toBe(1);
    },
  );

  test("metric relabeling that removes every label drops the series quietly, as in Prometheus", async () => {
    body = "a 1\nb 2\n";
    const { scrape, instance } = makeLoop(
      "    metric_relabel_configs: [{action: labeldrop, regex: '.*'}]\n",
    );
    const got = await scrape();
    expect(got.get(up(instance))).toBe(1);
    expect(
      got.get(
        `scrape_samples_post_metric_relabeling{instance="${instance}", job="app", region="eu"}`,
      ),
    ).toBe(0);
  });

  // Measured with Prometheus 2.42 against the same bodies: a failed scrape reports what it
  // read up to the failure, and past sample_limit it reads on to count the whole body.
  test.each([
    [
      "more samples than sample_limit",
      "a 1\nb 2\nc 3\nd 4\ne 5\n",
      "    sample_limit: 2\n",
      [5, 5, 2],
    ],
    [
      "sample_limit, with metric relabeling dropping some",
      "a 1\nb 2\nc 3\nd 4\ne 5\n",
      "    sample_limit: 2\n    metric_relabel_configs: [{source_labels: [__name__], regex: c|d, action: drop}]\n",
      [5, 3, 2],
    ],
    ["a malformed line after two samples", "a 1\nb 2\nbroken{ 3\nc 4\n", "", [2, 2, 2]],
    [
      "a series relabeled without a name",
      'm{a="1"} 1\nm{a="2"} 2\nm{a="3"} 3\n',
      "    metric_relabel_configs: [{source_labels: [a], regex: '2', target_label: __name__, replacement: ''}]\n",
      [2, 1, 1],
    ],
  ])(
    "a failed scrape (%s) reports the samples it read, as Prometheus does",
    async (_name, text, jobYaml, want) => {
      body = text;
      const { scrape, instance } = makeLoop(jobYaml);
      const got = await scrape();
      const report = (name: string) =>
        got.get(`${name}{instance="${instance}", job="app", region="eu"}`);
      expect(report("up")).toBe(0);
      expect([
        report("scrape_samples_scraped"),
        report("scrape_samples_post_metric_relabeling"),
        report("scrape_series_added"),
      ]).toEqual(want);
    },
  );

  test("clashing labels are renamed exported_* unless honor_labels is set", async () => {
    body = 'm{job="inner",instance="x"} 1\n';
    const plain = await makeLoop().scrape();
    const { instance } = makeLoop();
    expect(
      plain.has(
        `m{exported_instance="x", exported_job="inner", instance="${instance}", job="app", region="eu"}`,
      ),
    ).toBe(true);
    const honored = await makeLoop("    honor_labels: true\n").scrape();
    expect(honored.has('m{instance="x", job="inner", region="eu"}')).toBe(true);
  });

  test("with honor_labels a label exposed empty stays off the series, as in Prometheus", async () => {
    // Prometheus 2.42 stores m{job="",instance=""} of an honor_labels job without job and instance.
    body = 'm{job="",instance=""} 1\nn 2\n';
    const { instance } = makeLoop();
    const got = await makeLoop("    honor_labels: true\n").scrape();
    expect([...got.keys()].filter((k) => /^[mn]\{/.test(k)).sort()).toEqual([
      'm{region="eu"}',
      `n{instance="${instance}", job="app", region="eu"}`,
    ]);
    const plain = await makeLoop().scrape();
    expect(plain.has(`m{instance="${instance}", job="app", region="eu"}`)).toBe(true);
  });

  test("metric_relabel_configs drop series before they count as post-relabeling samples", async () => {
    body = "keep_me 1\ngo_gc 2\n";
    const yaml =
      "    metric_relabel_configs:\n      - source_labels: [__name__]\n        regex: go_.*\n        action: drop\n";
    const { scrape, instance } = makeLoop(yaml);
    const got = await scrape();
    expect([...got.keys()].some((k) => k.startsWith("go_gc"))).toBe(false);
    expect(got.get(`scrape_samples_scraped{instance="${instance}", job="app", region="eu"}`)).toBe(
      2,
    );
    expect(
      got.get(
        `scrape_samples_post_metric_relabeling{instance="${instance}", job="app", region="eu"}`,
      ),
    ).toBe(1);
  });

  test("honor_timestamps keeps exposition timestamps and such series get no staleness marker", async () => {
    body = `t 1 ${Date.now() - 30_000}\n`;
    const { scrape, loop, delivered } = makeLoop();
    expect([...(await scrape()).keys()].some((k) => k.startsWith("t{"))).toBe(true);
    body = "";
    const got = await scrape();
    expect([...got.keys()].some((k) => k.startsWith("t{"))).toBe(false);
    await loop.stop();
    expect(delivered.length).toBe(3);
  });

  test("a sample whose own timestamp is over an hour old or ten minutes ahead is dropped and counted", async () => {
    const now = Date.now();
    body = `recent 1 ${now - 59 * 60_000}\nold 1 978307200000\nfuture 1 99999999999999\nsoon 1 ${now + 11 * 60_000}\nplain 1\n`;
    const { scrape, registry, instance } = makeLoop();
    const got = await scrape();
    const names = [...got.keys()].map((k) => k.slice(0, k.indexOf("{")));
    expect(names.filter((n) => !n.startsWith("scrape_") && n !== "up").sort()).toEqual([
      "plain",
      "recent",
    ]);
    expect(got.get(up(instance))).toBe(1);
    expect(registry.render()).toContain(
      'outpost_agent_scrape_samples_out_of_bounds_total{job="app"} 3',
    );
  });

  test("stop() marks every series and the report series stale", async () => {
    body = "a 1\n";
    const { scrape, loop, delivered, instance } = makeLoop();
    await scrape();
    await loop.stop();
    const last = delivered[delivered.length - 1];
    expect(last.get(`a{instance="${instance}", job="app", region="eu"}`)).toBe("stale");
    expect(last.get(up(instance))).toBe("stale");
  });

  test("targets spread over the interval by hash, and the phase is stable", () => {
    const { loop } = makeLoop();
    const at = loop.firstScrapeAt(1_000_000);
    expect(at).toBeGreaterThanOrEqual(1_000_000);
    expect(at).toBeLessThan(1_015_000);
    expect(loop.firstScrapeAt(1_000_000 + 15_000)).toBe(at + 15_000);
  });

  test("HELP/TYPE/UNIT are passed on after the first scrape and again only when they change", async () => {
    body =
      "# HELP req_total Requests.\n# TYPE req_total counter\nreq_total 1\n# TYPE temp gauge\ntemp 3\n";
    const { scrape, metadata } = makeLoop();
    await scrape();
    await scrape();
    expect(metadata).toEqual([
      [
        { name: "req_total", type: "counter", help: "Requests.", unit: "" },
        { name: "temp", type: "gauge", help: "", unit: "" },
      ],
    ]);
    body = body.replace("Requests.", "Requests served.");
    await scrape();
    expect(metadata).toHaveLength(2);
    expect(metadata[1][0].help).toBe("Requests served.");
  });

  test("the series a scrape keeps stay reserved in the memory budget; a failed scrape returns them", async () => {
    const budget = new MemoryBudget({ limit: BASE_BYTES + 64 * 1024 * 1024, collect: () => {} });
    body = "a 1\nb 2\n";
    status = 200;
    const { scrape } = makeLoop("", budget);
    await scrape();
    const kept = budget.reserved;
    expect(kept).toBeGreaterThan(0);
    await scrape();
    expect(budget.reserved).toBe(kept);
    status = 500;
    await scrape();
    status = 200;
    expect(budget.reserved).toBe(0);
  });

  test("a scrape the memory budget cannot hold fails with reason memory_limit", async () => {
    const budget = new MemoryBudget({ limit: BASE_BYTES + 64 * 1024, collect: () => {} });
    body = Array.from({ length: 1000 }, (_, i) => `series_${i} 1\n`).join("");
    status = 200;
    const { scrape, registry, instance } = makeLoop("", budget);
    const got = await scrape();
    expect(got.get(up(instance))).toBe(0);
    expect(registry.render()).toContain(
      'outpost_agent_scrape_failures_total{job="app",reason="memory_limit"} 1',
    );
    expect(budget.reserved).toBe(0);
  });

  test.each([
    ["", "skip"],
    [
      "    metric_relabel_configs: [{source_labels: [__name__], regex: x, action: drop}]\n",
      "parse",
    ],
  ])(
    "past sample_limit the rest of the body is counted, its new series kept nowhere (%s)",
    async (rules, mode) => {
      body = Array.from({ length: 1000 }, (_, i) => `series_${i} 1\n`).join("");
      const { scrape, registry, instance, loop } = makeLoop(`    sample_limit: 10\n${rules}`);
      const got = await scrape();
      expect(
        got.get(`scrape_samples_scraped{instance="${instance}", job="app", region="eu"}`),
      ).toBe(1000);
      expect(registry.render()).toContain(
        'outpost_agent_scrape_failures_total{job="app",reason="sample_limit"} 1',
      );
      // The parser stored no series after the limit (shared/exposition/parse.test.ts holds that).
      expect(loop.newSeriesMode as string).toBe(mode);
    },
  );
});
