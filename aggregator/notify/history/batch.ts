/**
 * History's batching: the shared batcher of the aggregator's own logs (ownlog/batch.ts) with
 * history's records. Kept as a module so history's callers and bench name one place.
 */
import type { OwnLogBatch, OwnLogCodec } from "../../ownlog/batch.ts";
import { type HistoryRecord, historyBatchMsgId, historyRecordId, toLogRecord } from "./record.ts";

export { type Batching, DEFAULT_BATCHING, UNBATCHED } from "../../ownlog/batch.ts";

/** How history records become lines and messages. */
export const HISTORY_CODEC: OwnLogCodec<HistoryRecord> = {
  id: historyRecordId,
  toLogRecord,
  batchMsgId: historyBatchMsgId,
};

/** Records cut into one message. */
export type HistoryBatch = OwnLogBatch<HistoryRecord>;
