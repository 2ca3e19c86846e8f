/**
 * Prometheus's template functions (its template package): humanizing, label and regex helpers,
 * `query` and the helpers over its result (`first`, `label`, `value`, `sortByLabel`, …),
 * links and URLs. `query` runs through a function the caller passes (the rules evaluator
 * passes one that calls the PromQL engine at the evaluation time).
 */
import { isIP } from "node:net";
import { compileSearch } from "../../shared/regex/regex.ts";
import { parseDuration as parsePrometheusDuration } from "../../shared/time/duration.ts";
import { queryEscape } from "./builtins.ts";
import type { FuncMap } from "./func.ts";
import {
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  toTime,
} from "./humanize.ts";
import { reReplaceAll, title, toLower, toUpper } from "./strings.ts";
import { GoMap, GoString, GoStruct, stringMap, typed, type Value } from "./values.ts";

/** One sample of a query's result: its labels and value. */
export interface QuerySample {
  labels: Record<string, string>;
  value: number;
}

/** Runs a PromQL query for a template (at the time being evaluated); an instant vector. */
export type QueryFunc = (query: string) => QuerySample[] | Promise<QuerySample[]>;

/** What Prometheus's functions need from their caller. */
export interface PrometheusOptions {
  query?: QueryFunc;
  /** The server's external URL (`--web.external-url`), "" when none. */
  externalURL?: string;
}

const ANY = "interface {}";
const SAMPLE = "*template.sample";
const RESULT = "template.queryResult";

function sampleOf(s: QuerySample): GoStruct {
  return new GoStruct("template.sample", { Labels: stringMap(s.labels), Value: s.value }, true);
}

function field(s: Value, name: string): Value {
  return s instanceof GoStruct ? s.fields[name] : undefined;
}

/** Go's net.SplitHostPort; throws on a malformed address. */
export function splitHostPort(hostport: string): [string, string] {
  const i = hostport.lastIndexOf(":");
  const fail = (why: string): never => {
    throw new Error(`address ${hostport}: ${why}`);
  };
  if (i < 0) fail("missing port in address");
  let host: string;
  if (hostport[0] === "[") {
    const end = hostport.indexOf("]");
    if (end < 0) fail("missing ']' in address");
    if (end + 1 === hostport.length) fail("missing port in address");
    if (end + 1 !== i)
      fail(hostport[end + 1] === ":" ? "too many colons in address" : "missing port in address");
    host = hostport.slice(1, end);
    if (hostport.slice(1).includes("[")) fail("unexpected '[' in address");
    if (hostport.slice(end + 1).includes("]")) fail("unexpected ']' in address");
  } else {
    host = hostport.slice(0, i);
    if (host.includes(":")) fail("too many colons in address");
    if (host.includes("[")) fail("unexpected '[' in address");
    if (host.includes("]")) fail("unexpected ']' in address");
  }
  return [host, hostport.slice(i + 1)];
}

function stripPort(hostPort: Value): string {
  try {
    return splitHostPort(hostPort as string)[0];
  } catch {
    return hostPort as string;
  }
}

function stripDomain(hostPort: Value): string {
  let host = hostPort as string;
  let port = "";
  try {
    [host, port] = splitHostPort(host);
  } catch {}
  if (isIP(host) !== 0) return hostPort as string;
  host = host.split(".")[0]!;
  if (port !== "") return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return host;
}

/** Prometheus's `parseDuration` template function: model.ParseDuration, in seconds. */
export function parseDuration(d: string): number {
  return parsePrometheusDuration(d) / 1000;
}

/** Prometheus's functions for alert and console templates. */
export function prometheusFuncs(options: PrometheusOptions = {}): FuncMap {
  const external = options.externalURL ?? "";
  return {
    query: {
      params: ["string"],
      fn: async (q) => {
        if (!options.query) throw new Error("no query function is configured");
        const result = await options.query(q as string);
        return typed(result.map(sampleOf), RESULT);
      },
    },
    first: {
      params: [RESULT],
      fn: (v) => {
        const list = (v ?? []) as Value[];
        if (list.length > 0) return list[0];
        throw new Error("first() called on vector with no elements");
      },
    },
    label: {
      params: ["string", SAMPLE],
      fn: (l, s) => {
        const labels = field(s, "Labels");
        return labels instanceof GoMap ? ((labels.get(l as string) as string) ?? "") : "";
      },
    },
    value: { params: [SAMPLE], fn: (s) => (field(s, "Value") as number) ?? 0 },
    strvalue: {
      params: [SAMPLE],
      fn: (s) => {
        const labels = field(s, "Labels");
        return labels instanceof GoMap ? ((labels.get("__value__") as string) ?? "") : "";
      },
    },
    args: {
      params: [ANY],
      variadic: true,
      fn: (...a) =>
        new GoMap(
          a.map((v, i) => [`arg${i}`, v] as const),
          "map[string]interface {}",
        ),
    },
    reReplaceAll: { params: ["string", "string", "string"], fn: reReplaceAll },
    safeHtml: { params: ["string"], fn: (t) => new GoString("template.HTML", t as string) },
    match: {
      params: ["string", "string"],
      fn: (p, s) => compileSearch(p as string).test(s as string),
    },
    title: { params: ["string"], fn: title },
    toUpper: { params: ["string"], fn: toUpper },
    toLower: { params: ["string"], fn: toLower },
    graphLink: {
      params: ["string"],
      fn: (e) => `/graph?g0.expr=${queryEscape(e as string)}&g0.tab=0`,
    },
    tableLink: {
      params: ["string"],
      fn: (e) => `/graph?g0.expr=${queryEscape(e as string)}&g0.tab=1`,
    },
    sortByLabel: {
      params: ["string", RESULT],
      fn: (l, v) => {
        const list = (v ?? []) as Value[];
        const key = (s: Value) =>
          ((field(s, "Labels") as GoMap | undefined)?.get(l as string) as string) ?? "";
        list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        return list;
      },
    },
    humanize: { params: [ANY], fn: humanize },
    humanize1024: { params: [ANY], fn: humanize1024 },
    humanizeDuration: { params: [ANY], fn: humanizeDuration },
    humanizePercentage: { params: [ANY], fn: humanizePercentage },
    humanizeTimestamp: { params: [ANY], fn: humanizeTimestamp },
    toTime: { params: [ANY], fn: toTime },
    pathPrefix: { params: [], fn: () => urlPath(external) },
    externalURL: { params: [], fn: () => external },
    parseDuration: { params: ["string"], fn: (d) => parseDuration(d as string) },
    stripPort: { params: ["string"], fn: stripPort },
    stripDomain: { params: ["string"], fn: stripDomain },
  };
}

function urlPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\/$/, url.endsWith("/") ? "/" : ""));
  } catch {
    return "";
  }
}
