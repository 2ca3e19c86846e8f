/**
 * The checks of a rule group upload, in the order a client can act on them: the body's size,
 * the namespace's name, the group itself as promtool checks a rule file (the same parser and
 * rules, with line and column), then the caps on rules per group, the group's interval and
 * groups per tenant.
 */
import { formatProblem } from "../../shared/config/errors.ts";
import { readBodyCapped } from "../../shared/http/body.ts";
import { formatDuration } from "../../shared/time/duration.ts";
import { parseRuleGroup } from "../rules/file.ts";
import type { RulerConfig } from "./config.ts";

/** The longest namespace or group name, in UTF-8 bytes (each is one token of a KV key). */
export const MAX_NAME_BYTES = 255;

/** An upload refused: the HTTP status, and the group concerned when it is known. */
export class UploadRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413,
    readonly group?: string,
  ) {
    super(message);
  }
}

/** Reads a request's body as text, refusing (413) one longer than `max` bytes. */
export async function readCapped(req: Request, max: number): Promise<string> {
  const bytes = await readBodyCapped(req, max);
  if (bytes === null) throw tooLarge(max);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UploadRefused("Cannot store rule group: the body is not UTF-8 text", 400);
  }
}

/**
 * Checks an upload of one group into `namespace`; `groupsBesides(name)` is how many groups the
 * tenant would have besides this one (a replaced group does not count twice). Returns the
 * group's name and rule count, or throws {@link UploadRefused}.
 */
export function checkUpload(
  namespace: string,
  text: string,
  config: RulerConfig,
  groupsBesides: (name: string) => number,
): { name: string; rules: number } {
  checkName("namespace", namespace);
  const parsed = parseRuleGroup(text, namespace);
  if (parsed.problems.length > 0) {
    const group = parsed.refused[0];
    const lines = parsed.problems.map(formatProblem).join("; ");
    throw new UploadRefused(`Cannot store rule group: ${lines}`, 400, group || undefined);
  }
  const group = parsed.groups[0];
  if (group === undefined)
    throw new UploadRefused("Cannot store rule group: the body holds no rule group", 400);
  checkName("group", group.name);
  const max = config.max_rules_per_rule_group;
  if (group.rules.length > max)
    throw new UploadRefused(
      `Cannot store rule group ${JSON.stringify(group.name)}: it has ${group.rules.length} rules, over ruler.max_rules_per_rule_group (${max})`,
      400,
      group.name,
    );
  const interval = group.interval ?? 0;
  if (interval > 0 && interval < config.min_interval)
    throw new UploadRefused(
      `Cannot store rule group ${JSON.stringify(group.name)}: its interval ${formatDuration(interval)} is shorter than ruler.min_interval (${formatDuration(config.min_interval)})`,
      400,
      group.name,
    );
  const cap = config.max_rule_groups_per_tenant;
  if (groupsBesides(group.name) + 1 > cap)
    throw new UploadRefused(
      `Cannot store rule group ${JSON.stringify(group.name)}: the tenant would have more than ruler.max_rule_groups_per_tenant (${cap}) groups`,
      400,
      group.name,
    );
  return { name: group.name, rules: group.rules.length };
}

function checkName(what: "namespace" | "group", name: string): void {
  const bytes = new TextEncoder().encode(name).length;
  let reason = "";
  if (bytes === 0) reason = "it is empty";
  else if (bytes > MAX_NAME_BYTES) reason = `it is ${bytes} bytes, over ${MAX_NAME_BYTES}`;
  else if (/[\u0000-\u001f\u007f]/.test(name)) reason = "it holds a control character";
  if (reason !== "")
    throw new UploadRefused(`Cannot store rule group: the ${what} name is invalid: ${reason}`, 400);
}

function tooLarge(max: number): UploadRefused {
  return new UploadRefused(
    `Cannot store rule group: the body is over ruler.max_group_bytes (${max} bytes)`,
    413,
  );
}
