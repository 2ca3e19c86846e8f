import { type Logger, logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import { type Component, ComponentMetrics, type LogConsumer } from "../../pipeline/component.ts";
import { Inflight } from "../file/delivery.ts";
import { cursorPath, loadCursor, saveCursor } from "./checkpoint.ts";
import type { JournalConfig } from "./config.ts";
import { CursorQueue } from "./delivery.ts";
import { type EntryPosition, entryRecord, JournalLabels } from "./entry.ts";
import { originKey, resumeFrom } from "./resume.ts";

/** Options of the journal source. */
export interface JournalSourceOptions {
  config: JournalConfig;
  consumer: LogConsumer;
  registry: Registry;
  /** Folder of the cursor file (the spool's). */
  dataDir: string;
  externalLabels: Readonly<Record<string, string>>;
  /** Bytes pushed and not yet acknowledged at which reading pauses (default 8 MiB). */
  maxUnackedBytes?: number;
}

const CHECKPOINT_EVERY_MS = 1_000;
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;

/**
 * The `journal` source: runs `journalctl --output=json --follow` from the last delivered
 * cursor and pushes its entries as records. The cursor file moves only past entries the sink
 * acknowledged; reading pauses while too much is unacknowledged (the journal is the buffer);
 * journalctl exiting is counted, logged once per spell and restarted with backoff.
 */
export class JournalSource implements Component {
  readonly id = "journal";
  private readonly log: Logger = logger("journal");
  private readonly metrics: ComponentMetrics;
  private readonly labels: JournalLabels;
  private readonly inflight: Inflight;
  private readonly path: string;
  private queue = new CursorQueue(null);
  /** The cursor of the last entry pushed: where a restarted journalctl resumes. */
  private pushed: string | null = null;
  private proc: ReturnType<typeof Bun.spawn> | null = null;
  private running: Promise<void> | null = null;
  private halted = false;
  private waker: (() => void) | null = null;
  private lastSaved: string | null = null;
  private failing = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: JournalSourceOptions) {
    this.metrics = new ComponentMetrics(opts.registry, this.id, "source", "journal");
    this.labels = new JournalLabels({ ...opts.externalLabels, ...opts.config.labels });
    this.inflight = new Inflight(opts.maxUnackedBytes ?? 8 * 1024 * 1024, () => this.wake());
    this.path = cursorPath(opts.dataDir, this.id);
  }

  /** Reads the stored cursor and starts following the journal. */
  start(signal?: AbortSignal): void {
    signal?.addEventListener("abort", () => this.halt(), { once: true });
    this.running = this.run();
    // Acknowledgements arrive while journalctl is quiet too: the cursor follows them.
    this.timer = setInterval(() => void this.save(false), CHECKPOINT_EVERY_MS);
  }

  /** Stops journalctl, waits a little for acknowledgements and writes the cursor. */
  async stop(): Promise<void> {
    this.halt();
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.inflight.idle(2_000);
    await this.save(true);
  }

  private halt(): void {
    this.halted = true;
    this.proc?.kill();
    this.wake();
  }

  private wake(): void {
    const w = this.waker;
    this.waker = null;
    w?.();
  }

  private async run(): Promise<void> {
    let stored: string | null = null;
    try {
      stored = await loadCursor(this.path);
    } catch (err) {
      this.metrics.errors.inc();
      this.log.warn("Starting without a cursor", { error: (err as Error).message });
    }
    const resume = resumeFrom(this.id, stored, this.opts.consumer);
    this.queue = new CursorQueue(stored);
    if (resume.delivered && resume.cursor) this.queue.add(resume.delivered, resume.cursor);
    this.pushed = resume.cursor;
    let backoff = RESTART_MIN_MS;
    while (!this.halted) {
      const started = Date.now();
      const problem = await this.follow().catch((err: unknown) => (err as Error).message);
      if (this.halted) break;
      this.metrics.errors.inc();
      if (!this.failing) this.log.warn("Cannot follow the journal; retrying", { error: problem });
      this.failing = true;
      backoff = Date.now() - started > RESTART_MAX_MS ? RESTART_MIN_MS : backoff;
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, RESTART_MAX_MS);
    }
  }

  /** The journalctl command line, after the last pushed entry or from start_at. */
  args(): string[] {
    const c = this.opts.config;
    const args = [c.journalctl, "--output=json", "--follow", "--all", "--no-pager"];
    if (c.namespace) args.push(`--namespace=${c.namespace}`);
    if (c.directory) args.push(`--directory=${c.directory}`);
    if (this.pushed) args.push(`--after-cursor=${this.pushed}`);
    else args.push(c.start_at === "end" ? "--lines=0" : "--lines=all");
    return args;
  }

  /** Runs journalctl until it exits or the source stops; returns why it ended. */
  private async follow(): Promise<string> {
    const proc = Bun.spawn(this.args(), {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, SYSTEMD_COLORS: "0" },
    });
    this.proc = proc;
    const stderr = new Response(proc.stderr as ReadableStream).text();
    const decoder = new TextDecoder();
    let partial = "";
    const cap = this.opts.config.max_line_bytes * 4 + 65_536;
    for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
      partial += decoder.decode(chunk, { stream: true });
      const end = partial.lastIndexOf("\n");
      if (end >= 0) {
        this.pushLines(partial.slice(0, end));
        partial = partial.slice(end + 1);
      } else if (partial.length > cap) {
        // An entry this large is not kept whole in memory: dropped, counted and said.
        this.metrics.discarded.inc();
        this.log.warn("Cannot read a journal entry: larger than the cap", {
          bytes: partial.length,
        });
        partial = "";
      }
      if (this.failing) this.failing = false;
      await this.save(false);
      while (this.inflight.full && !this.halted) await this.sleep(1_000);
      if (this.halted) break;
    }
    const code = await proc.exited;
    return `journalctl exited ${code}: ${(await stderr).trim().slice(0, 300)}`;
  }

  /** Parses complete JSON lines and pushes their records, one push per sequence number space. */
  private pushLines(text: string): void {
    const max = this.opts.config.max_line_bytes;
    let records: LogRecord[] = [];
    let last: EntryPosition | null = null;
    let bytes = 0;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      let parsed: ReturnType<typeof entryRecord> = null;
      try {
        parsed = entryRecord(JSON.parse(line), this.labels, max);
      } catch {
        parsed = null;
      }
      if (parsed === null) {
        this.metrics.discarded.inc();
        continue;
      }
      if (last !== null && parsed.position.seqnumId !== last.seqnumId) {
        this.push(records, last, bytes);
        records = [];
        bytes = 0;
      }
      records.push(parsed.record);
      bytes += line.length;
      last = parsed.position;
    }
    if (last !== null) this.push(records, last, bytes);
  }

  private push(records: LogRecord[], last: EntryPosition, bytes: number): void {
    this.metrics.received.inc(records.length);
    const origin = { file: originKey(this.id, last.seqnumId), offset: last.seqnum + 1 };
    const delivered = this.opts.consumer.pushLogs(records, origin);
    this.metrics.sent.inc(records.length);
    this.inflight.add(bytes);
    const release = () => this.inflight.release(bytes);
    delivered.then(release, release);
    this.queue.add(delivered, last.cursor);
    this.pushed = last.cursor;
  }

  /** Writes the acknowledged cursor at most once a second (always when `force`). */
  private lastSave = 0;
  private async save(force: boolean): Promise<void> {
    const cursor = this.queue.committed;
    if (cursor === null || cursor === this.lastSaved) return;
    if (!force && Date.now() - this.lastSave < CHECKPOINT_EVERY_MS) return;
    this.lastSave = Date.now();
    try {
      await saveCursor(this.path, cursor);
      this.lastSaved = cursor;
    } catch (err) {
      this.metrics.errors.inc();
      this.log.warn("Cannot save the journal cursor", { error: (err as Error).message });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waker = null;
        resolve();
      }, ms);
      this.waker = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
