/**
 * The log streams only the aggregators write: the audit log and the alert history of each
 * tenant (`{job="outpost", stream="audit"|"alert_history"}`), which ListAudit, the history API
 * and the alerts' annotations read back as records. An agent publishes into its tenant's logs
 * under labels of its own choosing, so a batch that claims one of these streams is taken only
 * from the subject its aggregator writer publishes on (`<prefix>.<tenant>.logs.<writer>`),
 * which no agent is enrolled for (cli/nats_auth.ts refuses these ids): else an agent of a
 * tenant could write that tenant's audit trail.
 */
import type { Labels } from "../../shared/model/labels.ts";
import { labelValue } from "../../shared/model/labels.ts";
import { AUDIT_STREAM, AUDIT_WRITER } from "../audit/record.ts";
import { HISTORY_STREAM } from "../notify/history/record.ts";
import { HISTORY_WRITER } from "../notify/history/writer.ts";
import { OWN_LOGS_JOB } from "../storage/catalog/entry.ts";
import { RULES_AGENT } from "./publish.ts";

/** Each own stream, by the `<agent>` of the subject its writer publishes on. */
const WRITER_OF: Readonly<Record<string, string>> = {
  [AUDIT_STREAM]: AUDIT_WRITER,
  [HISTORY_STREAM]: HISTORY_WRITER,
};

/** Agent ids that are the aggregators' own subjects: no agent may be enrolled as one. */
export const RESERVED_AGENT_IDS: readonly string[] = [AUDIT_WRITER, HISTORY_WRITER, RULES_AGENT];

/**
 * The first stream of `streams` that is an aggregator's own and not `agent`'s to write, shown
 * as a selector; undefined when there is none.
 */
export function foreignOwnStream(agent: string, streams: readonly Labels[]): string | undefined {
  for (const labels of streams) {
    if (labelValue(labels, "job") !== OWN_LOGS_JOB) continue;
    const stream = labelValue(labels, "stream");
    const writer = WRITER_OF[stream];
    if (writer !== undefined && writer !== agent)
      return `{job=${JSON.stringify(OWN_LOGS_JOB)}, stream=${JSON.stringify(stream)}}`;
  }
  return undefined;
}
