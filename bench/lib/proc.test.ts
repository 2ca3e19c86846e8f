import { expect, test } from "bun:test";
import {
  childPidWithArg,
  cpuSeconds,
  rssBytes,
  rssPeakBytes,
  startMeter,
  wakeUps,
} from "./proc.ts";

/** The process's CPU seconds as the runtime counts them (getrusage), apart from /proc. */
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Spins until the process has spent `cpu` seconds (by getrusage) or 10 s have passed: on a
 * loaded machine a busy loop gets a fraction of a core, so wall time says little.
 */
function spin(cpu: number): number {
  let x = 0;
  const from = ownCpu();
  const end = performance.now() + 10_000;
  while (ownCpu() - from < cpu && performance.now() < end)
    for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + 1);
  return x;
}

test("cpuSeconds() counts the CPU a busy loop spends, as getrusage does", () => {
  const before = cpuSeconds(process.pid);
  const own = ownCpu();
  spin(0.3);
  const spent = ownCpu() - own;
  expect(spent).toBeGreaterThan(0.25);
  // /proc counts in clock ticks (10 ms); the two are read moments apart.
  expect(Math.abs(cpuSeconds(process.pid) - before - spent)).toBeLessThan(0.06);
});

/**
 * The RSS of a fresh process that has touched `mb` MB and waits: a fresh one, because in this
 * test process the allocator may hand out pages an earlier test left resident, which a fill
 * then does not add to the RSS (a clean run once saw 9 MB for 64).
 */
async function rssAfterTouching(mb: number): Promise<number> {
  const child = Bun.spawn(
    [
      process.execPath,
      "-e",
      `globalThis.b = new Uint8Array(${mb} << 20).fill(1); console.log("ready"); setInterval(() => {}, 1000);`,
    ],
    { stdout: "pipe" },
  );
  try {
    const reader = child.stdout.getReader();
    let text = "";
    while (!text.includes("ready")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the child ended before it was ready");
      text += new TextDecoder().decode(value);
    }
    return rssBytes(child.pid);
  } finally {
    child.kill();
    await child.exited;
  }
}

test("rssBytes() sees memory the process touches", async () => {
  const before = await rssAfterTouching(0);
  expect((await rssAfterTouching(64)) - before).toBeGreaterThan(32 << 20);
});

test("rssPeakBytes() is never below an RSS read before it", () => {
  const rss = rssBytes(process.pid);
  expect(rssPeakBytes(process.pid)).toBeGreaterThanOrEqual(rss);
});

test("wakeUps() counts a process's sleeps, and stands still while it waits", async () => {
  const child = Bun.spawn(
    ["sh", "-c", "read _; for i in $(seq 20); do sleep 0.02; done; echo done; read _"],
    { stdin: "pipe", stdout: "pipe" },
  );
  try {
    await Bun.sleep(100);
    const before = wakeUps(child.pid);
    child.stdin.write("go\n");
    child.stdin.flush();
    // The loop's end, told on stdout: the shell waited for each of 20 `sleep`s, asleep each time.
    const reader = child.stdout.getReader();
    await reader.read();
    expect(wakeUps(child.pid) - before).toBeGreaterThanOrEqual(20);
    // Blocked on the second read now: nothing wakes it.
    await Bun.sleep(100);
    const resting = wakeUps(child.pid);
    await Bun.sleep(300);
    expect(wakeUps(child.pid)).toBe(resting);
  } finally {
    child.kill();
    await child.exited;
  }
});

test("childPidWithArg() finds a child by an argument and ignores other processes", async () => {
  const marker = `--bench-marker-${process.pid}`;
  const child = Bun.spawn(["sleep", "30"], { stdout: "ignore" });
  const tagged = Bun.spawn(["sh", "-c", "sleep 30", "sh", marker], { stdout: "ignore" });
  try {
    // Until the child has exec'd, its cmdline is this process's (seen on a loaded machine).
    let found = childPidWithArg(marker);
    for (let i = 0; found === null && i < 100; i++) {
      await Bun.sleep(50);
      found = childPidWithArg(marker);
    }
    expect(found).toBe(tagged.pid);
    expect(childPidWithArg(`${marker}-absent`)).toBeNull();
  } finally {
    child.kill();
    tagged.kill();
    await Promise.all([child.exited, tagged.exited]);
  }
});

test("a meter reports the cores a spinning process got over its window", async () => {
  const own = ownCpu();
  const wall = performance.now();
  const meter = startMeter(process.pid);
  const spinFrom = performance.now();
  spin(0.4);
  const spinWall = (performance.now() - spinFrom) / 1000;
  const usage = meter.stop();
  const cores = (ownCpu() - own) / ((performance.now() - wall) / 1000);
  // About one core on a quiet machine, less on a loaded one: the meter says what it got.
  expect(Math.abs(usage.cores - cores)).toBeLessThan(0.15);
  expect(usage.rssPeakBytes).toBeGreaterThanOrEqual(usage.rssFirstBytes);
  // The meter's window holds the spin's (whose 0.4 s of the process's CPU may take less wall
  // time than that when other threads of it run too).
  expect(usage.wallSeconds).toBeGreaterThanOrEqual(spinWall);
});
