/**
 * ListSLOs: the SLOs in force (aggregator/slo/status.ts) as messages, their series read
 * through the same query path as the query service.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { SLOSchema } from "../../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import type { GroupEvaluator } from "../../../rules/eval/group.ts";
import { labelsRecord } from "../../../rules/eval/output.ts";
import { type SloQuery, sloStatuses } from "../../../slo/status.ts";
import { instantQuery, type QueryDeps } from "../../query/run.ts";

/** An instant query at `timeMs` through the query service's path. */
export function sloQuery(deps: QueryDeps, timeMs: number, signal: AbortSignal): SloQuery {
  return async (query) => {
    const { result } = await instantQuery(deps, { query, limit: 0, timeMs, signal });
    if (result.type !== "vector") return [];
    return result.samples.map((s) => ({ labels: labelsRecord(s.labels), value: s.v }));
  };
}

/** The SLOs of `groups` (only `service`'s when given), where they stand now. */
export async function slosOut(
  groups: readonly GroupEvaluator[],
  query: SloQuery,
  service: string,
): Promise<MessageInitShape<typeof SLOSchema>[]> {
  const all = await sloStatuses(groups, query, service);
  return all.map((s) => ({
    ...s,
    windowMs: BigInt(s.windowMs),
    burnRates: s.burnRates.map((b) => ({ windowMs: BigInt(b.windowMs), rate: b.rate })),
    alerts: [...s.alerts],
  }));
}
