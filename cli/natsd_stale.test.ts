import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsAuthFiles, writeAuth, writeServerConf } from "./nats_auth.ts";
import { freePort } from "./natsd.ts";
import { runningUp, stopStaleNatsServer } from "./natsd_stale.ts";

const spawned: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const p of spawned) p.kill("SIGKILL");
});

/** A nats-server as a killed `outpost up` leaves it: detached, with a pid file. */
async function leftover(dir: string, withConfigFile = false) {
  const storeDir = join(dir, "nats");
  const pidFile = join(dir, "nats-server.pid");
  const port = String(await freePort());
  // Today's up names the store in its config file (cli/nats_auth.ts); earlier ones in flags.
  const files = natsAuthFiles(dir);
  if (withConfigFile) writeAuth(files);
  if (withConfigFile) writeServerConf(files, storeDir);
  const store = withConfigFile ? ["-c", files.server] : ["-js", "-sd", storeDir];
  const args = ["-a", "127.0.0.1", "-p", port, ...store, "-P", pidFile];
  const proc = Bun.spawn(["nats-server", ...args], { detached: true, stderr: "ignore" });
  spawned.push(proc);
  while (!existsSync(pidFile)) await Bun.sleep(20);
  return { proc, storeDir, pidFile };
}

test.each([
  ["its store in flags", false],
  ["its store in up's config file", true],
])("stopStaleNatsServer() stops the nats-server an earlier up left, %s", async (_, conf) => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-stale-"));
  const { proc, storeDir, pidFile } = await leftover(dir, conf);
  expect(await stopStaleNatsServer(pidFile, storeDir)).toBe(proc.pid);
  await proc.exited;
  expect(existsSync(pidFile)).toBe(false);
});

test("stopStaleNatsServer() leaves a nats-server of another store running", async () => {
  const { proc, pidFile } = await leftover(mkdtempSync(join(tmpdir(), "outpost-stale-")));
  expect(await stopStaleNatsServer(pidFile, "/elsewhere/nats")).toBeNull();
  expect(proc.exitCode).toBeNull();
});

test("stopStaleNatsServer() never signals a process that reused the pid", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-stale-"));
  const sleeper = Bun.spawn(["sleep", "30"]);
  spawned.push(sleeper);
  writeFileSync(join(dir, "nats-server.pid"), String(sleeper.pid));
  expect(await stopStaleNatsServer(join(dir, "nats-server.pid"), join(dir, "nats"))).toBeNull();
  expect(sleeper.exitCode).toBeNull();
});

test("stopStaleNatsServer() refuses while the up that started it runs, and stops it once that up is gone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-stale-"));
  const storeDir = join(dir, "nats");
  const pidFile = join(dir, "nats-server.pid");
  const port = String(await freePort());
  // An `outpost up` as /proc shows one: `bun …/outpost.ts up`, its nats-server a child.
  const script = join(dir, "outpost.ts");
  const args = ["-a", "127.0.0.1", "-p", port, "-js", "-sd", storeDir, "-P", pidFile];
  writeFileSync(
    script,
    `Bun.spawn(${JSON.stringify(["nats-server", ...args])}, { stderr: "ignore" });\nawait Bun.sleep(60_000);\n`,
  );
  const up = Bun.spawn(["bun", script, "up"]);
  spawned.push(up);
  while (!existsSync(pidFile)) await Bun.sleep(20);
  const nats = Number(readFileSync(pidFile, "utf8"));
  try {
    expect(runningUp(pidFile, storeDir)).toBe(up.pid);
    await expect(stopStaleNatsServer(pidFile, storeDir)).rejects.toThrow(
      `an outpost up (pid ${up.pid}) is already running on ${dir}: stop it first`,
    );
    expect(existsSync(`/proc/${nats}`)).toBe(true);
    // Killed, the up leaves its nats-server behind: now a leftover.
    up.kill("SIGKILL");
    await up.exited;
    expect(runningUp(pidFile, storeDir)).toBeNull();
    expect(await stopStaleNatsServer(pidFile, storeDir)).toBe(nats);
  } finally {
    try {
      process.kill(nats, "SIGKILL");
    } catch {
      // already stopped
    }
  }
});
