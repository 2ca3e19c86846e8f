/**
 * The write-ahead log of the open metric batch. A batch stays open for up to `batch.max_wait`
 * while scrapes are encoded into it; without this log a crash (kill -9, OOM kill) loses every
 * scrape in it. Each scrape's journal record (the bytes it added to the batch, see
 * shared/codec/journal.ts) is written here before the scrape counts as done; the file is
 * deleted once the sealed batch is in the spool. A restarted agent rebuilds the batch from the
 * records and spools it under the message id it would have had, so JetStream drops it if it
 * had already arrived.
 *
 * One file per open batch, `wal/<epoch>-<seq>.wal`, little-endian:
 *
 *   head:   magic "OWAL" u32 | version u16 | msgId length u16 | subject length u16 | crc32 u32
 *           of the lengths and text | msgId | subject
 *   record: body length u32 | crc32 of body u32 | body
 *
 * Fsync policy: records are written with write(2) and not fsync'ed. The page cache keeps them
 * through a crash of the agent (the failure this log is for: the test kills it with SIGKILL);
 * a power loss can lose the open batch, up to `batch.max_wait` of scrapes. Sealed batches are
 * fsync'ed by the spool, so that is the most a power loss costs. An fsync per scrape would cost
 * ~1 ms each on the virtual disks measured here (spool.ts), for the rarer failure.
 */

import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { ByteWriter } from "../../../shared/codec/writer.ts";
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";

const log = logger("nats-wal");

const MAGIC = 0x4c41574f; // "OWAL" read as a little-endian u32
const VERSION = 1;
const HEAD = 14;
const FRAME = 8;
const NAME = /^\d+-\d+\.wal$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The open batch of a previous run, read back from its log file. */
export interface WalBatch {
  readonly file: string;
  readonly msgId: string;
  readonly subject: string;
  /** Journal records in write order (the valid prefix of the file). */
  readonly records: Uint8Array[];
  /** Bytes after the last valid record (a torn or damaged tail), 0 normally. */
  readonly damagedBytes: number;
}

/** Options of the log. */
export interface WalOptions {
  /** Directory of the log files (`<spool.dir>/wal`). */
  dir: string;
  registry: Registry;
  /** Largest file `recover()` reads; a larger one is damaged (a batch is at most ~1 MiB). */
  maxFileBytes: number;
}

/** Writes the open batch's records to disk and hands back the batches a crash left open. */
export class Wal {
  private readonly frame = new ByteWriter(64 * 1024);
  private readonly epoch = Date.now();
  private files = 0;
  private fd: number | null = null;
  private file = "";
  /** Set after a write failed: the open batch is then kept in memory only, like before the log. */
  private broken = false;
  private readonly m: ReturnType<typeof walMetrics>;

  constructor(private readonly opts: WalOptions) {
    this.m = walMetrics(opts.registry);
  }

  /** Creates the directory and reads the batches a previous run left open, oldest first. */
  async recover(): Promise<WalBatch[]> {
    await mkdir(this.opts.dir, { recursive: true });
    const names = (await readdir(this.opts.dir)).filter((n) => NAME.test(n)).sort(byNumbers);
    const out: WalBatch[] = [];
    for (const name of names) {
      const file = join(this.opts.dir, name);
      try {
        const batch = await readWalFile(file, this.opts.maxFileBytes);
        if (batch.damagedBytes > 0) {
          // A crash mid-write leaves at most a torn last record; anything else is damage.
          this.m.damaged.inc();
          log.warn(
            "Write-ahead log file ends in a damaged record: the scrapes before it are kept",
            {
              file,
              records: batch.records.length,
              damaged_bytes: batch.damagedBytes,
            },
          );
        }
        out.push(batch);
      } catch (err) {
        this.m.damaged.inc();
        log.error("Write-ahead log file is unreadable: deleted, the scrapes in it are lost", {
          file,
          reason: (err as Error).message,
        });
        await this.release(file);
      }
    }
    return out;
  }

  /** Starts the file of a new open batch. */
  begin(msgId: string, subject: string): void {
    this.close();
    this.file = join(this.opts.dir, `${this.epoch}-${this.files++}.wal`);
    this.broken = false;
    const id = encoder.encode(msgId);
    const subj = encoder.encode(subject);
    const head = new Uint8Array(HEAD + id.length + subj.length);
    const v = new DataView(head.buffer);
    v.setUint32(0, MAGIC, true);
    v.setUint16(4, VERSION, true);
    v.setUint16(6, id.length, true);
    v.setUint16(8, subj.length, true);
    head.set(id, HEAD);
    head.set(subj, HEAD + id.length);
    v.setUint32(10, Bun.hash.crc32(headChecked(head)), true);
    this.guard(() => {
      this.fd = openSync(this.file, "w");
      writeSync(this.fd, head);
    });
  }

