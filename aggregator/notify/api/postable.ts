/**
 * The body of `POST /api/v2/alerts` read as Alertmanager reads it: a JSON array of postable
 * alerts (`labels` required; `annotations`, `startsAt`, `endsAt`, `generatorURL` optional).
 * As in Alertmanager, in three steps: a body that cannot be decoded as such an array is
 * refused whole (PostableError, 400); one that breaks the API's schema (an alert without
 * labels, a `generatorURL` that is not a URI) is refused whole too (SchemaError, 422, the first
 * problem); then alerts that fail Alertmanager's own checks (an end before the start, a bad
 * label or annotation name, no labels left) are refused one by one, with their messages
 * joined by "; ", and the others are kept. Labels with empty values are dropped first.
 */
import { goQuote } from "../../../shared/model/go_string.ts";
import { ZERO_TIME } from "../../../shared/time/go_json.ts";
import type { IncomingAlert } from "../alerts.ts";
import { isRequestUri } from "./request_uri.ts";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A body that cannot be read as postable alerts. */
export class PostableError extends TypeError {}

/**
 * A body that breaks the API's schema, with go-swagger's code: 602 a required field missing,
 * 601 a value of the wrong format.
 */
export class SchemaError extends TypeError {
  constructor(
    readonly code: 601 | 602,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function stringMap(v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new PostableError(`${where} must be an object of strings`);
  for (const x of Object.values(v)) {
    if (typeof x !== "string") throw new PostableError(`${where} must be an object of strings`);
  }
  return v as Record<string, string>;
}

/**
 * Go's zero time, which Go senders write for a time they leave unset (`amtool alert add`
 * sends it as both `startsAt` and `endsAt`): unset, as Alertmanager's `IsZero()` takes it.
 */
const GO_ZERO_MS = Date.parse(ZERO_TIME);

function time(v: unknown, where: string): number {
  if (v === undefined || v === null || v === "") return 0;
  const ms = typeof v === "string" ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms))
    throw new PostableError(`${where} is not an RFC 3339 time: ${JSON.stringify(v)}`);
  return ms === GO_ZERO_MS ? 0 : ms;
}

/**
 * The alerts of a parsed body; throws PostableError when the body is not an array of alerts
 * (JSON's `null` is none, as Go decodes it), SchemaError when one breaks the API's schema.
 */
export function parsePostable(body: unknown): IncomingAlert[] {
  if (body === null) return [];
  if (!Array.isArray(body)) throw new PostableError("the body must be a JSON array of alerts");
  const alerts = body.map((a, i) => {
    if (!isObject(a)) throw new PostableError(`alert ${i} must be an object`);
    if (a.generatorURL !== undefined && a.generatorURL !== null) {
      if (typeof a.generatorURL !== "string") {
        throw new PostableError(`${i}.generatorURL must be a string`);
      }
    }
    return {
      labels:
        a.labels === undefined || a.labels === null ? null : stringMap(a.labels, `${i}.labels`),
      annotations: stringMap(a.annotations, `${i}.annotations`),
      startsAt: time(a.startsAt, `${i}.startsAt`),
      endsAt: time(a.endsAt, `${i}.endsAt`),
      generatorURL: (a.generatorURL as string | null | undefined) ?? "",
    };
  });
  // The schema is checked once the whole body has been decoded, alert by alert.
  alerts.forEach((a, i) => {
    if (a.generatorURL !== "" && !isRequestUri(a.generatorURL)) {
      throw new SchemaError(
        601,
        `${i}.generatorURL in body must be of type uri: ${goQuote(a.generatorURL)}`,
      );
    }
    if (a.labels === null) throw new SchemaError(602, `${i}.labels in body is required`);
  });
  return alerts.map((a) => ({
    ...a,
    labels: Object.fromEntries(Object.entries(a.labels ?? {}).filter(([, v]) => v !== "")),
  }));
}

/**
 * The most text an alert may hold (its label and annotation names and values, and its
 * generatorURL). An alert is shared between aggregators as one NATS message of JSON, where a
 * character takes at most 6 bytes: this keeps it under nats-server's default 1 MiB, which an
 * alert accepted and then never shared would silently pass. Alertmanager, alone in its
 * process, has no such limit; no alert a real sender makes comes near it.
 */
export const MAX_ALERT_CHARS = 128 * 1024;

/**
 * Alertmanager's complaint about an alert (after its times are filled), or undefined. With
 * `sized` (alerts posted to the API), also a bad annotation name and one too large to share
 * (MAX_ALERT_CHARS); the aggregator's own rules' alerts are kept whatever their size, and
 * with the annotation names their rule file was allowed.
 */
export function validateAlert(
  a: {
    labels: Readonly<Record<string, string>>;
    annotations?: Readonly<Record<string, string>>;
    generatorURL?: string;
    startsAt: number;
    endsAt: number;
  },
  sized = true,
): string | undefined {
  // In Alertmanager's order (types.Alert.Validate).
  if (a.endsAt !== 0 && a.endsAt < a.startsAt) return "start time must be before end time";
  const names = Object.keys(a.labels);
  const bad = names.find((n) => !LABEL_NAME.test(n));
  if (bad !== undefined) return `invalid label set: invalid name ${goQuote(bad)}`;
  if (names.length === 0) return "at least one label pair required";
  // The rules' own alerts stop here: a rule file may name annotations as Prometheus 3 allows
  // (any UTF-8, `runbook-url`), which Alertmanager 0.25's API refuses from a sender.
  if (!sized) return undefined;
  const badAnnotation = Object.keys(a.annotations ?? {}).find((n) => !LABEL_NAME.test(n));
  if (badAnnotation !== undefined)
    return `invalid annotations: invalid name ${goQuote(badAnnotation)}`;
  const chars = textLength(a.labels) + textLength(a.annotations) + (a.generatorURL?.length ?? 0);
  if (chars > MAX_ALERT_CHARS)
    return `alert too large: ${chars} characters of labels, annotations and generatorURL, at most ${MAX_ALERT_CHARS}`;
  return undefined;
}

function textLength(map: Readonly<Record<string, string>> | undefined): number {
  let n = 0;
  for (const key in map) n += key.length + map[key].length;
  return n;
}
