/**
 * `outpost up`'s alerting, run as a user runs it: with the default alertmanager.yml it writes
 * (receiver `local`, delivering to nobody) the rules' alerts are listed by the API v2 and
 * amtool; with `--alertmanager-config` a webhook receives them; a bad file is refused with
 * exit 2 before anything starts. Every run is stopped with SIGINT and leaves nothing running.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { amtool, startSink } from "../harness/alertmanager.ts";
import {
  type Interruptible,
  portsInUse,
  processesMentioning,
  startOutpost,
} from "../harness/interrupt.ts";
import { freePort } from "../harness/ports.ts";

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

/** The data dirs of every run, so that a failed test leaves nothing running either. */
const dataDirs: string[] = [];

afterAll(() => {
  for (const pid of dataDirs.flatMap((d) => processesMentioning(d))) process.kill(pid, "SIGKILL");
});

/** `outpost up` on a fresh data dir and free ports, with `args` added. */
async function up(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "outpost-up-alerting-"));
  const data = join(dir, "data");
  dataDirs.push(data);
  const ports = [await freePort(), await freePort(), await freePort()];
  const [nats, http, agent] = ports.map(String);
  const flags = [
    "--data-dir",
    data,
    "--nats-port",
    nats,
    "--http-port",
    http,
    "--agent-port",
    agent,
  ];
  const run = startOutpost(["up", ...flags, ...args]);
  return { run, dir, data, ports, url: `http://127.0.0.1:${http}` };
}

/** Writes `text` into `dir` as `name`; returns the path. */
function file(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

/** Stops `up` as Ctrl-C does; its exit code and what it left running (killed). */
async function stop(run: Interruptible, data: string, ports: number[]) {
  run.signal("SIGINT", "group");
  const code = await run.exited(20_000);
  const pids = processesMentioning(data);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  return { code, pids, ports: await portsInUse(ports) };
}

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
  const { run, data, ports, url } = await up(["--rules", file(tmp, "always.yml", ALWAYS)]);
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

  expect(await stop(run, data, ports)).toEqual({ code: 0, pids: [], ports: [] });
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
    const { run, data, ports } = await up(["--alertmanager-config", am, "--rules", rules]);
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
    expect(await stop(run, data, ports)).toEqual({ code: 0, pids: [], ports: [] });
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
