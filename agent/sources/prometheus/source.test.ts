import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { formatSeries } from "../../../shared/model/labels.ts";
import { parseAgentConfig } from "../../config/load.ts";
import type { ScrapeJob } from "./job.ts";
import { PrometheusSource } from "./source.ts";

const servers: ReturnType<typeof Bun.serve>[] = [];
/** Requests each server answered. */
const requests = [0, 0];
beforeAll(() => {
  for (let i = 0; i < 2; i++) {
    servers.push(
      Bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch: () => {
          requests[i]++;
          return new Response(`served_by ${i}\n`);
        },
      }),
    );
  }
});
afterAll(() => {
  for (const s of servers) s.stop(true);
});

test("file_sd targets are re-read when the file changes: new targets start, removed ones go stale", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-filesd-"));
  const [a, b] = servers.map((s) => `127.0.0.1:${s.port}`);
  const sd = join(dir, "targets.json");
  writeFileSync(sd, JSON.stringify([{ targets: [a], labels: { team: "x" } }]));
  const text = `scrape_configs:\n  - job_name: sd\n    scrape_interval: 1s\n    scrape_timeout: 500ms\n    file_sd_configs:\n      - files: ["*.json"]\n        refresh_interval: 1s\n    relabel_configs:\n      - source_labels: [__meta_filepath]\n        regex: .*/(.*)\n        target_label: sd_file\n`;
  const config = parseAgentConfig(text, join(dir, "agent.yaml"));
  const seen: { series: string; stale: boolean }[] = [];
  const source = new PrometheusSource({
    jobs: config.scrape_configs,
    externalLabels: [],
    baseDir: dir,
    registry: new Registry(),
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++)
          seen.push({ series: formatSeries(block.series[i].labels), stale: block.isStale(i) });
      },
    },
  });
  source.start();
  try {
    const upOf = (addr: string) =>
      `up{instance="${addr}", job="sd", sd_file="targets.json", team="x"}`;
    await waitFor(() => seen.some((s) => s.series === upOf(a) && !s.stale));
    expect(source.targetCount).toBe(1);
    writeFileSync(sd, JSON.stringify([{ targets: [b], labels: { team: "x" } }]));
    await waitFor(() => seen.some((s) => s.series === upOf(b) && !s.stale));
    await waitFor(() => seen.some((s) => s.series === upOf(a) && s.stale));
    expect(source.targetCount).toBe(1);
  } finally {
    await source.stop();
  }
});

