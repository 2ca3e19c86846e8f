import { expect, test } from "bun:test";
import { childPidWithArg, cpuSeconds, rssBytes, rssPeakBytes, startMeter } from "./proc.ts";

function spin(ms: number): number {
  let x = 0;
  for (const end = performance.now() + ms; performance.now() < end; ) x += Math.sqrt(x + 1);
  return x;
}

test("cpuSeconds() counts the CPU a busy loop spends", () => {
  const before = cpuSeconds(process.pid);
  spin(300);
  expect(cpuSeconds(process.pid) - before).toBeGreaterThan(0.15);
});

test("rssBytes() sees memory the process touches", () => {
  const before = rssBytes(process.pid);
  const block = new Uint8Array(64 << 20).fill(1);
  expect(rssBytes(process.pid) - before).toBeGreaterThan(32 << 20);
  expect(block[block.length - 1]).toBe(1);
});

test("rssPeakBytes() is never below an RSS read before it", () => {
  const rss = rssBytes(process.pid);
  expect(rssPeakBytes(process.pid)).toBeGreaterThanOrEqual(rss);
});

test("childPidWithArg() finds a child by an argument and ignores other processes", async () => {
  const marker = `--bench-marker-${process.pid}`;
  const child = Bun.spawn(["sleep", "30"], { stdout: "ignore" });
  const tagged = Bun.spawn(["sh", "-c", "sleep 30", "sh", marker], { stdout: "ignore" });
  try {
    expect(childPidWithArg(marker)).toBe(tagged.pid);
    expect(childPidWithArg(`${marker}-absent`)).toBeNull();
  } finally {
    child.kill();
    tagged.kill();
    await Promise.all([child.exited, tagged.exited]);
  }
});

test("a meter reports about one core for a process that spins the whole window", async () => {
  const meter = startMeter(process.pid);
  spin(400);
  const usage = meter.stop();
  expect(usage.cores).toBeGreaterThan(0.5);
  expect(usage.rssPeakBytes).toBeGreaterThanOrEqual(usage.rssFirstBytes);
  expect(usage.wallSeconds).toBeGreaterThan(0.35);
});
