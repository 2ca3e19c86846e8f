/**
 * Alertmanager's extra functions for notification templates (its template.go DefaultFuncs):
 * join, stringSlice, date, tz, since, trimSpace, besides the string and regex helpers shared
 * with Prometheus. `title` here follows Alertmanager's strings.Title, like Prometheus's.
 */
import { compileSearch } from "../../shared/regex/regex.ts";
import type { FuncMap } from "./func.ts";
import { humanizeDuration } from "./humanize.ts";
import { reReplaceAll, title, toLower, toUpper } from "./strings.ts";
import { formatTime, knownZone } from "./time.ts";
import { GoDuration, GoString, GoTime, typed, type Value } from "./values.ts";

/** Alertmanager's template functions; `now` is the clock `since` reads (for tests). */
export function alertmanagerFuncs(
  now: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
): FuncMap {
  return {
    toUpper: { params: ["string"], fn: toUpper },
    toLower: { params: ["string"], fn: toLower },
    title: { params: ["string"], fn: title },
    trimSpace: {
      params: ["string"],
      fn: (s) => (s as string).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, ""),
    },
    join: {
      params: ["string", "[]string"],
      fn: (sep, s) => ((s ?? []) as string[]).join(sep as string),
    },
    match: {
      params: ["string", "string"],
      fn: (p, s) => compileSearch(p as string).test(s as string),
    },
    safeHtml: { params: ["string"], fn: (t) => new GoString("template.HTML", t as string) },
    reReplaceAll: { params: ["string", "string", "string"], fn: reReplaceAll },
    stringSlice: {
      params: ["string"],
      variadic: true,
      fn: (...s) => typed(s as Value[], "[]string"),
    },
    date: {
      params: ["string", "time.Time"],
      fn: (layout, t) => formatTime(t as GoTime, layout as string),
    },
    tz: {
      params: ["string", "time.Time"],
      fn: (name, t) => {
        if (!knownZone(name as string)) throw new Error(`unknown time zone ${name}`);
        return new GoTime((t as GoTime).nanos, name as string);
      },
    },
    since: { params: ["time.Time"], fn: (t) => new GoDuration(now() - (t as GoTime).nanos) },
    humanizeDuration: { params: ["interface {}"], fn: humanizeDuration },
  };
}
