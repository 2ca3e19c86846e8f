/**
 * Reads alert history back: one LogQL query over the history streams through the log store
 * (so it sees the bucket, whatever aggregator wrote), then the records filtered by the
 * parameters LogQL cannot express on a JSON line (label matchers), each id once, and sorted
 * newest first. A takeover may publish a record again in a batch grouped differently, which
 * JetStream does not see as a duplicate: the answer leaves out the second copy.
 * Kept apart from the HTTP handler so that a Connect-RPC call can use it too.
 */
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import type { LogQueryable } from "../../logs/source.ts";
import { newestFirst, readOwnLog } from "../../ownlog/read.ts";
import { compileMatchers } from "../../storage/matchers.ts";
import type { LabelMatcher } from "../../storage/storage.ts";
import { HISTORY_JOB, HISTORY_STREAM, type HistoryRecord, historyRecordId } from "./record.ts";

/** What to read. */
export interface HistoryQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly kind?: "state" | "notification";
  readonly alertname?: string;
  /** Sets of matchers, any of which may match (`match[]`): an alert's labels, a notification's group labels. */
  readonly matchers: readonly (readonly LabelMatcher[])[];
  readonly receiver?: string;
  readonly limit: number;
  readonly signal?: AbortSignal;
}

/** The LogQL query that selects the history records `q` asks about (before matchers). */
export function historyLogQL(q: HistoryQuery): string {
  const s = (v: string) => JSON.stringify(v);
  const selector = [`job=${s(HISTORY_JOB)}`, `stream=${s(HISTORY_STREAM)}`];
  // A receiver is a notification's: asking for one leaves the state records out.
  const kind = q.receiver !== undefined ? "notification" : q.kind;
  if (kind) selector.push(`kind=${s(kind)}`);
  if (q.receiver !== undefined) selector.push(`receiver=${s(q.receiver)}`);
  let query = `{${selector.join(", ")}}`;
  // A notification names its alerts in its line only; both kinds write `"alertname":"X"`.
  if (q.alertname !== undefined) query += ` |= ${s(`"alertname":${JSON.stringify(q.alertname)}`)}`;
  return query;
}

/** The records `q` selects, newest first, at most `q.limit`. */
export async function queryHistory(
  source: LogQueryable,
  q: HistoryQuery,
): Promise<HistoryRecord[]> {
  const filtering = q.matchers.length > 0;
  const lines = await readOwnLog(source, historyLogQL(q), { ...q, filtering });
  const tests = q.matchers.map((set) => compileMatchers(set));
  const out: { ns: bigint; r: HistoryRecord }[] = [];
  const seen = new Set<string>();
  for (const { ns, line } of lines) {
    const r = parseRecord(line);
    if (r === undefined || !wanted(r, q, tests)) continue;
    // Lines written before batching have no id: theirs is derived the same way.
    const id = r.id ?? historyRecordId(r);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ ns, r });
  }
  return newestFirst(out, q.limit);
}

function parseRecord(line: string): HistoryRecord | undefined {
  try {
    const r = JSON.parse(line) as HistoryRecord;
    return r.kind === "state" || r.kind === "notification" ? r : undefined;
  } catch {
    return undefined; // a line someone else wrote into the stream: not a record
  }
}

function wanted(
  r: HistoryRecord,
  q: HistoryQuery,
  tests: readonly ((labels: readonly string[]) => boolean)[],
): boolean {
  if (q.alertname !== undefined) {
    const names = r.kind === "state" ? [r.alertname] : r.alerts.map((a) => a.alertname);
    if (!names.includes(q.alertname)) return false;
  }
  if (tests.length === 0) return true;
  const labels = labelsFromRecord(r.kind === "state" ? r.labels : r.groupLabels);
  return tests.some((t) => t(labels));
}
