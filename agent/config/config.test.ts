import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, formatProblem } from "../../shared/config/errors.ts";
import { DEFAULT_CONTAINER_CGROUPS } from "../sources/integrations/containers/cgroupfs.ts";
import { agentIdFromHost, loadAgentConfig, parseAgentConfig } from "./load.ts";

const TESTDATA = join(import.meta.dir, "testdata");
const files = readdirSync(TESTDATA).sort();
const goodFiles = files.filter((f) => f.endsWith(".good.yaml"));
const badFiles = files.filter((f) => f.endsWith(".bad.yaml"));
const env = { hostname: "test-host.example.com" };

/** Reads `# expect: <line>: <fragment>` from the first line of a bad fixture. */
async function expectation(file: string): Promise<{ line: number; fragment: string }> {
  const first = (await Bun.file(join(TESTDATA, file)).text()).split("\n", 1)[0];
  const match = /^# expect: (\d+): (.+)$/.exec(first);
  if (match === null) throw new Error(`${file} lacks a "# expect: <line>: <message>" first line`);
  return { line: Number(match[1]), fragment: match[2] };
}

describe("agent config fixtures", () => {
  test("there are good and bad fixtures to run", () => {
    expect(goodFiles.length).toBeGreaterThanOrEqual(4);
    expect(badFiles.length).toBeGreaterThanOrEqual(20);
  });

  test.each(goodFiles)("%s loads", async (file) => {
    const config = await loadAgentConfig(join(TESTDATA, file), env);
    expect(config.agent.tenant).not.toBe("");
  });

  test.each(badFiles)("%s is refused with the expected message and line", async (file) => {
    const { line, fragment } = await expectation(file);
    const path = join(TESTDATA, file);
    const error = await loadAgentConfig(path, env).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map(formatProblem)).toEqual([expect.stringContaining(fragment)]);
    expect(problems[0].line).toBe(line);
    expect(problems[0].file).toBe(path);
    expect((error as ConfigError).message).toStartWith(`${path}:${line}:`);
  });
});

describe("loadAgentConfig() on a pasted prometheus.yml", () => {
  const load = () => loadAgentConfig(join(TESTDATA, "prometheus.good.yaml"), env);

  test("applies global defaults to jobs that do not set their own", async () => {
    const config = await load();
    const byName = new Map(config.scrape_configs.map((job) => [job.job_name, job]));
    expect(config.global).toMatchObject({ scrape_interval: 15_000, scrape_timeout: 10_000 });
    expect(byName.get("prometheus")).toMatchObject({
      scrape_interval: 15_000,
      scrape_timeout: 10_000,
      metrics_path: "/metrics",
      scheme: "http",
      honor_labels: false,
      honor_timestamps: true,
      sample_limit: 0,
      body_size_limit: 16 * 1024 * 1024,
    });
    expect(byName.get("node")).toMatchObject({ scrape_interval: 30_000, scrape_timeout: 10_000 });
    // A job interval shorter than the global timeout caps the inherited timeout, as in Prometheus.
    expect(byName.get("kubelet")).toMatchObject({ scrape_interval: 5_000, scrape_timeout: 5_000 });
  });

  test("converts sizes, limits and explicit settings", async () => {
    const job = (await load()).scrape_configs.find((j) => j.job_name === "secure-app")!;
    expect(job).toMatchObject({
      scheme: "https",
      metrics_path: "/internal/metrics",
      scrape_interval: 60_000,
      scrape_timeout: 20_000,
      honor_labels: true,
      honor_timestamps: false,
      sample_limit: 50_000,
      label_limit: 64,
      label_name_length_limit: 128,
      label_value_length_limit: 2048,
      body_size_limit: 10 * 1024 * 1024,
    });
    expect(job.tls_config).toEqual({
      ca_file: "/etc/ssl/certs/internal-ca.pem",
      cert_file: join(TESTDATA, "certs/client.crt"),
      key_file: join(TESTDATA, "certs/client.key"),
      server_name: "app.internal",
      insecure_skip_verify: false,
      min_version: "TLS12",
    });
    expect(job.basic_auth).toEqual({
      username: "prometheus",
      password_file: join(TESTDATA, "secrets/app-password"),
    });
  });

  test("folds a legacy bearer_token_file into authorization", async () => {
    const job = (await load()).scrape_configs.find((j) => j.job_name === "kubelet")!;
    expect(job.authorization).toEqual({
      type: "Bearer",
      credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token",
    });
    expect("bearer_token_file" in job).toBe(false);
  });

  test("resolves file_sd globs against the config file's directory and keeps label values as text", async () => {
    const job = (await load()).scrape_configs.find((j) => j.job_name === "node")!;
    expect(job.file_sd_configs).toEqual([
      {
        files: [join(TESTDATA, "targets/node/*.json"), "/etc/prometheus/targets/node.yml"],
        refresh_interval: 60_000,
      },
    ]);
    expect(job.static_configs[0].labels).toEqual({ rack: "r1", rack_unit: "42" });
    expect(job.relabel_configs).toHaveLength(5);
    expect(job.metric_relabel_configs).toHaveLength(3);
  });

  test("keeps params and blackbox-style targets that relabeling rewrites", async () => {
    const job = (await load()).scrape_configs.find((j) => j.job_name === "blackbox-http")!;
    expect(job.params).toEqual({ module: ["http_2xx"] });
    expect(job.static_configs[0].targets).toEqual([
      "https://example.com",
      "http://intranet.local:8080/health",
    ]);
  });
});

