/**
 * Where a restarted journal source resumes: after its stored cursor, and after every entry an
 * earlier run left in the sink's spool (those will still be delivered, so reading them again
 * would send them twice). Spooled pushes carry `journal:<id>:<seqnum id>` and the sequence
 * number past their last entry, the way file pushes carry a file key and an offset.
 */
import type { LogConsumer } from "../../pipeline/component.ts";
import { cursorAt, parseCursor } from "./entry.ts";

/** The origin key of the source `id`'s pushes in sequence number space `seqnumId`. */
export function originKey(id: string, seqnumId: string): string {
  return `journal:${id}:${seqnumId}`;
}

/** Where to resume, and what must be delivered before that position counts as committed. */
export interface Resume {
  cursor: string | null;
  /** Settles once the spooled pushes past the stored cursor are delivered. */
  delivered: Promise<void> | null;
}

/** The resume point of source `id` from its stored cursor and the sink's spooled pushes. */
export function resumeFrom(id: string, stored: string | null, consumer: LogConsumer): Resume {
  const at = stored === null ? null : parseCursor(stored);
  const prefix = `journal:${id}:`;
  let best: { seqnumId: string; next: number } | null = null;
  const waits: Promise<void>[] = [];
  for (const batch of consumer.pendingLogs?.() ?? []) {
    for (const [key, next] of batch.offsets) {
      if (!key.startsWith(prefix)) continue;
      const seqnumId = key.slice(prefix.length);
      // Another sequence number space than the stored cursor's: the journal was replaced.
      if (at !== null && seqnumId !== at.seqnumId) continue;
      if (at !== null && next <= at.seqnum + 1) continue;
      waits.push(batch.delivered);
      if (best === null || next > best.next) best = { seqnumId, next };
    }
  }
  if (best === null) return { cursor: stored, delivered: null };
  return {
    cursor: cursorAt(best.seqnumId, best.next - 1),
    delivered: Promise.all(waits).then(() => {}),
  };
}
