import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockSpoolDir } from "./spool_lock.ts";

test("lockSpoolDir() refuses a spool that a running process holds, naming it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-lock-"));
  const other = Bun.spawn(["sleep", "30"]);
  try {
    writeFileSync(join(dir, "LOCK"), `${other.pid}\n`);
    await expect(lockSpoolDir(dir)).rejects.toThrow(`process ${other.pid} is using it`);
  } finally {
    other.kill();
    await other.exited;
  }
});

test("lockSpoolDir() takes over a lock whose process is gone, and re-locks for itself", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-lock-"));
  const gone = Bun.spawn(["true"]);
  await gone.exited;
  writeFileSync(join(dir, "LOCK"), `${gone.pid}\n`);
  await lockSpoolDir(dir);
  expect(readFileSync(join(dir, "LOCK"), "utf8").trim()).toBe(String(process.pid));
  await lockSpoolDir(dir);
});
