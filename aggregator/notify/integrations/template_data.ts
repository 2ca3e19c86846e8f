/**
 * Notification data as Alertmanager's templates see it (its `template.Data`): `.Receiver`,
 * `.Status`, `.Alerts` with `.Firing`/`.Resolved`, the label and annotation maps as `KV` with
 * `.SortedPairs`, `.Names`, `.Values` and `.Remove`, `.ExternalURL`, and each alert's
 * `.Labels`, `.Annotations`, `.StartsAt`, `.EndsAt`, `.GeneratorURL`, `.Fingerprint`, `.Status`.
 */
import { registerMethods } from "../../template/methods.ts";
import {
  compareStrings,
  declareType,
  GoMap,
  GoStruct,
  GoTime,
  typed,
  type Value,
} from "../../template/values.ts";
import type { AlertData, NotificationData } from "../receivers/data.ts";

const KV = "template.KV";
const ALERTS = "template.Alerts";
const PAIRS = "template.Pairs";
declareType(KV, "map[string]string");
declareType(ALERTS, "[]template.Alert");
declareType(PAIRS, "[]template.Pair");

/** A label or annotation map as Alertmanager's `template.KV`. */
export function kv(record: Readonly<Record<string, string>>): GoMap {
  return new GoMap(Object.entries(record), KV);
}

const entries = (m: Value) => [...(m as GoMap)].map(([k, v]) => [String(k), v as string] as const);

function sortedPairs(m: Value): GoStruct[] {
  const pairs = entries(m).sort((a, b) => compareStrings(a[0], b[0]));
  const list = pairs.map(([Name, Value]) => new GoStruct("template.Pair", { Name, Value }));
  return typed(list, PAIRS);
}

const field = (name: "Name" | "Value") => (pairs: Value) =>
  typed(
    (pairs as GoStruct[]).map((p) => p.fields[name] as string),
    "[]string",
  );

registerMethods(KV, {
  SortedPairs: { params: [], fn: sortedPairs },
  Names: { params: [], fn: (m) => field("Name")(sortedPairs(m)) },
  Values: { params: [], fn: (m) => field("Value")(sortedPairs(m)) },
  Remove: {
    params: ["[]string"],
    fn: (m, keys) => {
      const drop = new Set((keys ?? []) as string[]);
      return new GoMap(
        entries(m).filter(([k]) => !drop.has(k)),
        KV,
      );
    },
  },
});
registerMethods(PAIRS, {
  Names: { params: [], fn: field("Name") },
  Values: { params: [], fn: field("Value") },
});
const byStatus = (status: string) => (alerts: Value) =>
  typed(
    (alerts as GoStruct[]).filter((a) => a.fields.Status === status),
    ALERTS,
  );
registerMethods(ALERTS, {
  Firing: { params: [], fn: byStatus("firing") },
  Resolved: { params: [], fn: byStatus("resolved") },
});

function alertValue(a: AlertData): GoStruct {
  return new GoStruct("template.Alert", {
    Status: a.status,
    Labels: kv(a.labels),
    Annotations: kv(a.annotations),
    StartsAt: goTime(a.startsAt),
    EndsAt: goTime(a.endsAt),
    GeneratorURL: a.generatorURL,
    Fingerprint: a.fingerprint,
  });
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** A time as Go's JSON writes it (RFC 3339 with up to nanoseconds), kept in UTC. */
export function goTime(text: string): GoTime {
  const m = RFC3339.exec(text);
  if (!m) throw new TypeError(`Cannot read time "${text}": it is not RFC 3339`);
  const [, y, mo, d, h, mi, s, frac = "", zone] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s));
  let offset = 0;
  if (zone !== "Z") {
    const sign = zone![0] === "-" ? -1 : 1;
    offset = sign * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6))) * 60_000;
  }
  const nanos = BigInt(date.getTime() - offset) * 1_000_000n + BigInt(frac.padEnd(9, "0") || 0);
  return new GoTime(nanos);
}

/** The `template.Data` value templates run on. */
export function templateData(data: NotificationData): GoStruct {
  return new GoStruct("template.Data", {
    Receiver: data.receiver,
    Status: data.status,
    Alerts: typed(data.alerts.map(alertValue), ALERTS),
    GroupLabels: kv(data.groupLabels),
    CommonLabels: kv(data.commonLabels),
    CommonAnnotations: kv(data.commonAnnotations),
    ExternalURL: data.externalURL,
  });
}
