/**
 * The JetStream stream agents publish into and aggregators read. Either creates it when missing (so
 * a fresh install works), but never changes one that exists: the operator may have tuned it,
 * and several programs with different settings must not fight over it.
 */

import {
  DiscardPolicy,
  type JetStreamManager,
  NatsError,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamInfo,
} from "nats";
import { logger } from "../log/log.ts";

const log = logger("nats-stream");

/** JetStream drops a re-published batch only if its first copy is younger than this window. */
export const MIN_DUPLICATE_WINDOW_MS = 10 * 60_000;

// JetStream API error codes (nats-server's errors.json).
const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;
const SUBJECTS_OVERLAP = 10065;

/**
 * Whether `err` is nats-server refusing a stream's create because another program's create of
 * the same stream just won: "stream name already in use", or "subjects overlap with an
 * existing stream" when the server checked both creates before either was in place (seen with
 * two aggregators started at once). The caller looks the stream up again by name: found, it
 * is the winner's; not found, the overlap is a real one with another stream.
 */
export function lostCreateRace(err: unknown): boolean {
  const code = apiErrorCode(err);
  return code === STREAM_NAME_IN_USE || code === SUBJECTS_OVERLAP;
}

/** What the agent needs from its stream. */
export interface StreamOptions {
  name: string;
  /** Subjects the agent publishes on, e.g. `["outpost.ingest.>"]`. */
  subjects: string[];
  maxAgeMs: number;
  maxBytes: number;
  duplicateWindowMs: number;
}

/** Creates the stream if it is missing; warns when an existing one does not fit the agent. */
export async function ensureStream(
  jsm: JetStreamManager,
  opts: StreamOptions,
): Promise<StreamInfo> {
  if (opts.maxAgeMs > 0 && opts.duplicateWindowMs > opts.maxAgeMs) {
    throw new RangeError(
      `Cannot create stream "${opts.name}": the duplicate window (${opts.duplicateWindowMs} ms) exceeds the max age (${opts.maxAgeMs} ms)`,
    );
  }
  const existing = await streamInfo(jsm, opts.name);
  if (existing) return checkExisting(existing, opts);
  try {
    const info = await jsm.streams.add({
      name: opts.name,
      subjects: opts.subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(opts.maxAgeMs),
      max_bytes: opts.maxBytes,
      duplicate_window: nanos(opts.duplicateWindowMs),
    });
    log.info("Created stream", { stream: opts.name, subjects: opts.subjects.join(",") });
    return info;
  } catch (err) {
    // Another program created it between our lookup and our create.
    if (!lostCreateRace(err)) throw err;
    const raced = await streamInfo(jsm, opts.name);
    if (!raced) throw err;
    return checkExisting(raced, opts);
  }
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (apiErrorCode(err) === STREAM_NOT_FOUND) return null;
    throw err;
  }
}

function checkExisting(info: StreamInfo, opts: StreamOptions): StreamInfo {
  const windowMs = info.config.duplicate_window / 1e6;
  if (windowMs < MIN_DUPLICATE_WINDOW_MS) {
    log.warn(
      "Stream's duplicate window is too short: batches re-sent after a restart may be stored twice",
      {
        stream: opts.name,
        duplicate_window_ms: windowMs,
        wanted_ms: MIN_DUPLICATE_WINDOW_MS,
      },
    );
  }
  const theirs = info.config.subjects ?? [];
  const uncovered = opts.subjects.filter((s) => !theirs.some((t) => subjectCovers(t, s)));
  if (uncovered.length > 0) {
    log.warn("Stream does not capture the agent's subjects: those batches cannot be stored", {
      stream: opts.name,
      stream_subjects: theirs.join(","),
      uncovered: uncovered.join(","),
    });
  }
  return info;
}

function apiErrorCode(err: unknown): number | undefined {
  return err instanceof NatsError ? err.api_error?.err_code : undefined;
}

/** Whether every subject matched by `subject` (which may hold wildcards) is matched by `filter`. */
export function subjectCovers(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return i < s.length;
    if (i >= s.length || s[i] === ">") return false;
    if (f[i] !== "*" && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}
