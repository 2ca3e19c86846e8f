/**
 * `outpost up` stopped at every moment of its start: run as a terminal runs it (its own process
 * group), interrupted at times and at cues of its start, it exits with 128 + the signal and
 * leaves no process (no nats-server of its data dir) and no port behind.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Cue,
  portsInUse,
  processesMentioning,
  startOutpost,
  stopCodes,
} from "../harness/interrupt.ts";
import { freePort } from "../harness/ports.ts";

interface Case {
  when: string;
  cue: (dataDir: string) => Cue;
  sig: "SIGINT" | "SIGTERM";
  to: "group" | "process";
  /** Send the signal twice, as an impatient user does. */
  twice?: boolean;
}

const cases: Case[] = [
  { when: "0.1 s after start", cue: () => ({ afterMs: 100 }), sig: "SIGINT", to: "group" },
  { when: "0.5 s after start", cue: () => ({ afterMs: 500 }), sig: "SIGINT", to: "group" },
  { when: "1.5 s after start", cue: () => ({ afterMs: 1500 }), sig: "SIGINT", to: "group" },
  {
    when: "nats-server has been spawned",
    cue: (dir) => ({ file: join(dir, "nats-server.pid") }),
    sig: "SIGINT",
    to: "group",
  },
  {
    when: "the aggregator is starting",
    cue: () => ({ output: "Catalog loaded" }),
    sig: "SIGINT",
    to: "group",
  },
  {
    // A stop while the ingest consumer's first pull was on its way waited for a batch forever.
    when: "the ingest consumer has just been made",
    cue: () => ({ output: "Created the durable consumer" }),
    sig: "SIGINT",
    to: "group",
  },
  { when: "Outpost is up", cue: () => ({ output: "Outpost is up" }), sig: "SIGINT", to: "group" },
  { when: "0.3 s after start", cue: () => ({ afterMs: 300 }), sig: "SIGTERM", to: "process" },
  {
    when: "the aggregator is starting",
    cue: () => ({ output: "Catalog loaded" }),
    sig: "SIGTERM",
    to: "process",
  },
  {
    when: "Outpost is up",
    cue: () => ({ output: "Outpost is up" }),
    sig: "SIGTERM",
    to: "process",
  },
  {
    when: "Outpost is up",
    cue: () => ({ output: "Outpost is up" }),
    sig: "SIGINT",
    to: "group",
    twice: true,
  },
];

/**
 * Starts `outpost up` on a fresh data dir and free ports. `occupy`, when given, takes the HTTP
 * port first and returns how to free it once `up` has exited.
 */
async function up(
  occupy?: (httpPort: number) => Promise<() => void>,
  dataDir = mkdtempSync(join(tmpdir(), "outpost-up-stop-")),
  natsPort?: number,
) {
  const ports = [natsPort ?? (await freePort()), await freePort(), await freePort()];
  const free = await occupy?.(ports[1]);
  const [nats, http, agent] = ports.map(String);
  const args = ["--data-dir", dataDir, "--nats-port", nats, "--http-port", http];
  const run = startOutpost(["up", ...args, "--agent-port", agent]);
  if (free) void run.proc.exited.then(free);
  return { run, dataDir, ports };
}

/**
 * What the run left: live processes naming its data dir, ports still taken. Kills them. A
 * child the signal reached itself may still be exiting when a forced stop has ended `up`: the
 * kernel drops a process's command line before its sockets, so it is waited for (up to 2 s)
 * rather than seen as a port with no process.
 */
async function leftovers(dataDir: string, ports: number[]) {
  for (let i = 0; i < 40; i++) {
    if (processesMentioning(dataDir).length === 0 && (await portsInUse(ports)).length === 0) break;
    await Bun.sleep(50);
  }
  const pids = processesMentioning(dataDir);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  return { pids, ports: await portsInUse(ports) };
}

for (const c of cases) {
  const how = `${c.sig}${c.twice ? " twice" : ""} to ${c.to === "group" ? "its group" : "it alone"}`;
  test(`outpost up stopped by ${how} when ${c.when} exits and leaves nothing running`, async () => {
    const { run, dataDir, ports } = await up();
    await run.waitFor(c.cue(dataDir));
    run.signal(c.sig, c.to);
    if (c.twice) {
      await Bun.sleep(20);
      run.signal(c.sig, c.to);
    }
    const code = await run.exited(20_000);
    // A second signal forces the exit: 128 + the signal; one signal is a clean stop.
    const codes = c.twice ? [c.sig === "SIGINT" ? 130 : 143] : stopCodes(c.cue(dataDir), c.sig);
    // 137: it did not exit within 20 s and was killed; what it wrote says where it stuck.
    if (!codes.includes(code)) console.error(`outpost up exited ${code}:\n${run.output()}`);
    expect(codes).toContain(code);
    expect(await leftovers(dataDir, ports)).toEqual({ pids: [], ports: [] });
  }, 30_000);
}

test("outpost up killed with SIGKILL takes its nats-server along (setpriv --pdeathsig)", async () => {
  const { run, dataDir, ports } = await up();
  await run.waitFor({ output: "Outpost is up" });
  run.proc.kill("SIGKILL");
  await run.exited(5_000);
  // nats-server gets SIGTERM from the kernel and shuts down on its own.
  for (let i = 0; i < 100 && processesMentioning(dataDir).length > 0; i++) await Bun.sleep(50);
  expect(await leftovers(dataDir, ports)).toEqual({ pids: [], ports: [] });
}, 30_000);

test("outpost up whose start fails (its HTTP port is taken) stops nats-server and exits 1", async () => {
  const { run, dataDir, ports } = await up(async (http) => {
    const taken = Bun.serve({ hostname: "127.0.0.1", port: http, fetch: () => new Response() });
    return () => taken.stop(true);
  });
  const code = await run.exited(20_000);
  expect(run.output()).toContain("Is port");
  expect({ code, left: await leftovers(dataDir, ports.slice(0, 1)) }).toEqual({
    code: 1,
    left: { pids: [], ports: [] },
  });
}, 30_000);

test("outpost up stops the nats-server an earlier up left on its data dir, then starts", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "outpost-up-stop-"));
  const pidFile = join(dataDir, "nats-server.pid");
  const store = ["-js", "-sd", join(dataDir, "nats"), "-P", pidFile];
  const port = String(await freePort());
  const old = Bun.spawn(["nats-server", "-a", "127.0.0.1", "-p", port, ...store], {
    detached: true,
    stderr: "ignore",
  });
  while (!existsSync(pidFile)) await Bun.sleep(20);
  const { run, ports } = await up(undefined, dataDir, Number(port));
  await run.waitFor({ output: "Outpost is up" });
  expect(run.output()).toContain(`stopped nats-server ${old.pid}, left running by an earlier up`);
  expect(run.output()).toContain(`nats://127.0.0.1:${port} `);
  run.signal("SIGINT", "group");
  expect(await run.exited(20_000)).toBe(0);
  expect(await leftovers(dataDir, ports)).toEqual({ pids: [], ports: [] });
}, 30_000);
