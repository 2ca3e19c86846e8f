/**
 * `outpost up`'s alerting, run as a user runs it: with the default alertmanager.yml it writes
 * (receiver `local`, delivering to nobody) the rules' alerts are listed by the API v2 and
 * amtool; with `--alertmanager-config` a webhook receives them; a bad file is refused with
 * exit 2 before anything starts. Every run is stopped with SIGINT and leaves nothing running.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { amtool, startSink } from "../harness/alertmanager.ts";
import { portsInUse, processesMentioning } from "../harness/interrupt.ts";
import { writeIn as file, killLeftovers, startUp, stopUp } from "../harness/up_run.ts";

/** A rule that fires at its first evaluation, evaluated every second. */
const ALWAYS = `groups:
  - name: always
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        for: 0s
        labels: {severity: info}
        annotations: {summary: fires always}
`;

afterAll(killLeftovers);

/** `outpost up` on a fresh data dir and free ports, with `args` added. */
const up = (args: string[]) => startUp("outpost-up-alerting-", args);

/** Polls `probe` every 200 ms until it returns something, at most `ms`. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`Cannot see it within ${ms} ms`);
    await Bun.sleep(200);
  }
}

test("outpost up writes a default alertmanager.yml delivering to nobody, and its alerts show in the API and amtool", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "outpost-up-alerting-"));
  const started = await up(["--rules", file(tmp, "always.yml", ALWAYS)]);
  const { run, data, url } = started;
  await run.waitFor({ output: "Outpost is up" });
  const amFile = join(data, "alertmanager.yml");
  expect(run.output()).toContain(`alertmanager   ${amFile} (the default`);
  expect(existsSync(amFile)).toBe(true);

  const status = (await (await fetch(`${url}/api/v2/status`)).json()) as {
    config: { original: string };
  };
  const original = parse(status.config.original);
  expect(original.route).toMatchObject({ receiver: "local", group_by: ["alertname", "instance"] });
  expect(original.receivers).toEqual([{ name: "local" }]);
  const routes = await amtool(url, ["config", "routes"]);
  expect(routes.stdout).toBe("Routing tree:\n.\n└── default-route  receiver: local\n\n");

  const alert = await eventually(async () => {
    const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      receivers: { name: string }[];
    }[];
    return alerts.find((a) => a.labels.alertname === "AlwaysFiring");
  }, 15_000);
  expect(alert.receivers).toEqual([{ name: "local" }]);
  const query = await amtool(url, ["alert", "query", "alertname=AlwaysFiring"]);
  expect(query.code).toBe(0);
  expect(query.stdout).toContain("AlwaysFiring");
  expect(query.stdout).toContain("fires always");

  expect(await stopUp(started)).toEqual({ code: 0, pids: [], ports: [] });
}, 35_000);

test("outpost up --alertmanager-config sends the rules' alerts to the file's webhook", async () => {
  const sink = startSink();
  try {
    const tmp = mkdtempSync(join(tmpdir(), "outpost-up-alerting-"));
    const am = file(
      tmp,
      "am.yml",
      `route: {receiver: hook, group_by: [alertname], group_wait: 1s}
receivers:
  - name: hook
    webhook_configs: [{url: "${sink.url}/hook"}]
`,
    );
    const rules = file(tmp, "always.yml", ALWAYS);
    const started = await up(["--alertmanager-config", am, "--rules", rules]);
    const { run } = started;
    await run.waitFor({ output: "Outpost is up" });
    expect(run.output()).toContain(`alertmanager   ${am}\n`);
    const body = await eventually(async () => {
      return sink.received.find((r) => r.path === "/hook")?.body;
    }, 20_000);
    expect(body).toMatchObject({
      receiver: "hook",
      status: "firing",
      groupLabels: { alertname: "AlwaysFiring" },
      alerts: [{ labels: { alertname: "AlwaysFiring", severity: "info" } }],
    });
    expect(await stopUp(started)).toEqual({ code: 0, pids: [], ports: [] });
  } finally {
    sink.stop();
  }
}, 35_000);

test("outpost up refuses a bad --alertmanager-config with its file:line problems, exits 2 and starts nothing", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "outpost-up-alerting-"));
  const am = file(tmp, "bad.yml", "route:\n  receiver: nobody\nreceivers:\n  - name: local\n");
  const { run, data, ports } = await up(["--alertmanager-config", am]);
  const code = await run.exited(20_000);
  expect(run.output()).toContain(`${am}:2:`);
  expect(run.output()).toContain('undefined receiver "nobody" used in route');
  expect(run.output()).not.toContain("Outpost is up");
  expect({ code, pids: processesMentioning(data), ports: await portsInUse(ports) }).toEqual({
    code: 2,
    pids: [],
    ports: [],
  });
  expect(existsSync(data)).toBe(false);
}, 30_000);
