import { type Logger, logger } from "../../../shared/log/log.ts";
import type { Registry, Value } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import { type Component, ComponentMetrics, type LogConsumer } from "../../pipeline/component.ts";
import { Inflight } from "../file/delivery.ts";
import { cursorPath, loadCursor, saveCursor } from "./checkpoint.ts";
import type { JournalConfig } from "./config.ts";
import { CursorQueue } from "./delivery.ts";
import { type EntryPosition, entryRecord, JournalLabels } from "./entry.ts";
import { followArgs, JOURNALCTL_ENV, tailCursor } from "./journalctl.ts";
import { originKey, resumeFrom } from "./resume.ts";
import { JournalWatch, journalFolders, machineId } from "./watch.ts";

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
/** A resting source starts journalctl again after this long even without an event. */
const REST_MAX_MS = 5 * 60_000;
/** How long journalctl goes on after the tail cursor is taken, to print what came before it. */
const TAIL_SETTLE_MS = 1_000;
/**
 * How long a journalctl started after a rest may print nothing before it rests again: the
 * change that woke it is printed within milliseconds (and puts it back on `rest_after`), so a
 * wake with nothing new (the periodic one, a vacuum) costs a second of it, not `rest_after`.
 */
const WOKEN_IDLE_MS = 1_000;

/**
 * The `journal` source: runs `journalctl --output=json --follow` from the last delivered
 * cursor and pushes its entries as records. The cursor file moves only past entries the sink
 * acknowledged; reading pauses while too much is unacknowledged (the journal is the buffer);
 * journalctl exiting is counted, logged once per spell and restarted with backoff. After
 * `rest_after` without an entry, journalctl is stopped while watches on the journal's folders
 * wait for journald's next write (it costs the host nothing but a descriptor meanwhile).
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
  /** Output chunks read from journalctl: a rest is called off when one arrives meanwhile. */
  private chunks = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set when journalctl was stopped to rest: the watch that says when to start it again. */
  private resting: JournalWatch | null = null;
  /** Whether the journalctl starting next follows a rest (see WOKEN_IDLE_MS). */
  private woken = false;
  /** This machine's id, which names the journal's folders (read once). */
  private readonly machine = machineId();
  private readonly following: Value;

  constructor(private readonly opts: JournalSourceOptions) {
    this.metrics = new ComponentMetrics(opts.registry, this.id, "source", "journal");
    this.labels = new JournalLabels({ ...opts.externalLabels, ...opts.config.labels });
    this.inflight = new Inflight(opts.maxUnackedBytes ?? 8 * 1024 * 1024, () => this.wake());
    this.path = cursorPath(opts.dataDir, this.id);
    this.following = opts.registry
      .gauge(
        "outpost_agent_journal_following",
        "1 while journalctl runs; 0 while it rests until the journal changes (rest_after).",
        ["component_id"],
      )
      .labels({ component_id: this.id });
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
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.proc?.kill();
    this.resting?.close();
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
      if (this.resting) {
        await this.rest(this.resting);
        backoff = RESTART_MIN_MS;
        continue;
      }
      this.metrics.errors.inc();
      if (!this.failing) this.log.warn("Cannot follow the journal; retrying", { error: problem });
      this.failing = true;
      backoff = Date.now() - started > RESTART_MAX_MS ? RESTART_MIN_MS : backoff;
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, RESTART_MAX_MS);
    }
  }

  /** Runs journalctl until it exits or the source stops; returns why it ended. */
  private async follow(): Promise<string> {
    const proc = Bun.spawn(followArgs(this.opts.config, this.pushed), {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: JOURNALCTL_ENV,
    });
    this.proc = proc;
    this.following.set(1);
    this.armIdle(proc, this.woken ? WOKEN_IDLE_MS : undefined);
    this.woken = false;
    const stderr = new Response(proc.stderr as ReadableStream).text();
    const decoder = new TextDecoder();
    let partial = "";
    const cap = this.opts.config.max_line_bytes * 4 + 65_536;
    for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
      this.chunks++;
      this.armIdle(proc);
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
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.following.set(0);
    if (this.resting) return "resting";
    return `journalctl exited ${code}: ${(await stderr).trim().slice(0, 300)}`;
  }

  /** (Re)starts the wait after which a quiet journalctl is stopped to rest. */
  private armIdle(proc: ReturnType<typeof Bun.spawn>, ms?: number): void {
    const after = this.opts.config.rest_after;
    if (after <= 0) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.settle(proc), Math.min(ms ?? after, after));
  }

  /**
   * Stops a journalctl that printed nothing for `rest_after`, once the journal's folders are
   * watched. Without a pushed entry to resume after, the journal's newest cursor is taken
   * first (journalctl runs on a moment, to print anything written before it): entries after
   * it are read on waking. Called off, and tried again later, when output arrives meanwhile,
   * the sink is full or the folders cannot be watched.
   */
  private async settle(proc: ReturnType<typeof Bun.spawn>): Promise<void> {
    const seen = this.chunks;
    const calledOff = () => this.halted || this.chunks !== seen || this.proc !== proc;
    if (this.inflight.full) return this.armIdle(proc);
    let folders: string[] | null = null;
    try {
      folders = journalFolders(this.opts.config, this.machine);
    } catch {
      folders = null;
    }
    const watch = folders === null ? null : JournalWatch.open(folders);
    if (watch === null) return this.armIdle(proc);
    if (this.pushed === null) {
      const tail = await tailCursor(this.opts.config).catch(() => null);
      if (tail !== null) await Bun.sleep(TAIL_SETTLE_MS);
      if (calledOff()) return watch.close();
      if (tail === null) {
        // An empty journal (or one journalctl cannot read now): nothing to resume after.
        watch.close();
        return this.armIdle(proc);
      }
      this.pushed = tail;
    }
    if (calledOff()) return watch.close();
    this.resting = watch;
    this.log.debug("The journal is quiet; journalctl stops until it changes", {
      after: this.pushed,
    });
    proc.kill();
  }

  /** Waits for a change in the journal's folders (or REST_MAX_MS, or stop), then returns. */
  private async rest(watch: JournalWatch): Promise<void> {
    await Promise.race([watch.changed, this.sleep(REST_MAX_MS)]);
    watch.close();
    this.wake();
    this.resting = null;
    this.woken = true;
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