describe("loadAgentConfig() on a Prometheus server's whole prometheus.yml", () => {
  test("scrapes its jobs and names the sections it does not use", async () => {
    const config = await loadAgentConfig(join(TESTDATA, "prometheus-server.good.yaml"), env);
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(["prometheus", "node"]);
    expect(config.global.external_labels).toEqual({ monitor: "example" });
    expect(config.unused_sections).toEqual(["alerting", "rule_files", "remote_write"]);
  });

  test("an empty rule_files asks for nothing and is not named", () => {
    const config = parseAgentConfig("rule_files:\nscrape_configs: []\n", "p.yml", env);
    expect(config.unused_sections).toBeUndefined();
  });
});

describe("parseAgentConfig() defaults", () => {
  test("fills every Outpost section from an empty file", () => {
    const { host, ...config } = parseAgentConfig("", "/etc/outpost/agent.yaml", env);
    expect(host).toMatchObject({
      enabled: false,
      job_name: "node",
      instance: "test-host.example.com",
    });
    expect(config).toEqual({
      global: {
        scrape_interval: 60_000,
        scrape_timeout: 10_000,
        external_labels: {},
        target_limit: 0,
        sample_limit: 0,
        label_limit: 64,
        label_name_length_limit: 256,
        label_value_length_limit: 16 * 1024,
        body_size_limit: 16 * 1024 * 1024,
      },
      scrape_configs: [],
      agent: {
        id: "test-host",
        tenant: "default",
        http_listen: "127.0.0.1:9909",
        memory_limit: 512 * 1024 ** 2,
      },
      nats: {
        url: ["nats://127.0.0.1:4222"],
        stream: "OUTPOST_INGEST",
        subject_prefix: "outpost.ingest",
        stream_max_age: 24 * 3_600_000,
        stream_max_bytes: 4 * 1024 ** 3,
        duplicate_window: 600_000,
        publish_timeout: 5_000,
        max_in_flight: 16,
      },
      batch: {
        max_samples: 100_000,
        max_wait: 10_000,
        compression: "lz4",
        log_compression: "zstd",
      },
      spool: { dir: "/etc/outpost/data/agent-spool", max_bytes: 512 * 1024 ** 2 },
      integrations: {
        autodetect: false,
        detect_interval: 60_000,
        interval: 15_000,
        timeout: 10_000,
        procfs: "/proc",
        defaults: {
          postgres: { user: "postgres", database: "postgres" },
          redis: {},
          mysql: { user: "root" },
          rabbitmq: { user: "guest" },
        },
        postgres: [],
        redis: [],
        mysql: [],
        nginx: [],
        haproxy: [],
        apache: [],
        containers: {
          collect: "auto",
          cgroupfs: "/sys/fs/cgroup",
          sysfs: "/sys",
          cgroups: DEFAULT_CONTAINER_CGROUPS,
          max_containers: 500,
          sockets: ["/var/run/docker.sock", "/run/podman/podman.sock"],
        },
        memcached: [],
        rabbitmq: [],
        nats: [],
        logs: true,
      },
      probes: { modules: {}, jobs: [] },
      journal: {
        enabled: false,
        journalctl: "journalctl",
        start_at: "end",
        labels: { job: "systemd-journal" },
        max_line_bytes: 65536,
        rest_after: 30_000,
        directory: undefined,
      },
      syslog: { enabled: false, include: ["/var/log/syslog", "/var/log/messages"] },
      logs: [],
      aggregate: [],
    });
  });

  test("reads the Outpost sections as written", async () => {
    const config = await loadAgentConfig(join(TESTDATA, "outpost.good.yaml"), env);
    expect(config.agent).toEqual({
      id: "edge-07",
      tenant: "acme",
      http_listen: "[::1]:9910",
      memory_limit: 512 * 1024 ** 2,
    });
    expect(config.nats).toMatchObject({
      url: ["nats://nats-1.internal:4222", "tls://nats-2.internal:4222"],
      creds_file: join(TESTDATA, "secrets/agent.creds"),
      tls: { ca_file: "/etc/outpost/nats-ca.pem" },
      stream_max_age: 3 * 86_400_000,
      stream_max_bytes: 20 * 1024 ** 3,
      duplicate_window: 1_200_000,
      publish_timeout: 2_500,
      max_in_flight: 4,
    });
    expect(config.batch).toEqual({
      max_samples: 20_000,
      max_wait: 2_000,
      compression: "lz4",
      log_compression: "zstd",
    });
    expect(config.spool).toEqual({ dir: "/var/lib/outpost/spool", max_bytes: 1024 ** 3 });
  });

  test("caps the default global timeout at a shorter global interval", async () => {
    const config = await loadAgentConfig(join(TESTDATA, "authorization.good.yaml"), env);
    expect(config.global).toMatchObject({ scrape_interval: 5_000, scrape_timeout: 5_000 });
    expect(config.scrape_configs[0].authorization).toEqual({
      type: "Token",
      credentials_file: join(TESTDATA, "api.token"),
    });
  });

  test("treats a zero interval as unset, as Prometheus does", () => {
    const config = parseAgentConfig(
      "global: {scrape_interval: 0}\nscrape_configs: [{job_name: a, scrape_interval: 0}]\n",
      "a.yaml",
      env,
    );
    expect(config.scrape_configs[0]).toMatchObject({
      scrape_interval: 60_000,
      scrape_timeout: 10_000,
    });
  });

  test("lets a job's limit override the global one and a job's 0 inherit it", () => {
    const text =
      "global: {sample_limit: 100, target_limit: 3}\nscrape_configs: [{job_name: a, target_limit: 0}, {job_name: b, sample_limit: 5, target_limit: 7}]\n";
    const [a, b] = parseAgentConfig(text, "a.yaml", env).scrape_configs;
    expect([a.sample_limit, b.sample_limit]).toEqual([100, 5]);
    expect([a.target_limit, b.target_limit]).toEqual([3, 7]);
  });
});

