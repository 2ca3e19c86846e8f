/** `route`: the routing tree as written, and the checks Alertmanager makes on it. */
import type { SourcePos } from "../../rules/model.ts";
import type { Matcher } from "../matchers.ts";
import { sortMatchers } from "../matchers.ts";
import type { TimeInterval } from "../timeinterval/model.ts";
import { isLegacyLabelName, legacyMatchers } from "./checks.ts";
import type { Section } from "./integrations.ts";
import type { RouteConfig } from "./model.ts";
import { fieldPos, placeOf, type ShapeDecoder } from "./shape.ts";

/** Reads a decoded route and its children, refusing what Alertmanager's Route refuses. */
export function decodeRoute(r: Section, d: ShapeDecoder, path: string): RouteConfig {
  const fail = (field: string, reason: string) => d.fail(fieldPos(r, field), path, reason);
  const written = r.group_by as string[] | undefined;
  const groupByAll = written?.includes("...") ?? false;
  if (groupByAll && written!.length > 1) {
    fail(
      "group_by",
      "cannot have wildcard group_by (`...`) and other other labels at the same time",
    );
  }
  const seen = new Set<string>();
  for (const name of groupByAll ? [] : (written ?? [])) {
    if (!isLegacyLabelName(name))
      fail("group_by", `invalid label name ${JSON.stringify(name)} in group_by list`);
    else if (seen.has(name))
      fail("group_by", `duplicated label ${JSON.stringify(name)} in group_by`);
    seen.add(name);
  }
  if (r.group_interval === 0) fail("group_interval", "group_interval cannot be zero");
  if (r.repeat_interval === 0) fail("repeat_interval", "repeat_interval cannot be zero");
  const matchers = [
    ...legacyMatchers(r, "match", "match_re", d),
    ...((r.matchers as Matcher[]) ?? []),
  ];
  return {
    receiver: r.receiver as string | undefined,
    groupBy: groupByAll ? [] : written,
    groupByAll,
    matchers: sortMatchers(matchers),
    continue: (r.continue as boolean | undefined) ?? false,
    groupWait: r.group_wait as number | undefined,
    groupInterval: r.group_interval as number | undefined,
    repeatInterval: r.repeat_interval as number | undefined,
    muteTimeIntervals: (r.mute_time_intervals as string[] | undefined) ?? [],
    activeTimeIntervals: (r.active_time_intervals as string[] | undefined) ?? [],
    routes: ((r.routes as Section[] | undefined) ?? []).map((c, i) =>
      decodeRoute(c, d, `${path}.routes[${i}]`),
    ),
    pos: placeOf(r).at,
  };
}

/** What the tree's checks look names up in, and where they report. */
export interface TreeContext {
  readonly receivers: ReadonlySet<string>;
  readonly intervals: ReadonlyMap<string, readonly TimeInterval[]>;
  readonly fail: (pos: SourcePos, reason: string) => void;
}

/** The root's own rules, then every route's references to receivers and time intervals. */
export function checkRouteTree(root: RouteConfig, raw: Section, ctx: TreeContext): void {
  const at = (field: string) => fieldPos(raw, field);
  if (!root.receiver) ctx.fail(placeOf(raw).at, "root route must specify a default receiver");
  if (root.matchers.length > 0) {
    ctx.fail(
      at(raw.matchers ? "matchers" : raw.match ? "match" : "match_re"),
      "root route must not have any matchers",
    );
  }
  if (root.muteTimeIntervals.length > 0)
    ctx.fail(at("mute_time_intervals"), "root route must not have any mute time intervals");
  if (root.activeTimeIntervals.length > 0)
    ctx.fail(at("active_time_intervals"), "root route must not have any active time intervals");
  if (root.continue) ctx.fail(at("continue"), "cannot have continue in root route");
  checkReferences(root, raw, ctx);
}

function checkReferences(route: RouteConfig, raw: Section, ctx: TreeContext): void {
  if (route.receiver && !ctx.receivers.has(route.receiver)) {
    ctx.fail(
      fieldPos(raw, "receiver"),
      `undefined receiver ${JSON.stringify(route.receiver)} used in route`,
    );
  }
  for (const field of ["mute_time_intervals", "active_time_intervals"] as const) {
    const names =
      field === "mute_time_intervals" ? route.muteTimeIntervals : route.activeTimeIntervals;
    for (const name of names) {
      if (!ctx.intervals.has(name)) {
        ctx.fail(
          fieldPos(raw, field),
          `undefined time interval ${JSON.stringify(name)} used in route`,
        );
      }
    }
  }
  const children = (raw.routes as Section[] | undefined) ?? [];
  route.routes.forEach((child, i) => {
    checkReferences(child, children[i], ctx);
  });
}
