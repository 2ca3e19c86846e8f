import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const testdata = join(root, "agent/config/testdata");
const outpost = (...args: string[]) =>
  Bun.spawnSync(["bun", join(root, "cli/outpost.ts"), ...args], { cwd: root });

/** Runs `fn` in a new temporary directory, removed afterwards whatever happens. */
function inTempDir(prefix: string, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("outpost check accepts a good config and exits 0", () => {
  const r = outpost("check", join(testdata, "prometheus.good.yaml"));
  expect(r.exitCode).toBe(0);
  expect(r.stdout.toString()).toContain("prometheus.good.yaml: ok");
});

test("outpost check names file, line and reason of a bad config and exits 1", () => {
  const r = outpost("check", join(testdata, "unknown-field.bad.yaml"));
  expect(r.exitCode).toBe(1);
  expect(r.stderr.toString()).toContain(
    'unknown-field.bad.yaml:7:5: scrape_configs[0].scrap_interval: unknown field "scrap_interval"',
  );
});

test("outpost check takes a file written for outpost notifier alone as an aggregator config", () => {
  inTempDir("outpost-check-notifier-", (dir) => {
    const file = join(dir, "notifier.yaml");
    writeFileSync(file, 'alerting: {dispatch: false}\nnotifier: {http_listen: "127.0.0.1:9093"}\n');
    const good = outpost("check", file);
    expect(good.stdout.toString()).toContain("notifier.yaml: ok (aggregator config");
    expect(good.exitCode).toBe(0);
    writeFileSync(file, "notifier: {http_listen: nowhere}\n");
    const bad = outpost("check", file);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.toString()).toContain(
      "notifier.yaml:1:25: notifier.http_listen: expected host:port",
    );
  });
});

test("outpost check generates the SLOs of slo_probes, every tenant's, as the rules would", () => {
  inTempDir("outpost-check-probes-", (dir) => {
    const file = join(dir, "aggregator.yaml");
    const config = (name: string) =>
      `slo_probes:\n  - {probe: "https://a", objective: 99.9}\ntenants:\n  acme:\n    slo_probes:\n      - {probe: "https://b.example", objective: 99, name: ${JSON.stringify(name)}}\n`;
    // A one-character host once derived a name Sloth refuses ("a"): checked, and started, fine.
    writeFileSync(file, config("b-site"));
    const good = outpost("check", file);
    expect(good.stderr.toString()).toBe("");
    expect(good.exitCode).toBe(0);
    writeFileSync(file, config("-b"));
    const bad = outpost("check", file);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.toString()).toContain(
      'aggregator.yaml:6:59: tenants.acme.slo_probes[0].name: must start and end with a letter or digit and hold only letters, digits, "-", "_" and "."',
    );
    // Two probe SLOs of one name are only known once their names are derived.
    writeFileSync(
      file,
      'slo_probes: [{probe: "https://a.example", objective: 99}, {probe: "http://a.example", objective: 99}]\n',
    );
    const twice = outpost("check", file);
    expect(twice.exitCode).toBe(1);
    expect(twice.stderr.toString()).toContain(
      `aggregator.yaml: slo_probes[1]: Cannot generate probe SLO: its name "a.example" is slo_probes[0]'s too`,
    );
  });
});

test("outpost check goes on to the rule files, SLO specs and alertmanager.yml a config names", () => {
  inTempDir("outpost-check-named-", (dir) => {
    mkdirSync(join(dir, "rules"));
    mkdirSync(join(dir, "acme"));
    const rule = (expr: string) =>
      `groups:\n  - name: g\n    rules:\n      - record: r:up\n        expr: ${expr}\n`;
    writeFileSync(join(dir, "rules", "a.yml"), rule("sum(up)"));
    writeFileSync(join(dir, "acme", "b.yml"), rule("sum(up)"));
    writeFileSync(
      join(dir, "slo.yml"),
      [
        "version: prometheus/v1",
        "service: svc",
        "slos:",
        "  - name: avail",
        "    objective: 99",
        "    sli:",
        "      raw:",
        '        error_ratio_query: "sum(rate(e[{{.window}}]))"',
        "    alerting:",
        "      page_alert: {disable: true}",
        "      ticket_alert: {disable: true}",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "am.yml"), "route: {receiver: none}\nreceivers: [{name: none}]\n");
    const file = join(dir, "aggregator.yaml");
    writeFileSync(
      file,
      "rule_files: [rules/*.yml]\nslo_files: [slo.yml]\nalerting: {config_file: am.yml}\ntenants:\n  acme: {rule_files: [acme/*.yml]}\n",
    );
    const good = outpost("check", file);
    expect(good.stderr.toString()).toBe("");
    const out = good.stdout.toString();
    expect(out).toContain(
      "aggregator.yaml: ok (aggregator config, dir storage; 2 rule files, 1 SLO files found)",
    );
    for (const name of ["rules/a.yml", "acme/b.yml", "slo.yml"])
      expect(out).toContain(`Checking ${join(dir, name)}`);
    expect(out).toContain(`Checking '${join(dir, "am.yml")}'  SUCCESS`);
    expect(good.exitCode).toBe(0);

    writeFileSync(join(dir, "acme", "b.yml"), rule("sum(up"));
    writeFileSync(join(dir, "am.yml"), "route: {receiver: nobody}\nreceivers: [{name: none}]\n");
    const bad = outpost("check", file);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.toString()).toContain(`${join(dir, "acme", "b.yml")}:5:15:`);
    // amtool check-config writes its verdict on stdout.
    expect(bad.stdout.toString()).toContain(`Checking '${join(dir, "am.yml")}'  FAILED:`);
  });
});