describe("parseAgentConfig() reads prometheus.yml's sections as Prometheus's yaml.v2 does", () => {
  const job = (yaml: string) =>
    parseAgentConfig(
      `scrape_configs:\n  - job_name: a\n    ${yaml}\n    static_configs: [{targets: ["x:1"]}]\n`,
      "p.yml",
      env,
    ).scrape_configs[0];

  // Each accepted or refused as promtool 2.42 accepts or refuses it.
  test.each([
    ["honor_labels: yes", true],
    ["honor_labels: On", true],
    ["honor_labels: Y", true],
    ["honor_labels: n", false],
    ["honor_labels: OFF", false],
  ])("%s is a bool", (yaml, want) => {
    expect(job(yaml).honor_labels).toBe(want);
  });

  test.each([
    'honor_labels: "yes"',
    "honor_labels: 'true'",
    "honor_labels: yEs",
    "honor_labels: 1",
    "sample_limit: '5'",
    "body_size_limit: 1000",
  ])("%s is refused", (yaml) => {
    expect(() => job(yaml)).toThrow(ConfigError);
  });

  test("ints as Go reads them: 010 is octal, 1_000 and 0x10 are numbers", () => {
    expect(job("sample_limit: 010\n    label_limit: 1_000\n    target_limit: 0x10")).toMatchObject({
      sample_limit: 8,
      label_limit: 1000,
      target_limit: 16,
    });
  });

  test("a string field written as a number or a bool word is its source text", () => {
    const config = parseAgentConfig(
      "global: {external_labels: {a: 010, b: no}}\nscrape_configs:\n  - job_name: 010\n    static_configs: [{targets: [x:1], labels: {l: 1.50, m: yes}}]\n  - job_name: true\n",
      "p.yml",
      env,
    );
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(["010", "true"]);
    expect(config.scrape_configs[0].static_configs[0].labels).toEqual({ l: "1.50", m: "yes" });
    expect(config.global.external_labels).toEqual({ a: "010", b: "no" });
  });
});

describe("agentIdFromHost()", () => {
  test.each([
    ["web-1", "web-1"],
    ["web-1.example.com", "web-1"],
    ["My Host", "My_Host"],
    ["", "agent"],
  ])("derives an id from %p", (host, id) => {
    expect(agentIdFromHost(host)).toBe(id);
  });
});