test("a job over its target_limit keeps its targets, fails their scrapes without a request, and says so once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-target-limit-"));
  const [a, b] = servers.map((s) => `127.0.0.1:${s.port}`);
  const sd = join(dir, "targets.json");
  writeFileSync(sd, JSON.stringify([{ targets: [a, b] }]));
  const text = `global:\n  target_limit: 1\nscrape_configs:\n  - job_name: capped\n    target_limit: 0\n    scrape_interval: 1s\n    scrape_timeout: 500ms\n    file_sd_configs:\n      - files: ["*.json"]\n        refresh_interval: 1s\n`;
  const config = parseAgentConfig(text, join(dir, "agent.yaml"));
  const ups = new Map<string, number>();
  const warnings: string[] = [];
  const noop = () => {};
  const registry = new Registry();
  const source = new PrometheusSource({
    jobs: config.scrape_configs,
    externalLabels: [],
    baseDir: dir,
    registry,
    log: {
      debug: noop,
      info: noop,
      error: noop,
      warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`),
    },
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++) {
          const series = formatSeries(block.series[i].labels);
          if (series.startsWith("up{") && !block.isStale(i)) ups.set(series, block.values[i]);
        }
      },
    },
  });
  const before = [...requests];
  source.start();
  try {
    const upOf = (addr: string) => ups.get(`up{instance="${addr}", job="capped"}`);
    await waitFor(() => upOf(a) === 0 && upOf(b) === 0);
    expect(source.targetCount).toBe(2);
    expect(requests).toEqual(before);
    expect(registry.render()).toContain(
      'outpost_agent_scrape_failures_total{job="capped",reason="target_limit"}',
    );
    expect(registry.render()).toContain(
      'outpost_agent_scrape_target_limit_exceeded_total{job="capped"} 1',
    );
    expect(warnings).toEqual([
      'Cannot scrape job: it has more targets than its target_limit; every scrape of it fails until it has fewer {"job":"capped","targets":2,"limit":1}',
    ]);
    // Back within the limit, the remaining target is scraped again.
    writeFileSync(sd, JSON.stringify([{ targets: [a] }]));
    await waitFor(() => upOf(a) === 1);
    expect(requests[0]).toBeGreaterThan(before[0]);
  } finally {
    await source.stop();
  }
});

/** A scrape job's YAML at 1 s, for the reload tests. */
const reloadJob = (name: string, target: string, extra = "") =>
  `  - job_name: ${name}\n    scrape_interval: 1s\n    scrape_timeout: 500ms\n    static_configs: [{targets: ["${target}"]}]\n${extra}`;

/** The jobs of `text` (scrape_configs entries) as the agent loads them from a file in `dir`. */
const jobsIn = (dir: string, text: string) =>
  parseAgentConfig(`scrape_configs:\n${text}`, join(dir, "agent.yaml")).scrape_configs;

/** A source over `jobs` that records every sample's series and whether it is a staleness marker. */
function recordingSource(dir: string, jobs: ScrapeJob[], registry = new Registry()) {
  const seen: { series: string; stale: boolean }[] = [];
  const source = new PrometheusSource({
    jobs,
    externalLabels: [],
    baseDir: dir,
    registry,
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++)
          seen.push({ series: formatSeries(block.series[i].labels), stale: block.isStale(i) });
      },
    },
  });
  return { source, seen };
}

/** Waits up to 10 s for `what`, then asserts it. */
async function waitFor(what: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !what(); i++) await Bun.sleep(100);
  expect(what()).toBe(true);
}

test("update() keeps unchanged jobs, replaces changed ones without ending their series, and ends a removed job's", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-reload-"));
  const [a, b] = servers.map((s) => `127.0.0.1:${s.port}`);
  const job = reloadJob;
  const jobs = (text: string) => jobsIn(dir, text);
  const registry = new Registry();
  const { source, seen } = recordingSource(
    dir,
    jobs(job("keep", a) + job("change", b) + job("drop", a)),
    registry,
  );
  const upOf = (name: string, addr: string) => `up{instance="${addr}", job="${name}"}`;
  const staleOf = (series: string) => seen.filter((s) => s.series === series && s.stale).length;
  source.start();
  try {
    await waitFor(() => ["keep", "drop"].every((j) => seen.some((s) => s.series === upOf(j, a))));
    await waitFor(() => seen.some((s) => s.series === upOf("change", b)));
    const loopOfKeep = (source as unknown as { loops: Map<string, unknown> }).loops;
    const kept = [...loopOfKeep.entries()].find(([k]) => k.includes("keep"))?.[1];
    const counts = await source.update(
      jobs(job("keep", a) + job("change", b, "    honor_labels: true\n") + job("new", b)),
    );
    expect(counts).toEqual({ added: 1, changed: 1, removed: 1, failed: [] });
    expect(source.targetCount).toBe(3);
    expect([...loopOfKeep.entries()].find(([k]) => k.includes("keep"))?.[1]).toBe(kept);
    expect(staleOf(upOf("drop", a))).toBe(1);
    expect(staleOf(upOf("change", b))).toBe(0);
    const before = seen.length;
    await waitFor(() => seen.slice(before).some((s) => s.series === upOf("new", b) && !s.stale));
    await waitFor(() => seen.slice(before).some((s) => s.series === upOf("change", b) && !s.stale));
    expect(registry.render()).not.toContain('outpost_agent_targets{job="drop"}');
    expect(
      await source.update(
        jobs(job("keep", a) + job("change", b, "    honor_labels: true\n") + job("new", b)),
      ),
    ).toEqual({ added: 0, changed: 0, removed: 0, failed: [] });
  } finally {
    await source.stop();
  }
});

test("update() of a job's scrape_interval, scrape_timeout or metrics_path goes on with its series: no staleness markers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-reload-"));
  const a = `127.0.0.1:${servers[0].port}`;
  const job = (extra: string) =>
    parseAgentConfig(
      `scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ["${a}"]}]\n${extra}`,
      join(dir, "agent.yaml"),
    ).scrape_configs;
  const { source, seen } = recordingSource(
    dir,
    job("    scrape_interval: 1s\n    scrape_timeout: 500ms\n"),
  );
  const up = `up{instance="${a}", job="j"}`;
  source.start();
  try {
    await waitFor(() => seen.some((s) => s.series === up));
    for (const next of [
      "    scrape_interval: 2s\n    scrape_timeout: 500ms\n",
      "    scrape_interval: 2s\n    scrape_timeout: 1s\n",
      "    scrape_interval: 2s\n    scrape_timeout: 1s\n    metrics_path: /other\n",
    ]) {
      expect(await source.update(job(next))).toEqual({
        added: 0,
        changed: 1,
        removed: 0,
        failed: [],
      });
      expect(source.targetCount).toBe(1);
    }
    expect(seen.filter((s) => s.stale).map((s) => s.series)).toEqual([]);
  } finally {
    await source.stop();
  }
});

test("update() with a job whose TLS file is missing applies the others, keeps the changed job as it ran, and says which", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-reload-"));
  const [a, b] = servers.map((s) => `127.0.0.1:${s.port}`);
  const job = reloadJob;
  const jobs = (text: string) => jobsIn(dir, text);
  const missing = `    tls_config: {ca_file: ${join(dir, "gone.pem")}}\n`;
  const seen: string[] = [];
  const source = new PrometheusSource({
    jobs: jobs(job("kept", a)),
    externalLabels: [],
    baseDir: dir,
    registry: new Registry(),
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++) seen.push(formatSeries(block.series[i].labels));
      },
    },
  });
  source.start();
  try {
    const result = await source.update(
      jobs(job("kept", a, missing) + job("added", b, missing) + job("after", b)),
    );
    expect(result.failed).toHaveLength(2);
    expect(result.failed[0]).toStartWith('scrape_configs: job "kept": ');
    expect(result.failed[0]).toContain("gone.pem");
    expect(result.failed[1]).toStartWith('scrape_configs: job "added": ');
    expect({ added: result.added, changed: result.changed }).toEqual({ added: 1, changed: 0 });
    // `kept` runs on as it was, `after` has started; `added` has not.
    expect(source.targetCount).toBe(2);
    const up = (name: string, addr: string) => `up{instance="${addr}", job="${name}"}`;
    const both = () => seen.includes(up("after", b)) && seen.includes(up("kept", a));
    for (let i = 0; i < 50 && !both(); i++) await Bun.sleep(100);
    expect(seen).toContain(up("after", b));
    expect(seen).toContain(up("kept", a));
    expect(seen).not.toContain(up("added", b));
  } finally {
    await source.stop();
  }
});

test("a file_sd target found while the job's CA file is missing is scraped: the job's TLS files are read once, at its start", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-filesd-tls-"));
  const [a, b] = servers.map((s) => `127.0.0.1:${s.port}`);
  const ca = join(dir, "ca.pem");
  writeFileSync(ca, "unused: the targets are scraped over http\n");
  const sd = join(dir, "targets.json");
  writeFileSync(sd, JSON.stringify([{ targets: [a] }]));
  const text = `scrape_configs:\n  - job_name: sd\n    scrape_interval: 1s\n    scrape_timeout: 500ms\n    tls_config: {ca_file: ca.pem}\n    file_sd_configs:\n      - files: ["*.json"]\n        refresh_interval: 1s\n`;
  const source = new PrometheusSource({
    jobs: parseAgentConfig(text, join(dir, "agent.yaml")).scrape_configs,
    externalLabels: [],
    baseDir: dir,
    registry: new Registry(),
    consumer: { consume() {} },
  });
  source.start();
  try {
    expect(source.targetCount).toBe(1);
    rmSync(ca);
    writeFileSync(sd, JSON.stringify([{ targets: [a, b] }]));
    for (let i = 0; i < 50 && source.targetCount < 2; i++) await Bun.sleep(100);
    expect(source.targetCount).toBe(2);
  } finally {
    await source.stop();
  }
});

test("update() of a changed job ends, at the new loop's first scrape, the series its new settings no longer give", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-reload-"));
  const two = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) =>
      new URL(req.url).pathname === "/broken"
        ? new Response("", { status: 500 })
        : new Response("kept_metric 1\ndropped_metric 2\n"),
  });
  const a = `127.0.0.1:${two.port}`;
  const drop =
    "    metric_relabel_configs:\n      - {source_labels: [__name__], regex: dropped_metric, action: drop}\n";
  const { source, seen } = recordingSource(dir, jobsIn(dir, reloadJob("j", a)));
  const series = (name: string) => `${name}{instance="${a}", job="j"}`;
  const stale = () => seen.filter((s) => s.stale).map((s) => s.series);
  source.start();
  try {
    await waitFor(() => seen.some((s) => s.series === series("dropped_metric")));
    await source.update(jobsIn(dir, reloadJob("j", a, drop)));
    expect(stale()).toEqual([]);
    const before = seen.length;
    await waitFor(() => seen.slice(before).some((s) => s.series === series("up")));
    expect(stale()).toEqual([series("dropped_metric")]);
    // Once: the next scrapes do not mark it again.
    const now = seen.length;
    await waitFor(() => seen.slice(now).some((s) => s.series === series("up")));
    expect(stale()).toEqual([series("dropped_metric")]);
    // A first scrape that fails ends every series taken on, as a failed scrape ends its own.
    await source.update(jobsIn(dir, reloadJob("j", a, `${drop}    metrics_path: /broken\n`)));
    const failed = seen.length;
    await waitFor(() => seen.slice(failed).some((s) => s.series === series("up")));
    expect(stale()).toEqual([series("dropped_metric"), series("kept_metric")]);
  } finally {
    await source.stop();
    two.stop(true);
  }
});