test("a rule file named that does not exist is refused by check and by up, before anything starts", () => {
  inTempDir("outpost-check-missing-", (dir) => {
    const file = join(dir, "aggregator.yaml");
    writeFileSync(file, "rule_files: [nothere/*.yml, missing.yml]\n");
    const checked = outpost("check", file);
    expect(checked.exitCode).toBe(1);
    // As promtool check config: a glob matching nothing is fine, a file name is not.
    expect(checked.stderr.toString()).toBe(
      `${file}: rule_files: "missing.yml" does not point to an existing file\n`,
    );
    const up = outpost("up", "--data-dir", join(dir, "data"), "--rules", join(dir, "missing.yml"));
    expect(up.exitCode).toBe(2);
    expect(up.stderr.toString()).toContain(`${join(dir, "missing.yml")}: --rules: no such file`);
    expect(existsSync(join(dir, "data"))).toBe(false);
  });
});

test("a Prometheus server's prometheus.yml is checked as the agent reads it, as promtool accepts it", () => {
  const file = join(testdata, "prometheus-server.good.yaml");
  const ours = outpost("check", file);
  expect(ours.stdout.toString()).toContain(
    "prometheus-server.good.yaml: ok (2 scrape jobs; not used by the agent: alerting, rule_files, remote_write)",
  );
  expect(ours.exitCode).toBe(0);
  const theirs = Bun.spawnSync(["promtool", "check", "config", "--syntax-only", file]);
  expect(theirs.stderr.toString()).toBe("");
  expect(theirs.exitCode).toBe(0);
});

test("a file of the wrong kind, or none, is named as what it is in one line", () => {
  inTempDir("outpost-wrong-kind-", (dir) => {
    const rules = join(dir, "rules.yml");
    writeFileSync(rules, "groups:\n  - name: g\n    rules: []\n");
    const am = join(dir, "alertmanager.yml");
    writeFileSync(am, "route: {receiver: r}\nreceivers: [{name: r}]\n");
    const slo = outpost("slo", "generate", rules);
    expect(slo.exitCode).toBe(1);
    expect(slo.stderr.toString()).toBe(
      `${rules}: not a Sloth prometheus/v1 spec (it looks like a Prometheus rule file)\n`,
    );
    const notifier = outpost("notifier", "--config", am);
    expect(notifier.exitCode).toBe(2);
    expect(notifier.stderr.toString()).toContain(
      `${am}: this looks like an alertmanager.yml; outpost notifier reads an Outpost aggregator config, whose alerting.config_file names it`,
    );
    const missing = join(dir, "nope.om");
    const imported = outpost("import", "--data-dir", join(dir, "data"), missing);
    expect(imported.exitCode).toBe(1);
    expect(imported.stderr.toString()).toBe(`Cannot import ${missing}: no such file\n`);
  });
});

test("outpost agent list tells a data dir with no agents from one that is not there", () => {
  inTempDir("outpost-agent-list-", (dir) => {
    const missing = outpost("agent", "list", "--data-dir", join(dir, "typo"));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.toString()).toBe(
      `Cannot list agents: no data dir ${join(dir, "typo")} (--data-dir, default .data)\n`,
    );
    const empty = outpost("agent", "list", "--data-dir", dir);
    expect(empty.exitCode).toBe(0);
    expect(empty.stderr.toString()).toBe(`No agent is enrolled in ${dir}.\n`);
  });
});

test("outpost agent refuses a bad config before starting anything", () => {
  const r = outpost("agent", "--config", join(testdata, "timeout-over-interval.bad.yaml"));
  expect(r.exitCode).toBe(2);
  expect(r.stderr.toString()).toContain(
    "timeout-over-interval.bad.yaml:7:21: scrape_configs[0].scrape_timeout",
  );
});

test("an unknown command is refused with the usage", () => {
  const r = outpost("frobnicate");
  expect(r.exitCode).toBe(2);
  expect(r.stderr.toString()).toContain('Cannot run "frobnicate": unknown command');
});

test("a command's unknown flag is refused in one line with the command's usage", () => {
  const r = outpost("up", "--bogus");
  expect(r.exitCode).toBe(2);
  expect(r.stderr.toString()).toBe(
    "Cannot run \"up\": Unknown option '--bogus'\nusage: outpost up [--data-dir .data] [--http-port 9090] [--nats-port 4222] [--agent-port 9909] [--rules GLOB]... [--no-default-rules] [--alertmanager-config FILE] [--config.file prometheus.yml] [--auth]\n",
  );
});

test("a command's --help prints its usage and exits 0", () => {
  const r = outpost("up", "--help");
  expect(r.exitCode).toBe(0);
  expect(r.stdout.toString()).toStartWith("outpost up: start everything on this machine");
  // Every flag, not only the overview's.
  expect(r.stdout.toString()).toContain("[--agent-port 9909]");
  const none = outpost();
  expect(none.exitCode).toBe(2);
  expect(none.stdout.toString()).toBe("");
  expect(none.stderr.toString()).toStartWith("usage: outpost <command>");
});
