import { describe, expect, test } from "bun:test";
import { Registry } from "../shared/metrics/registry.ts";
import { parseAgentConfig } from "./config/load.ts";
import type { ScrapeConfig } from "./config/schema.ts";
import { ConfigReloader, restartSections } from "./reload.ts";

const PATH = "/etc/outpost/agent.yaml";
const parse = (text: string) => parseAgentConfig(text, PATH, { hostname: "h1" });
const BASE = `scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["127.0.0.1:1"]}]\n`;

describe("restartSections()", () => {
  test.each([
    ["nothing changed", BASE, []],
    [
      "a job added",
      `${BASE}  - job_name: b\n    static_configs: [{targets: ["127.0.0.1:2"]}]\n`,
      [],
    ],
    ["the scrape defaults in global", `global: {scrape_interval: 30s}\n${BASE}`, []],
    [
      "the external labels",
      `global: {external_labels: {dc: x}}\n${BASE}`,
      ["global.external_labels"],
    ],
    [
      "host metrics and the batch",
      `host: {enabled: true}\nbatch: {max_wait: 2s}\n${BASE}`,
      ["batch", "host"],
    ],
    [
      "probes as applied",
      `probes:\n  modules: {m: {prober: tcp}}\n  jobs: [{job_name: p, module: m, targets: ["127.0.0.1:1"]}]\n${BASE}`,
      [],
    ],
  ])("reports %s", (_what, next, expected) => {
    expect(restartSections(parse(BASE), parse(next))).toEqual(expected);
  });
});

describe("ConfigReloader", () => {
  function reloader(texts: string[]) {
    const applied: ScrapeConfig[][] = [];
    const registry = new Registry();
    const r = new ConfigReloader(
      parse(BASE),
      async () => parse(texts.shift() ?? BASE),
      {
        updateScrapeConfigs: async (jobs) => {
          applied.push([...jobs]);
          return { added: 0, changed: 0, removed: 0, failed: [] };
        },
        updateProbes: async () => ({ kept: 0, started: 0, stopped: 0 }),
      },
      registry,
    );
    const gauge = () =>
      registry.render().match(/^outpost_agent_config_last_reload_successful (\d)$/m)?.[1];
    return { r, applied, gauge };
  }

  test("refuses a bad file with its line, applies nothing and says so in its gauge", async () => {
    const { r, applied, gauge } = reloader([
      "scrape_configs:\n  - job_name: a\n    scrape_interval: soon\n",
    ]);
    expect(gauge()).toBe("1");
    const result = await r.reload("test");
    expect(result.problems[0]).toStartWith(`${PATH}:3:`);
    expect(result.problems[0]).toContain("scrape_interval");
    expect(applied).toEqual([]);
    expect(gauge()).toBe("0");
    await r.reload("test");
    expect(applied.map((jobs) => jobs.map((j) => j.job_name))).toEqual([["a"]]);
    expect(gauge()).toBe("1");
  });

  test("applies the jobs and names the sections that wait for a restart", async () => {
    const next = `spool: {max_bytes: 1MiB}\n${BASE}  - job_name: b\n    static_configs: [{targets: ["127.0.0.1:2"]}]\n`;
    const { r, applied } = reloader([next]);
    expect(await r.reload("test")).toEqual({ problems: [], needRestart: ["spool"] });
    expect(applied.map((jobs) => jobs.map((j) => j.job_name))).toEqual([["a", "b"]]);
  });
});

test("ConfigReloader reports jobs that could not be started, and a failed apply, in its gauge", async () => {
  const registry = new Registry();
  const outcomes: (() => Promise<{
    added: number;
    changed: number;
    removed: number;
    failed: string[];
  }>)[] = [
    async () => ({ added: 0, changed: 0, removed: 0, failed: ['scrape_configs: job "a": ENOENT'] }),
    async () => {
      throw new Error("ENOENT: no such file");
    },
    async () => ({ added: 0, changed: 0, removed: 0, failed: [] }),
  ];
  const r = new ConfigReloader(
    parse(BASE),
    async () => parse(BASE),
    {
      updateScrapeConfigs: () => outcomes.shift()!(),
      updateProbes: async () => ({ kept: 0, started: 0, stopped: 0 }),
    },
    registry,
  );
  const gauge = () =>
    registry.render().match(/^outpost_agent_config_last_reload_successful (\d)$/m)?.[1];
  expect((await r.reload("test")).problems).toEqual(['scrape_configs: job "a": ENOENT']);
  expect(gauge()).toBe("0");
  expect((await r.reload("test")).problems).toEqual([
    "Cannot apply the config: ENOENT: no such file",
  ]);
  expect(gauge()).toBe("0");
  expect((await r.reload("test")).problems).toEqual([]);
  expect(gauge()).toBe("1");
});
