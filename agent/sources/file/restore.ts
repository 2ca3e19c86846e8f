/**
 * Where a restarted source resumes: the stored checkpoints, moved on by the batches an earlier
 * run left in the sink's spool (they will still be delivered, so their lines must not be read
 * again). Each becomes an orphan until a file claims it: its own inode with the same leading
 * bytes, or a copy of it made by a rotation while the agent was down.
 */
import type { LogConsumer } from "../../pipeline/component.ts";
import type { Candidate, Candidates } from "./candidates.ts";
import type { CheckpointEntry } from "./checkpoint.ts";
import { type Fingerprint, inodeKey, parseFileKey, prefixMatches } from "./identity.ts";
import { FileStream, type StreamContext } from "./stream.ts";

/** A spooled delivery that reaches `offset` in a file. */
export interface PendingDelivery {
  readonly delivered: Promise<void>;
  readonly offset: number;
}

/** A file known from the last run that no stream has claimed yet. */
export interface Orphan {
  readonly key: string;
  readonly filename: string;
  readonly path: string;
  readonly dev: string;
  readonly ino: string;
  readonly fp: Fingerprint;
  /** Where reading resumes: past the checkpoint and past every spooled batch. */
  readonly offset: number;
  /** The acknowledged offset. */
  readonly committed: number;
  readonly pending: readonly PendingDelivery[];
}

/** The spool's pending log batches, per file key. */
export function pendingByKey(consumer: LogConsumer): Map<string, PendingDelivery[]> {
  const byKey = new Map<string, PendingDelivery[]>();
  for (const batch of consumer.pendingLogs?.() ?? []) {
    for (const [key, offset] of batch.offsets) {
      const entry = { delivered: batch.delivered, offset };
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [entry]);
      else list.push(entry);
    }
  }
  return byKey;
}

/**
 * Builds the orphans of a restart. A key the spool knows but the checkpoint file does not (a
 * file first read less than a checkpoint interval before a crash) is rebuilt from the key.
 */
export function orphansOf(
  entries: readonly CheckpointEntry[],
  pending: ReadonlyMap<string, readonly PendingDelivery[]>,
  sourceId: string,
): Orphan[] {
  const orphans: Orphan[] = [];
  const known = new Set<string>();
  for (const e of entries) {
    known.add(e.key);
    const fp = { len: e.fp_len, hash: e.fp };
    orphans.push(withPending({ ...e, fp, committed: e.offset }, pending.get(e.key)));
  }
  for (const [key, list] of pending) {
    const parsed = parseFileKey(key);
    if (known.has(key) || parsed === null || parsed.sourceId !== sourceId) continue;
    const base = { key, filename: "", path: "", dev: parsed.dev, ino: parsed.ino, fp: parsed.fp };
    orphans.push(withPending({ ...base, offset: 0, committed: 0 }, list));
  }
  return orphans;
}

function withPending(
  o: Omit<Orphan, "pending">,
  pending: readonly PendingDelivery[] | undefined,
): Orphan {
  let offset = o.offset;
  for (const p of pending ?? []) if (p.offset > offset) offset = p.offset;
  return {
    key: o.key,
    filename: o.filename,
    path: o.path,
    dev: o.dev,
    ino: o.ino,
    fp: o.fp,
    offset,
    committed: o.committed,
    pending: pending ?? [],
  };
}

/**
 * Hands each orphan to the file that continues it: its own inode if that still starts with its
 * bytes and reaches its offset (checked first for all, so a file's own checkpoint wins), else a
 * copy of it made while the agent was down. Returns the orphans left.
 */
export function matchOrphans(
  orphans: readonly Orphan[],
  candidates: Candidates,
  resume: (o: Orphan, c: Candidate, copy: boolean) => void,
): Orphan[] {
  const left: Orphan[] = [];
  for (const o of orphans) {
    const c = candidates.get(inodeKey(o.dev, o.ino));
    if (c && c.info.size >= o.offset && prefixMatches(c.prefix, o.fp)) resume(o, c, false);
    else left.push(o);
  }
  const rest: Orphan[] = [];
  for (const o of left) {
    const c = candidates.findCopy(o.fp, null, inodeKey(o.dev, o.ino), o.offset);
    if (c === null) rest.push(o);
    else resume(o, c, true);
  }
  return rest;
}

/** The checkpoint of an orphan, kept while it waits for its file. */
export function orphanEntry(o: Orphan): CheckpointEntry {
  const { key, path, filename, dev, ino, fp, committed } = o;
  return { key, path, filename, dev, ino, fp_len: fp.len, fp: fp.hash, offset: committed };
}

/** The stream that resumes orphan `o` in candidate `c`. */
export function resumeStream(ctx: StreamContext, o: Orphan, c: Candidate): FileStream {
  const s = new FileStream(ctx, {
    file: c.file,
    key: o.key,
    fp: o.fp,
    filename: o.filename || c.file.path,
    offset: o.offset,
    committed: o.committed,
    pending: o.pending,
  });
  // Rotated: moved to a copy while the agent was down, or under another path than its name
  // (renamed before or during the downtime), so it is read before its successor.
  s.rotated = c.file.ino !== o.ino || c.file.path !== s.filename;
  return s;
}
