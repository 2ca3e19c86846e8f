import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
} from "yaml";
import { z } from "zod";

/**
 * Plain scalars read as Go's YAML decoders read them into a config struct, for the files that
 * Go programs read (prometheus.yml, Alertmanager's and promtool's files): the field a scalar
 * lands in decides what it is, not YAML 1.2's core schema. A string field takes the source
 * text (`job_name: 010` is "010", not 10), a bool field YAML 1.1's words (`yes`, `off`, `y`),
 * an int field Go's integer forms (`010` is 8, `1_000`, `0x10`). Quoted scalars stay strings.
 */

/** yaml.v2's (YAML 1.1's) words for a bool; any other spelling (`yEs`, `1`) is none. */
const BOOLS: Readonly<Record<string, boolean>> = {
  y: true,
  Y: true,
  yes: true,
  Yes: true,
  YES: true,
  true: true,
  True: true,
  TRUE: true,
  on: true,
  On: true,
  ON: true,
  n: false,
  N: false,
  no: false,
  No: false,
  NO: false,
  false: false,
  False: false,
  FALSE: false,
  off: false,
  Off: false,
  OFF: false,
};

/** A plain scalar's text read as a bool by yaml.v2; undefined when it is not one. */
export function goYamlBool(text: string): boolean | undefined {
  return Object.hasOwn(BOOLS, text) ? BOOLS[text] : undefined;
}

/**
 * A plain scalar read as an integer as Go's YAML decoders (yaml.v2 and v3 alike) read it:
 * underscores dropped, then Go's base prefixes (`0x1f`, `0b11`, `0o17`, and a leading `0` for
 * octal: `010` is 8); a float is cut to its integer part (`1.5` is 1, `08` is 8), as Go's
 * decoder stores a float in an int field. Null when it is neither, or out of the safe integers.
 */
export function goYamlInt(text: string): number | null {
  // Go's resolver tries a number only for text that starts like one.
  if (!/^[+-]?[0-9]/.test(text)) return null;
  const m = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]?([0-7]+)|([0-9]+))$/.exec(
    text.replaceAll("_", ""),
  );
  if (m === null) return goYamlFloatAsInt(text);
  const [, sign, hex, bin, oct, dec] = m;
  const digits = hex ?? bin ?? oct ?? dec;
  const base = hex !== undefined ? 16 : bin !== undefined ? 2 : oct !== undefined ? 8 : 10;
  // A decimal with a leading zero (`08`) is no integer to Go, but a float.
  if (dec !== undefined && dec.length > 1 && dec.startsWith("0")) return goYamlFloatAsInt(text);
  const n = Number.parseInt(digits, base) * (sign === "-" ? -1 : 1);
  return Number.isSafeInteger(n) ? n : null;
}

function goYamlFloatAsInt(text: string): number | null {
  const plain = text.replaceAll("_", "");
  if (!/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return null;
  const n = Math.trunc(Number(plain));
  return Number.isSafeInteger(n) ? n : null;
}

/** The part of a JSON Schema the walk reads. */
interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
}

/**
 * A `prepare` hook for {@link parseYamlConfig} that reads the plain scalars under the top-level
 * `sections` (all of them when omitted) as Go reads them into `schema`'s fields. The kind of
 * each field comes from the schema's JSON Schema (its input side): a field that takes strings
 * gets the source text, one that takes only booleans or integers Go's reading of the text;
 * what Go would refuse is left for the schema to refuse.
 */
export function goYamlScalars(
  schema: z.ZodType,
  sections?: readonly string[],
): (doc: Document) => void {
  let root: JsonSchema | undefined;
  return (doc) => {
    root ??= z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const top = doc.contents;
    if (!isMap(top)) return;
    for (const pair of top.items) {
      const key = keyText(pair);
      if (sections && !sections.includes(key)) continue;
      walk(doc, pair.value as Node | null, field(root, key));
    }
  };
}

/** The schemas a value may match: `s` itself, or each branch of its union. */
function branches(s: JsonSchema | undefined): JsonSchema[] {
  if (s === undefined) return [];
  return s.anyOf ? s.anyOf.flatMap(branches) : [s];
}

/** The schema of field `key` of an object (or of any key of a map). */
function field(s: JsonSchema | undefined, key: string): JsonSchema | undefined {
  for (const b of branches(s)) {
    const known = b.properties?.[key];
    if (known) return known;
    if (typeof b.additionalProperties === "object") return b.additionalProperties;
  }
  return undefined;
}

function walk(doc: Document, at: Node | null, s: JsonSchema | undefined): void {
  // An alias is read as the field it stands in (its anchor may sit where nothing is read).
  const node = isAlias(at) ? ((at.resolve(doc) as Node | undefined) ?? null) : at;
  if (node === null || s === undefined) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.type === "PLAIN" && typeof pair.key.value !== "string") {
        // A map key is a string to Go (`010: x` is "010").
        pair.key.value = pair.key.source ?? String(pair.key.value);
      }
      const key = keyText(pair);
      if (key !== "<<") {
        walk(doc, pair.value as Node | null, field(s, key));
        continue;
      }
      // Merged maps (`<<: *a` or `<<: [*a, *b]`) are of the same kind as the map merging them.
      const merged = pair.value as Node | null;
      const sources = isSeq(merged) ? (merged.items as Node[]) : [merged];
      for (const source of sources) walk(doc, source, s);
    }
  } else if (isSeq(node)) {
    const items = branches(s).find((b) => b.items)?.items;
    for (const item of node.items) walk(doc, item as Node | null, items);
  } else if (isScalar(node)) {
    readScalar(node, kinds(s));
  }
}

/** The JSON types a field accepts. */
function kinds(s: JsonSchema): Set<string> {
  const out = new Set<string>();
  for (const b of branches(s)) {
    for (const t of [b.type ?? []].flat()) out.add(t);
    if (b.enum?.some((v) => typeof v === "string")) out.add("string");
  }
  return out;
}

function readScalar(node: Scalar, accepts: Set<string>): void {
  if (node.type !== "PLAIN" || node.value === null) return;
  accepts.delete("null");
  const text = node.source ?? String(node.value);
  if (accepts.has("string")) {
    // A plain string is its text already (and one folded over lines must stay folded).
    if (typeof node.value !== "string") node.value = text;
  } else if (accepts.has("boolean") && accepts.size === 1) {
    const b = goYamlBool(text);
    if (b !== undefined) node.value = b;
  } else if (accepts.has("integer") && !accepts.has("number")) {
    const n = goYamlInt(text);
    if (n !== null) node.value = n;
  }
}

function keyText(pair: Pair): string {
  if (!isPair(pair) || !isScalar(pair.key)) return "";
  return String(pair.key.value);
}
