import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flagValue, outputFile } from "./process_output.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("outputFile() is the regular file a process's stderr, else stdout, is written to", async () => {
  const stderr = join(dir, "err.log");
  const stdout = join(dir, "out.log");
  const both = Bun.spawn(["sleep", "5"], { stdout: Bun.file(stdout), stderr: Bun.file(stderr) });
  const outOnly = Bun.spawn(["sleep", "5"], { stdout: Bun.file(stdout), stderr: "pipe" });
  const pipes = Bun.spawn(["sleep", "5"], { stdout: "pipe", stderr: "pipe" });
  try {
    expect(outputFile(both.pid)).toBe(stderr);
    expect(outputFile(outOnly.pid)).toBe(stdout);
    expect(outputFile(pipes.pid)).toBeNull();
    expect(outputFile(0)).toBeNull();
  } finally {
    for (const p of [both, outOnly, pipes]) p.kill();
  }
});

test.each([
  [["nats-server", "-l", "/a.log"], "/a.log"],
  [["nats-server", "--log=/b.log"], "/b.log"],
  [["nats-server", "--log", "/c.log", "-l", "/d.log"], "/c.log"],
  [["nats-server", "-l"], undefined],
  [["nats-server", "-p", "4222"], undefined],
])("flagValue(%p) is %p", (args, want) => {
  expect(flagValue(args, ["-l", "--log"])).toBe(want);
});
