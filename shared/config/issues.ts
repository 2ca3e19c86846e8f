import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** A zod issue restated for a person editing YAML: where, and what is wrong. */
export interface Complaint {
  /** Document path the reason is about (the parent map for a missing field). */
  path: readonly PropertyKey[];
  /** True when the message should point at the map key rather than its value. */
  atKey: boolean;
  reason: string;
}

/**
 * Turns one zod issue into complaints. Zod's own wording speaks about JavaScript values;
 * these speak about YAML (list, map, field) and name the offending value.
 */
export function complain(issue: Issue, input: unknown): Complaint[] {
  const path = issue.path;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        atKey: true,
        reason: `unknown field "${key}"`,
      }));
    case "invalid_type":
      return [typeComplaint(issue, input)];
    case "invalid_union":
      return unionComplaints(issue, input);
    case "invalid_key":
      return [
        { path, atKey: true, reason: `invalid key "${String(path.at(-1))}": ${keyReason(issue)}` },
      ];
    case "invalid_value":
      return [{ path, atKey: false, reason: valueReason(issue, valueAt(input, path)) }];
    case "too_small":
      return [{ path, atKey: false, reason: smallReason(issue) }];
    case "too_big":
      return [{ path, atKey: false, reason: bigReason(issue) }];
    default:
      return [{ path, atKey: false, reason: issue.message }];
  }
}

/** Names the YAML type of a parsed value: null, boolean, number, string, list or map. */
export function yamlTypeOf(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "map";
  return typeof value;
}

function typeComplaint(issue: z.core.$ZodIssueInvalidType, input: unknown): Complaint {
  const { path } = issue;
  const parent = path.slice(0, -1);
  const value = valueAt(input, path);
  if (value === undefined && path.length > 0 && !hasKey(valueAt(input, parent), path.at(-1)!)) {
    return {
      path: parent,
      atKey: false,
      reason: `missing required field "${String(path.at(-1))}"`,
    };
  }
  if (issue.expected === "int")
    return { path, atKey: false, reason: `expected an integer, got ${show(value)}` };
  return { path, atKey: false, reason: `expected ${typeName(issue.expected)}, got ${show(value)}` };
}

function unionComplaints(issue: z.core.$ZodIssueInvalidUnion, input: unknown): Complaint[] {
  // A branch that failed deeper than its own type check is the one the user meant.
  const deeper = issue.errors.find((branch) => !branch.every(isTopLevelTypeMismatch));
  if (deeper !== undefined) {
    return deeper.flatMap((inner) =>
      complain({ ...inner, path: [...issue.path, ...inner.path] }, input),
    );
  }
  const expected = [
    ...new Set(
      issue.errors.flat().map((i) => typeName((i as z.core.$ZodIssueInvalidType).expected)),
    ),
  ];
  const value = valueAt(input, issue.path);
  return [
    {
      path: issue.path,
      atKey: false,
      reason: `expected ${expected.join(" or ")}, got ${show(value)}`,
    },
  ];
}

function isTopLevelTypeMismatch(issue: Issue): boolean {
  return issue.code === "invalid_type" && issue.path.length === 0;
}

function keyReason(issue: z.core.$ZodIssueInvalidKey): string {
  return issue.issues.map((inner) => inner.message).join("; ");
}

function valueReason(issue: z.core.$ZodIssueInvalidValue, value: unknown): string {
  const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
  return `expected one of ${options}, got ${show(value)}`;
}

function smallReason(issue: z.core.$ZodIssueTooSmall): string {
  const min = Number(issue.minimum);
  if (issue.origin === "string")
    return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
  if (issue.origin === "array")
    return `must have at least ${min} ${min === 1 ? "entry" : "entries"}`;
  return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
}

function bigReason(issue: z.core.$ZodIssueTooBig): string {
  const max = Number(issue.maximum);
  if (issue.origin === "string") return `must be at most ${max} characters`;
  if (issue.origin === "array") return `must have at most ${max} entries`;
  return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
}

function typeName(expected: string): string {
  if (expected === "array" || expected === "tuple") return "list";
  if (expected === "object" || expected === "record" || expected === "map") return "map";
  if (expected === "int") return "integer";
  return expected;
}

function show(value: unknown): string {
  const type = yamlTypeOf(value);
  if (type === "string" || type === "number" || type === "boolean") {
    return `${type} ${JSON.stringify(value)}`;
  }
  return type;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function hasKey(container: unknown, key: PropertyKey): boolean {
  return container !== null && typeof container === "object" && Object.hasOwn(container, key);
}
