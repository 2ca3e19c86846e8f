/**
 * One scalar of alertmanager.yml read into a field of a given kind, as yaml.v2 and
 * Alertmanager's own types read it: bools in YAML 1.1's words, integers in Go's forms and
 * ranges, explicit tags (`!!str`, `!!int`, `!!bool`, `!!binary`) obeyed, and the kinds
 * Alertmanager checks when it reads them (URLs, durations, TLS versions). Throws the message
 * Alertmanager gives when it refuses one.
 */
import type { Scalar } from "yaml";
import { goYamlBool, goYamlInt } from "../../../shared/config/go_yaml.ts";
import { parseDuration } from "../../../shared/time/duration.ts";
import { parseGoDuration } from "../../../shared/time/go_duration.ts";
import { kindOf, scalarText } from "../../rules/yaml_tree.ts";
import { parseGoUrl } from "./go_url.ts";
import type { ScalarKind } from "./shape.ts";
import { checkUrl } from "./url.ts";

const TAG = "tag:yaml.org,2002:";
const TLS_VERSIONS = new Set(["TLS10", "TLS11", "TLS12", "TLS13"]);
// Go's integer ranges, by the type Alertmanager gives the field.
const RANGES = {
  int: { go: "int64", min: -(2n ** 63n), max: 2n ** 63n - 1n },
  uint: { go: "uint64", min: 0n, max: 2n ** 64n - 1n },
} as const;

/** Reads `node` as a field of `kind` (not `any` nor `matchers`, which are no one scalar). */
export function readScalar(node: Scalar, kind: ScalarKind): unknown {
  const text = scalarText(node);
  switch (kind) {
    case "bool":
      return readBool(node, text);
    case "int":
    case "uint":
      return readInt(node, text, kind);
    case "duration":
      return alertmanagerDuration(text);
    case "url":
    case "secret_url":
    case "webhook_url":
      checkUrl(text);
      return text;
    case "proxy_url":
      parseGoUrl(text);
      return text;
    case "go_duration": {
      const parsed = parseGoDuration(text);
      if (parsed.error !== undefined) throw new SyntaxError(parsed.error);
      return text;
    }
    case "tls_version":
      if (!TLS_VERSIONS.has(text)) throw new RangeError(`unknown TLS version: ${text}`);
      return text;
    default:
      // yaml.v2 decodes a `!!binary` scalar before it lands in a string.
      return node.tag === `${TAG}binary` ? Buffer.from(text, "base64").toString() : text;
  }
}

function readBool(node: Scalar, text: string): boolean {
  const plain = node.tag === `${TAG}bool` || (node.type === "PLAIN" && node.tag === undefined);
  const b = plain ? goYamlBool(text) : undefined;
  if (b === undefined)
    throw new TypeError(`cannot unmarshal ${kindOf(node)} \`${text}\` into bool`);
  return b;
}

/**
 * An integer as yaml.v2 reads one (`1_000`, `0x10`, `010` octal, `5.0` cut to 5), in the Go
 * type's range. Past 2^53 the number kept is the nearest JavaScript has (a chat id or an alert
 * limit that large is no real one, but Alertmanager accepts it).
 */
function readInt(node: Scalar, text: string, kind: "int" | "uint"): number {
  const range = RANGES[kind];
  const tag = node.tag;
  const readable =
    tag === `${TAG}int` || tag === `${TAG}float` || (tag === undefined && node.type === "PLAIN");
  const n = readable ? goInteger(text) : null;
  if (n === null || n < range.min || n > range.max) {
    throw new TypeError(`cannot unmarshal ${kindOf(node)} \`${text}\` into ${range.go}`);
  }
  return Number(n);
}

/** Go's integer forms as a bigint, past the safe integers too; null when `text` is none. */
function goInteger(text: string): bigint | null {
  const safe = goYamlInt(text);
  if (safe !== null) return BigInt(safe);
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[1-9][0-9]*)$/.exec(
    text.replaceAll("_", ""),
  );
  if (m === null) return null;
  const magnitude = BigInt(m[2]!.replace(/^0[xXbBoO]/, (p) => p.toLowerCase()));
  return m[1] === "-" ? -magnitude : magnitude;
}

/** Prometheus's durations with Alertmanager 0.25's message for every malformed one. */
function alertmanagerDuration(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    if (!(error as Error).message.startsWith("unknown unit")) throw error;
    throw new SyntaxError(`not a valid duration string: ${JSON.stringify(text)}`);
  }
}
