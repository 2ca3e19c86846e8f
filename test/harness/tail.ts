/**
 * The file source against a writer, end to end: a writer appending numbered lines to
 * `<dir>/logs/app.log` and rotating it by rename or copytruncate, agent processes tailing
 * `app.log*` into a real nats-server, and an audit of what arrived (every line once, each
 * name's lines in the order written). Used by test/integration/logs_tail.test.ts and by the
 * random stress run test/stress/file_rotation.ts.
 */
import { appendFileSync, copyFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ReceivedLog, readStream } from "./stream.ts";

const root = resolve(import.meta.dir, "../..");

/** Appends numbered lines to `<dir>/app.log`, rotating it on request. */
export class Writer {
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

/** Writes an agent config tailing `<dir>/logs/app.log*` from the beginning; returns its path. */
export function writeTailConfig(dir: string, natsUrl: string): string {
  const path = join(dir, "agent.yaml");
  writeFileSync(
    path,
    `agent:\n  id: tail-agent\n  http_listen: "127.0.0.1:0"\nnats:\n  url: ${natsUrl}\nbatch:\n  max_wait: 200ms\nspool:\n  dir: spool\nlogs:\n  - name: app\n    include: ["${join(dir, "logs")}/app.log*"]\n    start_at: beginning\n    poll_interval: 100ms\n`,
  );
  return path;
}

/** Agent processes on one config, their stderr kept (at `logLevel`) for a failure's report. */
export class TailAgents {
  readonly log: string[] = [];

  constructor(
    private readonly config: string,
    private readonly logLevel = "info",
  ) {}

  start() {
    const proc = Bun.spawn(
      ["bun", join(root, "cli/outpost.ts"), "agent", "--config", this.config],
      {
        stdout: "ignore",
        stderr: "pipe",
        env: { ...process.env, OUTPOST_LOG_LEVEL: this.logLevel },
      },
    );
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of proc.stderr) this.log.push(decoder.decode(chunk));
    })();
    return proc;
  }
}

/** The writer's number of a line. */
export function seqOf(line: string): number {
  return Number(line.slice(4, 12));
}

async function received(url: string): Promise<ReceivedLog[]> {
  return (await readStream(url)).flatMap((b) => b.logs);
}

/** Reads the stream until it holds `total` distinct lines or `timeoutMs` has passed. */
export async function waitForLines(
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

/** What arrived against what was written. */
export interface Audit {
  /** Lines never received. */
  missing: number[];
  /** Lines received more than once. */
  twice: number[];
  /** Lines received, per name, after a later line of that name: `<name> <seq> after <seq>`. */
  disorder: string[];
}

/** Audits the lines received (in arrival order) against lines 0…total-1 written. */
export function audit(logs: readonly ReceivedLog[], total: number): Audit {
  const counts = new Map<number, number>();
  const last = new Map<string, number>();
  const disorder: string[] = [];
  for (const l of logs) {
    const s = seqOf(l.line);
    counts.set(s, (counts.get(s) ?? 0) + 1);
    const name = l.labels.filename;
    const before = last.get(name) ?? -1;
    if (s < before) disorder.push(`${name} ${s} after ${before}`);
    last.set(name, Math.max(s, before));
  }
  const missing: number[] = [];
  for (let s = 0; s < total; s++) if (!counts.has(s)) missing.push(s);
  const twice = [...counts].filter(([, n]) => n > 1).map(([s]) => s);
  return { missing, twice, disorder };
}

/** Numbers as runs, `3-7 10 12-13`, for a report. */
export function runs(nums: readonly number[]): string {
  const sorted = [...nums].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(" ");
}
