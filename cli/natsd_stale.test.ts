import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./natsd.ts";
import { stopStaleNatsServer } from "./natsd_stale.ts";

const spawned: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const p of spawned) p.kill("SIGKILL");
});

/** A nats-server as a killed `outpost up` leaves it: detached, with a pid file. */
async function leftover(dir: string) {
  const storeDir = join(dir, "nats");
  const pidFile = join(dir, "nats-server.pid");
  const port = String(await freePort());
  const args = ["-a", "127.0.0.1", "-p", port, "-js", "-sd", storeDir, "-P", pidFile];
  const proc = Bun.spawn(["nats-server", ...args], { detached: true, stderr: "ignore" });
  spawned.push(proc);
  while (!existsSync(pidFile)) await Bun.sleep(20);
  return { proc, storeDir, pidFile };
}

test("stopStaleNatsServer() stops the nats-server an earlier up left on the same store", async () => {
  const { proc, storeDir, pidFile } = await leftover(mkdtempSync(join(tmpdir(), "outpost-stale-")));
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
