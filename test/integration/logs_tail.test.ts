/**
 * The file source end to end, as a separate agent process: a writer appends 5,000 lines/s
 * while the test rotates the file by rename and by copytruncate and kills the agent with
 * SIGKILL twice; then NATS goes away for a while. Every line must arrive exactly once, in
 * order per file.
 */
import { afterAll, describe, expect, test } from "bun:test";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { type ReceivedLog, readStream } from "../harness/stream.ts";

const root = resolve(import.meta.dir, "../..");

/** Appends numbered lines to `<dir>/app.log`, rotating it on request. */
class Writer {
  seq = 0;
  /** What happened at which line, printed when a check fails: `<seq> <event>`. */
  readonly events: string[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private rotations = 0;

  constructor(private readonly dir: string) {
    writeFileSync(this.path, "");
  }

  get path(): string {
    return join(this.dir, "app.log");
  }

  /** 50 lines every 10 ms: 5,000 lines/s. */
  start(): void {
    this.timer = setInterval(() => this.write(50), 10);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  write(n: number): void {
    let text = "";
    for (let i = 0; i < n; i++) {
      text += `seq=${String(this.seq++).padStart(8, "0")} level=info msg="payment accepted" amount=${this.seq % 997}\n`;
    }
    appendFileSync(this.path, text);
  }

  /** logrotate's default: the file moves away, a new one takes its name. */
  rotateByRename(): void {
    this.events.push(`${this.seq} rename to app.log.${this.rotations + 1}`);
    renameSync(this.path, join(this.dir, `app.log.${++this.rotations}`));
    writeFileSync(this.path, "");
  }

  /** logrotate's copytruncate: a copy keeps the lines, the file is emptied in place. */
  rotateByCopyTruncate(): void {
    this.events.push(`${this.seq} copytruncate to app.log.${this.rotations + 1}`);
    copyFileSync(this.path, join(this.dir, `app.log.${++this.rotations}`));
    truncateSync(this.path, 0);
  }
}

function writeConfig(dir: string, natsUrl: string): string {
  const path = join(dir, "agent.yaml");
  writeFileSync(
    path,
    `agent:\n  id: tail-agent\n  http_listen: "127.0.0.1:0"\nnats:\n  url: ${natsUrl}\nbatch:\n  max_wait: 200ms\nspool:\n  dir: spool\nlogs:\n  - name: app\n    include: ["${join(dir, "logs")}/app.log*"]\n    start_at: beginning\n    poll_interval: 100ms\n`,
  );
  return path;
}

/** The agents' log lines (their rotations), printed when a check fails. */
const agentLog: string[] = [];

function runAgent(config: string) {
  const proc = Bun.spawn(["bun", join(root, "cli/outpost.ts"), "agent", "--config", config], {
    stdout: "ignore",
    stderr: "pipe",
  });
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) agentLog.push(decoder.decode(chunk));
  })();
  return proc;
}

function seqOf(line: string): number {
  return Number(line.slice(4, 12));
}

async function received(url: string): Promise<ReceivedLog[]> {
  return (await readStream(url)).flatMap((b) => b.logs);
}

async function waitForLines(
  url: string,
  total: number,
  timeoutMs = 60_000,
): Promise<ReceivedLog[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await received(url);
    if (new Set(logs.map((l) => seqOf(l.line))).size >= total || Date.now() > deadline) return logs;
    await Bun.sleep(500);
  }
}

/** Each line once, and per file in the order written. */
function checkExactlyOnce(logs: ReceivedLog[], total: number): void {
  const seqs = logs.map((l) => seqOf(l.line));
  const counts = new Map<number, number>();
  for (const s of seqs) counts.set(s, (counts.get(s) ?? 0) + 1);
  const missing = [];
  for (let s = 0; s < total; s++) if (!counts.has(s)) missing.push(s);
  const twice = [...counts].filter(([, n]) => n > 1).map(([s]) => s);
  expect({ missing: missing.slice(0, 10), missingCount: missing.length }).toEqual({
    missing: [],
    missingCount: 0,
  });
  if (twice.length > 0) {
    const where = logs.filter((l) => seqOf(l.line) === twice[0]).map((l) => l.labels.filename);
    console.error(`seq ${twice[0]} arrived from`, where, `(${twice.length} repeated)`);
  }
  expect(twice.slice(0, 10)).toEqual([]);
  const lastByFile = new Map<string, number>();
  for (const l of logs) {
    const file = l.labels.filename;
    const s = seqOf(l.line);
    expect(s).toBeGreaterThan(lastByFile.get(file) ?? -1);
    lastByFile.set(file, s);
  }
}

describe("file source (agent process)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  /** A nats-server, an agent config tailing `<dir>/logs/app.log*`, and a running writer. */
  async function scenario(prefix: string) {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(dir, "logs"));
    const nats: NatsServerHandle = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const writer = new Writer(join(dir, "logs"));
    writer.start();
    return { nats, config: writeConfig(dir, nats.url), writer };
  }

  test(
    "rotations by rename and copytruncate and two kill -9 lose and repeat no line",
    async () => {
      const { nats, config, writer } = await scenario("outpost-tail-");
      let agent = runAgent(config);
      const steps: (() => void | Promise<void>)[] = [
        () => writer.rotateByRename(),
        () => writer.rotateByCopyTruncate(),
        async () => {
          writer.events.push(`${writer.seq} kill -9`);
          agent.kill("SIGKILL");
          await agent.exited;
          agent = runAgent(config);
        },
        () => writer.rotateByRename(),
        () => writer.rotateByCopyTruncate(),
        async () => {
          writer.events.push(`${writer.seq} kill -9, 300 ms down`);
          agent.kill("SIGKILL");
          await agent.exited;
          await Bun.sleep(300);
          agent = runAgent(config);
        },
        () => writer.rotateByCopyTruncate(),
        () => writer.rotateByRename(),
      ];
      try {
        for (const step of steps) {
          await Bun.sleep(700);
          await step();
        }
        await Bun.sleep(700);
        writer.stop();
        const total = writer.seq;
        expect(total).toBeGreaterThan(20_000);
        const logs = await waitForLines(nats.url, total);
        try {
          checkExactlyOnce(logs, total);
        } catch (err) {
          // A rare failure under load: say which rotation or kill the lost lines sat next to.
          console.error(`writer:\n${writer.events.join("\n")}\nagents:\n${agentLog.join("")}`);
          throw err;
        }
      } finally {
        writer.stop();
        agent.kill("SIGKILL");
        await agent.exited;
      }
    },
    { timeout: 120_000 },
  );

  test(
    "NATS away for 30 s while the file grows: nothing is lost",
    async () => {
      const { nats, config, writer } = await scenario("outpost-tail-outage-");
      const agent = runAgent(config);
      try {
        await Bun.sleep(2_000);
        await nats.stop();
        await Bun.sleep(30_000);
        await nats.restart();
        await Bun.sleep(1_000);
        writer.stop();
        const total = writer.seq;
        const logs = await waitForLines(nats.url, total);
        checkExactlyOnce(logs, total);
      } finally {
        writer.stop();
        agent.kill("SIGKILL");
        await agent.exited;
      }
    },
    { timeout: 120_000 },
  );
});
