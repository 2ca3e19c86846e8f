/**
 * Debian's blackbox_exporter as a child process, for side-by-side tests of the agent's probes:
 * the same module config, the same targets, and the exporter's /probe output to compare with.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

/** A running blackbox_exporter. */
export interface BlackboxHandle {
  /** Runs one probe and returns the exposition text the exporter answers with. */
  probe(target: string, module: string): Promise<string>;
  stop(): Promise<void>;
}

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

/** Path of Debian's blackbox_exporter binary, or null when the package is not installed. */
export function blackboxBinary(): string | null {
  return Bun.which("prometheus-blackbox-exporter") ?? Bun.which("blackbox_exporter");
}

/** Starts blackbox_exporter with `configYaml` (its modules file) on a free port. */
export async function startBlackboxExporter(configYaml: string): Promise<BlackboxHandle> {
  const binary = blackboxBinary();
  if (!binary) {
    throw new Error(
      "Cannot start blackbox_exporter: install the prometheus-blackbox-exporter package (make deps does)",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "outpost-blackbox-"));
  const config = join(dir, "blackbox.yml");
  writeFileSync(config, configYaml);
  const port = await freePort();
  const proc = Bun.spawn(
    [binary, `--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdout: "ignore", stderr: "ignore" },
  );
  children.add(proc);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (
    !(await fetch(`${base}/-/healthy`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      throw new Error(`Cannot start blackbox_exporter on port ${port}`);
    }
    await Bun.sleep(50);
  }
  return {
    async probe(target, module) {
      const url = `${base}/probe?target=${encodeURIComponent(target)}&module=${module}`;
      return await (await fetch(url)).text();
    },
    async stop() {
      proc.kill();
      await proc.exited;
      children.delete(proc);
    },
  };
}
