/**
 * Expands a `replacement` or `target_label` template against a regex match with the exact
 * rules of Go's `regexp.Expand`, which Prometheus uses:
 *
 * - `$$` is a literal `$`;
 * - `$name` takes the longest run of letters, digits and `_` as the name, so `$1x` refers to
 *   a group named `1x` (usually absent, hence empty) — write `${1}x` to follow `$1` by `x`;
 * - `${name}` delimits the name explicitly;
 * - a name of digits without a leading zero is a group number, anything else a group name;
 * - a missing or unmatched group expands to "", and a `$` not followed by a valid reference
 *   is kept as text.
 */
export function expandTemplate(
  template: string,
  groups: readonly (string | undefined)[],
  groupNames: readonly string[],
): string {
  let out = "";
  let pos = 0;
  for (let dollar = template.indexOf("$"); dollar >= 0; dollar = template.indexOf("$", pos)) {
    out += template.slice(pos, dollar);
    pos = dollar + 1;
    if (template[pos] === "$") {
      out += "$";
      pos++;
      continue;
    }
    const ref = parseReference(template, pos);
    if (ref === null) {
      out += "$";
      continue;
    }
    out += lookup(ref.name, groups, groupNames);
    pos = ref.end;
  }
  return out + template.slice(pos);
}

const NAME_CHARS = /^[\p{L}\p{Nd}_]+/u;

/** Reads `name` or `{name}` at `pos` (just after a `$`); null when malformed. */
function parseReference(template: string, pos: number): { name: string; end: number } | null {
  const braced = template[pos] === "{";
  const start = braced ? pos + 1 : pos;
  const name = NAME_CHARS.exec(template.slice(start))?.[0];
  if (name === undefined) return null;
  let end = start + name.length;
  if (braced) {
    if (template[end] !== "}") return null;
    end++;
  }
  return { name, end };
}

function lookup(
  name: string,
  groups: readonly (string | undefined)[],
  groupNames: readonly string[],
): string {
  const index = groupNumber(name);
  if (index >= 0) return groups[index] ?? "";
  // With repeated names, the first group of that name that took part in the match wins.
  for (let i = 1; i < groupNames.length; i++) {
    if (groupNames[i] === name && groups[i] !== undefined) return groups[i]!;
  }
  return "";
}

/** The group number `name` denotes, or -1 when it is a name (Go's rules, overflow guard included). */
function groupNumber(name: string): number {
  if (name.length > 1 && name.startsWith("0")) return -1;
  let num = 0;
  for (const c of name) {
    if (c < "0" || c > "9" || num >= 1e8) return -1;
    num = num * 10 + Number(c);
  }
  return num;
}