  /**
   * Appends one record; `fill` writes its body into the given writer (the batch encoder's
   * journal). Synchronous: when it returns, the record is in the kernel's hands.
   */
  append(fill: (w: ByteWriter) => void): void {
    const w = this.frame;
    w.reset();
    w.ensure(FRAME);
    w.pos = FRAME;
    fill(w);
    if (this.fd === null) return;
    const body = w.buf.subarray(FRAME, w.pos);
    const v = new DataView(w.buf.buffer, w.buf.byteOffset, FRAME);
    v.setUint32(0, body.length, true);
    v.setUint32(4, Bun.hash.crc32(body), true);
    this.guard(() => writeSync(this.fd!, w.buf, 0, w.pos));
    this.m.bytes.inc(w.pos);
  }

  /** Closes the open batch's file (it is sealed) and returns its path, "" when there is none. */
  close(): string {
    if (this.fd !== null) this.guard(() => closeSync(this.fd!));
    this.fd = null;
    const file = this.broken ? "" : this.file;
    this.file = "";
    return file;
  }

  /** Deletes a file whose batch is safe in the spool. */
  async release(file: string): Promise<void> {
    if (!file) return;
    await unlink(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") {
        log.warn("Cannot delete write-ahead log file: its batch may be spooled twice", {
          file,
          error: String(err),
        });
      }
    });
  }

  /** Counts a batch rebuilt from the log. */
  countRecovered(samples: number): void {
    this.m.recoveredBatches.inc();
    this.m.recoveredSamples.inc(samples);
  }

  private guard(fn: () => void): void {
    if (this.broken) return;
    try {
      fn();
    } catch (err) {
      // A full or failing disk must not stop the scrapes: the batch still reaches the spool
      // when sealed, it is only unprotected against a crash until then.
      this.broken = true;
      this.m.errors.inc();
      if (this.fd !== null) {
        try {
          closeSync(this.fd);
        } catch {}
        this.fd = null;
      }
      void this.release(this.file);
      log.error("Cannot write the write-ahead log: the open batch is not crash-safe", {
        file: this.file,
        error: String(err),
      });
    }
  }
}

/** Reads one log file: its head (which must be intact) and the valid prefix of its records. */
export async function readWalFile(file: string, maxBytes: number): Promise<WalBatch> {
  const f = Bun.file(file);
  if (f.size > maxBytes) throw new Error(`file is ${f.size} bytes, over the ${maxBytes} limit`);
  const buf = await f.bytes();
  if (buf.length < HEAD) throw new Error("file is shorter than its head");
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (v.getUint32(0, true) !== MAGIC) throw new Error("bad magic number");
  if (v.getUint16(4, true) !== VERSION) throw new Error(`unknown version ${v.getUint16(4, true)}`);
  const idLen = v.getUint16(6, true);
  const subjectLen = v.getUint16(8, true);
  const end = HEAD + idLen + subjectLen;
  if (end > buf.length) throw new Error("head is truncated");
  if (Bun.hash.crc32(headChecked(buf.subarray(0, end))) !== v.getUint32(10, true)) {
    throw new Error("head checksum mismatch");
  }
  const records: Uint8Array[] = [];
  let pos = end;
  while (pos + FRAME <= buf.length) {
    const len = v.getUint32(pos, true);
    const body = buf.subarray(pos + FRAME, pos + FRAME + len);
    if (pos + FRAME + len > buf.length || Bun.hash.crc32(body) !== v.getUint32(pos + 4, true)) {
      break;
    }
    records.push(body);
    pos += FRAME + len;
  }
  return {
    file,
    msgId: decoder.decode(buf.subarray(HEAD, HEAD + idLen)),
    subject: decoder.decode(buf.subarray(HEAD + idLen, end)),
    records,
    damagedBytes: buf.length - pos,
  };
}

/** The bytes of a head its checksum covers: everything but the magic and the checksum. */
function headChecked(head: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length - 8);
  out.set(head.subarray(4, 10), 0);
  out.set(head.subarray(HEAD), 6);
  return out;
}

/** Orders `<epoch>-<n>.wal` names by epoch, then n (write order). */
function byNumbers(a: string, b: string): number {
  const [ea, na] = a.slice(0, -4).split("-").map(Number);
  const [eb, nb] = b.slice(0, -4).split("-").map(Number);
  return ea - eb || na - nb;
}

// Every series exists from the start (at 0), so rates and alerts work before the first event.
function walMetrics(r: Registry) {
  const m = {
    bytes: r.counter(
      "outpost_agent_wal_written_bytes_total",
      "Bytes written to the write-ahead log of the open metric batch.",
    ),
    errors: r.counter(
      "outpost_agent_wal_errors_total",
      "Writes to the write-ahead log that failed; the open batch was then kept in memory only.",
    ),
    damaged: r.counter(
      "outpost_agent_wal_damaged_total",
      "Write-ahead log files or tails found damaged at start; their scrapes are lost.",
    ),
    recoveredBatches: r.counter(
      "outpost_agent_wal_recovered_batches_total",
      "Open batches of a previous run rebuilt from the write-ahead log and spooled.",
    ),
    recoveredSamples: r.counter(
      "outpost_agent_wal_recovered_samples_total",
      "Samples in batches rebuilt from the write-ahead log.",
    ),
  };
  for (const c of Object.values(m)) c.inc(0);
  return m;
}
