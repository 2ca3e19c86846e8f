import { type Logger, logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import type { Component, LogConsumer } from "../../pipeline/component.ts";
import { CheckpointStore, checkpointPath } from "./checkpoint.ts";
import { Clock } from "./clock.ts";
import { compileStartPattern, type FileSourceConfig } from "./config.ts";
import { Inflight } from "./delivery.ts";
import { Discovery } from "./discover.ts";
import { FileMetrics } from "./metrics.ts";
import { orphansOf, pendingByKey } from "./restore.ts";
import type { FileStream, StreamContext } from "./stream.ts";
import { Tracker } from "./tracker.ts";
import { Warnings } from "./warn.ts";
import { FolderWatch } from "./watch.ts";

/** Options of a file source. */
export interface FileSourceOptions {
  id: string;
  /** The source's config, normalized (absolute globs: normalizeFileSourceConfig). */
  config: FileSourceConfig;
  consumer: LogConsumer;
  registry: Registry;
  /** Folder of the checkpoint file (`file-checkpoints-<id>.json`). */
  dataDir: string;
  /** Runs on each chunk's records before they are pushed (the processing stages). */
  process?: (records: LogRecord[]) => LogRecord[];
  /** Bytes pushed and not yet acknowledged at which reading pauses (default 8 MiB). */
  maxUnackedBytes?: number;
  /** How long stop() waits for outstanding acknowledgements (default 2 s). */
  stopWaitMs?: number;
  /** With `watch`, the longest a settled source waits for a change before a pass (10 s). */
  watchIdleMs?: number;
}

const READ_CHUNK_BYTES = 256 * 1024;
/** Bytes one file may read per pass before the others get their turn. */
const PASS_BUDGET_BYTES = 1024 * 1024;
const CHECKPOINT_EVERY_MS = 1000;
/**
 * A settled source's pass when no change was heard: what a missed notification (a write
 * through a mount inotify does not see, such as NFS from another host) waits at most.
 */
const WATCH_IDLE_MS = 10_000;

/**
 * The `file` source: tails the files its globs select, cuts them into lines (and multiline
 * records), and pushes them to a LogConsumer. Each file's checkpoint moves only past lines
 * the sink acknowledged, and reading pauses while too many bytes await acknowledgement, so an
 * outage of the sink leaves the lines in the files rather than in memory. Rotation by rename
 * and by copytruncate, truncation and inode reuse are followed (tracker.ts).
 */
export class FileSource implements Component {
  readonly id: string;
  private readonly log: Logger;
  private readonly metrics: FileMetrics;
  private readonly inflight: Inflight;
  private readonly tracker: Tracker;
  private readonly discovery: Discovery;
  private readonly store: CheckpointStore;
  private readonly pollMs: number;
  private running: Promise<void> | null = null;
  private halted = false;
  private waker: (() => void) | null = null;
  private wakeOnAck = false;
  private lastSave = 0;
  private lastSaved = "";
  private readonly warnings: Warnings;
  private starting: Promise<void> | null = null;
  private readonly watch: FolderWatch | null;
  /** A change was heard since the last pass began. */
  private changed = false;
  /** Acknowledgements arrived since the checkpoints were last written. */
  private unsaved = false;
  /** Wakes an idle wait (a change heard, or checkpoints to write). */
  private idleWaker: (() => void) | null = null;

  constructor(private readonly opts: FileSourceOptions) {
    const { id, config } = opts;
    this.id = id;
    this.log = logger(`file:${id}`);
    this.warnings = new Warnings(this.log);
    this.pollMs = config.poll_interval;
    this.metrics = new FileMetrics(opts.registry, id);
    this.inflight = new Inflight(opts.maxUnackedBytes ?? 8 * 1024 * 1024, () => this.acked());
    this.store = new CheckpointStore(checkpointPath(opts.dataDir, id));
    this.discovery = new Discovery(config.include, config.exclude, (m) => this.listError(m));
    this.watch = config.watch ? new FolderWatch(config.include, () => this.heard()) : null;
    this.tracker = new Tracker({
      ctx: this.context(),
      sourceId: id,
      fingerprintBytes: config.fingerprint_bytes,
      startAtEnd: config.start_at === "end",
      copyGraceMs: 20 * this.pollMs,
      // Writers reopen their file within moments of a rename (logrotate's postrotate HUP).
      goneWaitMs: Math.max(this.pollMs, 1000),
      metrics: this.metrics,
      log: this.log,
      warnings: this.warnings,
    });
  }

  /** Restores checkpoints, finds the files, and starts reading; resolves once files are found. */
  start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener("abort", () => this.halt(), { once: true });
    if (signal?.aborted) this.halt();
    this.starting = this.begin();
    return this.starting;
  }

  /** Stops reading, waits a little for acknowledgements, and writes the checkpoints. */
  async stop(): Promise<void> {
    this.halt();
    // A stop during start() waits for it: the files it opens must be closed below, and the
    // checkpoints it restored must be written back, not replaced by an empty list.
    await this.starting;
    await this.running;
    this.running = null;
    const drained = await this.inflight.idle(this.opts.stopWaitMs ?? 2000);
    if (!drained) {
      const pushes = this.inflight.pending;
      this.log.info("Stopping before every push was acknowledged: checkpoints stay before them", {
        pushes,
      });
    }
    await this.saveCheckpoints(Date.now(), true);
    await this.tracker.closeAll();
    this.watch?.close();
  }

  private async begin(): Promise<void> {
    const entries = await this.loadCheckpoints();
    const pending = pendingByKey(this.opts.consumer);
    this.tracker.restore(orphansOf(entries ?? [], pending, this.id), entries === null, Date.now());
    await this.discover();
    this.running = this.loop();
  }

  /** The files being read, for tests and status pages. */
  get files(): readonly FileStream[] {
    return [...this.tracker.streams.values()];
  }

  private context(): StreamContext {
    const { config, consumer, process } = this.opts;
    const ml = config.multiline;
    return {
      buffer: Buffer.alloc(READ_CHUNK_BYTES),
      consumer,
      process,
      metrics: this.metrics,
      inflight: this.inflight,
      clock: new Clock(),
      staticLabels: config.labels,
      maxLineBytes: config.max_line_bytes,
      multiline: ml
        ? {
            start: compileStartPattern(ml.start_pattern),
            maxLines: ml.max_lines,
            maxBytes: config.max_line_bytes,
            maxWaitMs: ml.max_wait,
          }
        : null,
      fingerprintBytes: config.fingerprint_bytes,
      log: this.log,
    };
  }

  private async loop(): Promise<void> {
    let nextPoll = Date.now() + this.pollMs;
    while (!this.halted) {
      if (Date.now() >= nextPoll) {
        await this.discover();
        nextPoll = Date.now() + this.pollMs;
      }
      this.metrics.passes.inc();
      // A read error must not end the loop silently: it is counted and the next pass retries.
      const state = await this.readAll().catch((error: unknown) => {
        this.metrics.component.errors.inc();
        this.warnings.once(`Cannot read files: ${(error as Error).message}`);
        return "idle" as const;
      });
      const now = Date.now();
      await this.guard("tick", () => this.tracker.tick(now));
      await this.saveCheckpoints(now, false);
      if (this.halted) break;
      // A file with more to read goes on at once, after letting timers and acks run.
      if (state === "more") await Bun.sleep(0);
      else await this.sleep(nextPoll - Date.now(), state === "blocked");
      if (state === "idle" && this.settled()) {
        await this.idle();
        nextPoll = 0;
      }
      this.changed = false;
    }
  }

  /**
   * True when a pass would find nothing to do unless a file changed: every folder watched, no
   * change heard, every line read acknowledged and checkpointed, and nothing the tracker times
   * (a gone file's last wait, a multiline record's max_wait, a possible copy's grace).
   */
  private settled(): boolean {
    if (this.watch === null || this.changed || this.unsaved || this.halted) return false;
    return this.inflight.pending === 0 && this.tracker.settled() && this.watch.covered;
  }

  /** Waits for a change, an acknowledgement or the idle pass, whichever comes first. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idleWaker = null;
        resolve();
      };
      const timer = setTimeout(done, this.opts.watchIdleMs ?? WATCH_IDLE_MS);
      this.idleWaker = done;
    });
  }

  private heard(): void {
    this.changed = true;
    this.idleWaker?.();
  }

  /**
   * Reads every stream once. Streams rotated away are read before their successors under the
   * same name, the least recently modified first (after a restart several generations of one
   * name may have lines left), so a name's lines leave in the order they were written.
   */
  private async readAll(): Promise<"idle" | "more" | "blocked"> {
    let state: "idle" | "more" = "idle";
    const streams = [...this.tracker.streams.values()];
    const first = (s: FileStream) => (s.gone || s.rotated ? 0 : 1);
    streams.sort((a, b) => first(a) - first(b) || a.modifiedNs - b.modifiedNs);
    const waiting = new Set<string>();
    for (const s of streams) {
      if (this.halted) break;
      if (waiting.has(s.filename)) continue;
      const result = await s.read(PASS_BUDGET_BYTES);
      this.metrics.unackedBytes.set(this.inflight.bytes);
      if (result === "blocked") return "blocked";
      if (result === "more") {
        state = "more";
        if (s.gone || s.rotated) waiting.add(s.filename);
      }
    }
    return state;
  }

  private async discover(): Promise<void> {
    await this.guard("discover", async () => {
      const files = await this.discovery.files();
      await this.tracker.reconcile(files, Date.now());
      await this.watch?.update(this.files.map((s) => s.file.path));
    });
  }

  private async loadCheckpoints() {
    try {
      return await this.store.load();
    } catch (error) {
      this.metrics.component.errors.inc();
      this.log.warn(`${(error as Error).message}; starting as on a first start`);
      return null;
    }
  }

  /** Writes the checkpoints when they changed, at most every second unless `force`. */
  private async saveCheckpoints(now: number, force: boolean): Promise<void> {
    if (!force && now - this.lastSave < CHECKPOINT_EVERY_MS) return;
    this.lastSave = now;
    const entries = this.tracker.entries();
    const text = JSON.stringify(entries);
    this.unsaved = false;
    if (text === this.lastSaved) return;
    try {
      await this.store.save(entries);
      this.lastSaved = text;
    } catch (error) {
      this.metrics.component.errors.inc();
      this.warnings.once(
        `Cannot write file checkpoints "${this.store.path}": ${(error as Error).message}`,
      );
    }
  }

  /** Runs a step of the loop; a failure is counted and logged, and the loop goes on. */
  private async guard(step: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.metrics.component.errors.inc();
      this.warnings.once(`Cannot ${step} files: ${(error as Error).message}`);
    }
  }

  private listError(message: string): void {
    this.metrics.readErrors.inc();
    this.metrics.component.errors.inc();
    this.warnings.once(message);
  }

  private sleep(ms: number, blocked: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waker = null;
        this.wakeOnAck = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waker = done;
      this.wakeOnAck = blocked;
    });
  }

  private acked(): void {
    this.metrics.unackedBytes.set(this.inflight.bytes);
    this.unsaved = true;
    this.idleWaker?.();
    if (this.wakeOnAck && !this.inflight.full) this.waker?.();
  }

  private halt(): void {
    this.halted = true;
    this.waker?.();
    this.idleWaker?.();
  }
}
