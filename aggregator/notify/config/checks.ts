/** The checks Alertmanager makes on receivers, inhibit rules and HTTP clients, with its wording. */
import { isValidLabelName } from "../../../shared/model/labels.ts";
import { type Matcher, MatcherError, newMatcher, sortMatchers } from "../matchers.ts";
import { checkHttp } from "./http_checks.ts";
import { resolveHttpFiles } from "./http_files.ts";
import { type Complaint, INTEGRATIONS, type Section } from "./integrations.ts";
import type { InhibitRule, Integration, Receiver } from "./model.ts";
import { fieldPos, placeOf, type ShapeDecoder } from "./shape.ts";

/** Prometheus's label names as Alertmanager 0.25 checks them in `match`, `equal`, `group_by`. */
export function isLegacyLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) && isValidLabelName(name);
}

/**
 * Refuses an SMTP address that is not `host:port` as Alertmanager does: Go's
 * net.SplitHostPort, then a port that must not be empty (the host may be).
 */
export function checkSmarthost(
  d: ShapeDecoder,
  at: Section,
  field: string,
  v: string,
  path: string,
): void {
  const split = splitHostPort(v);
  if (split.error === undefined && split.port !== "") return;
  const why = split.error ?? "port cannot be empty";
  const shown = split.error === undefined ? JSON.stringify(v) : v;
  d.fail(fieldPos(at, field), `${path}.${field}`, `address ${shown}: ${why}`);
}

/** Go's net.SplitHostPort: the port of `host:port` or `[host]:port`, or why there is none. */
function splitHostPort(v: string): { port: string; error?: undefined } | { error: string } {
  const colon = v.lastIndexOf(":");
  if (colon === -1) return { error: "missing port in address" };
  // Where `[` and `]` may no longer appear: after the host's brackets, or anywhere.
  let rest = 0;
  if (v.startsWith("[")) {
    const close = v.indexOf("]");
    if (close === -1) return { error: "missing ']' in address" };
    if (close + 1 !== colon) {
      const tooMany = close + 1 < v.length && v[close + 1] === ":";
      return { error: tooMany ? "too many colons in address" : "missing port in address" };
    }
    rest = close + 1;
  } else if (v.slice(0, colon).includes(":")) {
    return { error: "too many colons in address" };
  }
  if (v.indexOf("[", rest === 0 ? 0 : 1) !== -1) return { error: "unexpected '[' in address" };
  if (v.indexOf("]", rest) !== -1) return { error: "unexpected ']' in address" };
  return { port: v.slice(colon + 1) };
}

/** Reads `receivers`: names present and unique, each integration completed from `global`. */
export function decodeReceivers(
  raw: Section,
  global: Section,
  d: ShapeDecoder,
  dir: string,
): Receiver[] {
  const out: Receiver[] = [];
  const seen = new Set<string>();
  for (const r of (raw.receivers as Section[] | undefined) ?? []) {
    const path = placeOf(r).path;
    const name = (r.name as string | undefined) ?? "";
    if (name === "") d.fail(placeOf(r).at, path, "missing name in receiver");
    else if (seen.has(name)) {
      d.fail(
        fieldPos(r, "name"),
        path,
        `notification config name ${JSON.stringify(name)} is not unique`,
      );
    }
    seen.add(name);
    const integrations: Integration[] = [];
    for (const [kind, spec] of Object.entries(INTEGRATIONS)) {
      for (const c of (r[kind] as Section[] | undefined) ?? []) {
        const where = placeOf(c).path;
        const http = c.http_config as Section | undefined;
        checkHttp(d, http, `${where}.http_config`);
        const complaint = spec.complete(c, global);
        if (complaint !== undefined) complain(d, c, complaint);
        else if (kind === "email_configs")
          checkSmarthost(d, c, "smarthost", c.smarthost as string, where);
        // As Alertmanager: an integration's own http_config replaces the global one whole,
        // starting from the client's defaults, not from the global's fields.
        if (kind !== "email_configs") {
          c.http_config =
            http === undefined
              ? global.http_config
              : resolveHttpFiles({ follow_redirects: true, enable_http2: true, ...http }, dir);
        }
        c.send_resolved ??= spec.sendResolved;
        integrations.push({ kind, config: c, sendResolved: c.send_resolved as boolean });
      }
    }
    out.push({ name, integrations });
  }
  return out;
}

/** Reports an integration's complaint at the field (or section) it is about. */
function complain(d: ShapeDecoder, c: Section, complaint: Complaint): void {
  if (typeof complaint === "string") {
    d.fail(placeOf(c).at, placeOf(c).path, complaint);
    return;
  }
  const section = complaint.in ?? c;
  const { field } = complaint;
  const path = placeOf(section).path + (field === undefined ? "" : `.${field}`);
  const at = field === undefined ? placeOf(section).at : fieldPos(section, field);
  d.fail(at, path, complaint.reason);
}

/**
 * Matchers of the legacy `match` and `match_re` maps, as Alertmanager builds them: the regex
 * matcher's value is the anchored pattern `^(?:re)$`, which is how routes print it.
 */
export function legacyMatchers(
  section: Section,
  eq: string,
  re: string,
  d: ShapeDecoder,
): Matcher[] {
  const out: Matcher[] = [];
  for (const [field, regex] of [
    [eq, false],
    [re, true],
  ] as const) {
    const map = section[field] as Record<string, string> | undefined;
    for (const [name, value] of Object.entries(map ?? {})) {
      const where = `${placeOf(section).path}.${field}`;
      if (!isLegacyLabelName(name)) {
        d.fail(fieldPos(map!, name), where, `invalid label name ${JSON.stringify(name)}`);
        continue;
      }
      try {
        // Checked as written first, so that a bad regex is quoted once anchored, as 0.25 does.
        if (regex) newMatcher(name, "=~", value);
        out.push(regex ? newMatcher(name, "=~", `^(?:${value})$`) : newMatcher(name, "=", value));
      } catch (error) {
        if (!(error instanceof MatcherError)) throw error;
        d.fail(fieldPos(map!, name), where, error.message);
      }
    }
  }
  return out;
}

/** Reads `inhibit_rules`: legacy and new matchers together, `equal` names checked. */
export function decodeInhibitRules(raw: Section, d: ShapeDecoder): InhibitRule[] {
  return ((raw.inhibit_rules as Section[] | undefined) ?? []).map((r) => {
    const equal = (r.equal as string[] | undefined) ?? [];
    for (const name of equal) {
      if (!isLegacyLabelName(name)) {
        d.fail(
          fieldPos(r, "equal"),
          `${placeOf(r).path}.equal`,
          `${JSON.stringify(name)} is not a valid label name`,
        );
      }
    }
    const source = [
      ...legacyMatchers(r, "source_match", "source_match_re", d),
      ...((r.source_matchers as Matcher[]) ?? []),
    ];
    const target = [
      ...legacyMatchers(r, "target_match", "target_match_re", d),
      ...((r.target_matchers as Matcher[]) ?? []),
    ];
    return { sourceMatchers: sortMatchers(source), targetMatchers: sortMatchers(target), equal };
  });
}
