/**
 * The agent as a separate process: killed with SIGKILL while its spool holds batches, and
 * compiled to a single file and run from an empty directory.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readBatchHead } from "../../agent/sinks/nats/spool_file.ts";
import { type CountingExporter, startCountingExporter } from "../harness/exporters.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { freePort } from "../harness/ports.ts";
import { type ReceivedBatch, waitForStream } from "../harness/stream.ts";

const root = resolve(import.meta.dir, "../..");
const samplesOf = (batches: ReceivedBatch[]) => batches.flatMap((b) => b.samples);

function writeConfig(dir: string, natsUrl: string, target: string): string {
  const path = join(dir, "agent.yaml");
  writeFileSync(
    path,
    `agent:\n  id: proc-agent\n  http_listen: "127.0.0.1:0"\nnats:\n  url: ${natsUrl}\nbatch:\n  max_wait: 200ms\nspool:\n  dir: spool\nscrape_configs:\n  - job_name: counting\n    scrape_interval: 500ms\n    scrape_timeout: 400ms\n    static_configs:\n      - targets: ["${target}"]\n`,
  );
  return path;
}

async function spooledIds(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".batch"));
  const heads = await Promise.all(files.map((f) => readBatchHead(join(dir, f)).catch(() => null)));
  return heads.filter((h) => h !== null).map((h) => h.msgId);
}

describe("agent process", () => {
  let exporter: CountingExporter;
  beforeAll(async () => {
    exporter = await startCountingExporter();
  });
  afterAll(async () => {
    await exporter?.stop();
  });

  test(
    "kill -9 with a non-empty spool, then a restart, delivers the spool",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "outpost-kill-"));
      const port = await freePort();
      const config = writeConfig(dir, `nats://127.0.0.1:${port}`, exporter.address);
      const run = () =>
        Bun.spawn(["bun", join(root, "cli/outpost.ts"), "agent", "--config", config], {
          stdout: "ignore",
          stderr: "ignore",
        });
      // NATS is not there yet: everything the agent scrapes stays in its spool.
      const first = run();
      let before: string[] = [];
      try {
        for (let i = 0; i < 100 && before.length < 5; i++) {
          await Bun.sleep(100);
          before = await spooledIds(join(dir, "spool"));
        }
      } finally {
        first.kill("SIGKILL");
        await first.exited;
      }
      expect(before.length).toBeGreaterThanOrEqual(5);
      const nats: NatsServerHandle = await startNatsServer({ port });
      const second = run();
      try {
        const batches = await waitForStream(nats.url, (b) => {
          const ids = new Set(b.map((x) => x.msgId));
          return before.every((id) => ids.has(id));
        });
        const seqs = samplesOf(batches)
          .filter((s) => s.name === "outpost_test_scrape_seq" && !s.stale)
          .map((s) => s.value);
        expect(new Set(seqs).size).toBe(seqs.length);
      } finally {
        second.kill("SIGTERM");
        await second.exited;
        await nats.dispose();
      }
    },
    { timeout: 60_000 },
  );

  test(
    "the compiled single-file agent runs from an empty directory, scrapes and publishes",
    async () => {
      const build = mkdtempSync(join(tmpdir(), "outpost-build-"));
      const built = Bun.spawnSync(
        [
          "bun",
          "build",
          "--compile",
          "--minify",
          "--bytecode",
          "--format=esm",
          join(root, "agent/main.ts"),
          "--outfile",
          join(build, "outpost-agent"),
        ],
        { cwd: root },
      );
      expect(built.exitCode).toBe(0);
      const empty = mkdtempSync(join(tmpdir(), "outpost-empty-"));
      copyFileSync(join(build, "outpost-agent"), join(empty, "outpost-agent"));
      const nats = await startNatsServer();
      const config = writeConfig(empty, nats.url, exporter.address);
      const proc = Bun.spawn([join(empty, "outpost-agent"), "--config", config], {
        cwd: empty,
        stdout: "ignore",
        stderr: "pipe",
      });
      try {
        const batches = await waitForStream(nats.url, (b) =>
          samplesOf(b).some((s) => s.name === "outpost_test_scrape_seq"),
        );
        expect(batches[0].subject).toBe("outpost.ingest.default.metrics.proc-agent");
      } finally {
        proc.kill("SIGTERM");
        await proc.exited;
        await nats.dispose();
      }
    },
    { timeout: 120_000 },
  );
});
