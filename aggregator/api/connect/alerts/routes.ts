/**
 * TestRoute: the routes a label set reaches in the notifier's tree, in the order it sends to
 * them, as `amtool config routes test` finds them (`matchRoutes`), each with its path from the
 * root and the group the labels would join.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Label, RouteMatchSchema } from "../../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { formatMatchers } from "../../../notify/matchers.ts";
import type { Notifier } from "../../../notify/notifier.ts";
import { groupKey, groupLabels, matchRoutes, type Route } from "../../../notify/route/route.ts";
import { labelsOut } from "./convert.ts";
import { invalid } from "./inputs.ts";

/** Alertmanager 0.25's label names. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The matching routes for `labels`; a bad or repeated label name is `invalid_argument`. */
export function routeMatches(
  notifier: Notifier,
  labels: readonly Label[],
): MessageInitShape<typeof RouteMatchSchema>[] {
  const set: Record<string, string> = {};
  labels.forEach((l, i) => {
    if (!LABEL_NAME.test(l.name))
      throw invalid(`labels[${i}].name`, `invalid label name ${JSON.stringify(l.name)}`);
    if (Object.hasOwn(set, l.name))
      throw invalid(`labels[${i}].name`, `label ${JSON.stringify(l.name)} is repeated`);
    set[l.name] = l.value;
  });
  return matchRoutes(notifier.root, set).map((route) => ({
    receiver: route.opts.receiver,
    path: pathOf(route),
    index: [...route.index],
    continue: route.continue,
    groupKey: groupKey(route, set),
    groupLabels: labelsOut(groupLabels(route, set)),
    groupWaitMs: BigInt(route.opts.groupWait),
    groupIntervalMs: BigInt(route.opts.groupInterval),
    repeatIntervalMs: BigInt(route.opts.repeatInterval),
  }));
}

/** Each route from the root to `route`, as amtool's tree labels them. */
function pathOf(route: Route): string[] {
  const out: string[] = [];
  for (let r: Route | null = route; r !== null; r = r.parent)
    out.unshift(r.matchers.length === 0 ? "default-route" : formatMatchers(r.matchers));
  return out;
}
