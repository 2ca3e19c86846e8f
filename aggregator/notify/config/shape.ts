/**
 * A strict decoder from a YAML tree to plain objects, driven by a description of each
 * section's fields (a {@link Spec}). Like Alertmanager's YAML decoding it refuses unknown
 * fields and values of the wrong kind; unlike it, it reports every problem with its line and
 * carries on, and it remembers where each field was written so the later checks can point at
 * it too. The same specs tell the printer which fields are secrets.
 */
import { isScalar, type Node } from "yaml";
import type { ConfigProblem } from "../../../shared/config/errors.ts";
import { formatPath } from "../../../shared/config/errors.ts";
import type { SourcePos } from "../../rules/model.ts";
import {
  type Entry,
  isNull,
  items,
  kindOf,
  posOf,
  scalarText,
  type Tree,
} from "../../rules/yaml_tree.ts";
import { parseMatchers } from "../matchers.ts";
import { readScalar } from "./scalars.ts";
import { entriesV2, type Target } from "./yaml_v2.ts";

/** Why a null entry of a list Alertmanager holds pointers in is refused. */
const EMPTY_ENTRY = "empty entry: Alertmanager 0.25 crashes on it; remove it or fill it in";

/** A scalar field's kind: how its text is read and checked. */
export type ScalarKind =
  | "string"
  | "secret"
  | "url"
  /** Any URL Go's url.Parse reads, whatever its scheme (Prometheus's `proxy_url`). */
  | "proxy_url"
  | "secret_url"
  /** A URL whose path and query may hold a token: printed as `scheme://host/<secret>`. */
  | "webhook_url"
  | "bool"
  /** Go's int64. */
  | "int"
  /** Go's uint64. */
  | "uint"
  | "duration"
  /** Go's `time.ParseDuration` (`1h30m`, `1.5s`, no days), kept as written. */
  | "go_duration"
  /** `TLS10` … `TLS13`, as Prometheus's `min_version` and `max_version`. */
  | "tls_version"
  | "matchers"
  | "any";

/** What a field holds: a scalar, an object with known fields, a list or a map of something. */
export type Spec =
  | ScalarKind
  | {
      readonly object: string;
      readonly fields: Readonly<Record<string, Spec>>;
      /** Fields it does not name are taken as they are (`any`), not refused. */
      readonly open?: boolean;
    }
  | {
      readonly list: Spec;
      /**
       * What a null item is (Go's zero value where Alertmanager's list holds values; refused
       * where it holds pointers, on which 0.25 crashes); left out when unset.
       */
      readonly nulls?: "zero" | "refuse";
    }
  | { readonly map: Spec };

/** Where a decoded object's fields were written, kept beside it. */
export interface Placed {
  /** Position of the object itself. */
  readonly at: SourcePos;
  /** Position of each field's value, by field name (of each key, for maps). */
  readonly fields: Record<string, SourcePos>;
  /** The object's path in the document, as `route.routes[1]`. */
  readonly path: string;
}

const PLACES = new WeakMap<object, Placed>();

/** Where a decoded object (or list, or map) was written; 1:1 for one built by default. */
export function placeOf(value: object): Placed {
  return PLACES.get(value) ?? { at: { line: 1, column: 1 }, fields: {}, path: "" };
}

/** Position of a field of a decoded object, or of the object itself when the field is absent. */
export function fieldPos(value: object, field: string): SourcePos {
  const place = placeOf(value);
  return place.fields[field] ?? place.at;
}

/** Decodes YAML nodes against specs, collecting problems for one file. */
export class ShapeDecoder {
  constructor(
    private readonly tree: Tree,
    private readonly file: string,
    readonly problems: ConfigProblem[],
  ) {}

  /** Decodes `node` as `spec`; undefined when it is null or wrong (the problem is recorded). */
  decode(node: Node | null, spec: Spec, path: PropertyKey[]): unknown {
    if (isNull(node)) return undefined;
    if (typeof spec === "string") return this.scalar(node!, spec, path);
    if ("object" in spec) return this.object(node!, spec, path);
    if ("list" in spec) return this.list(node!, spec, path);
    return this.map(node!, spec.map, path);
  }

  /** Records a problem at a position. */
  fail(pos: SourcePos, path: PropertyKey[] | string, reason: string): void {
    const where = typeof path === "string" ? path : formatPath(path);
    this.problems.push({
      file: this.file,
      line: pos.line,
      column: pos.column,
      path: where,
      reason,
    });
  }

  private object(
    node: Node,
    spec: { object: string; fields: Readonly<Record<string, Spec>>; open?: boolean },
    path: PropertyKey[],
  ): Record<string, unknown> | undefined {
    if (kindOf(node) !== "!!map") return this.wrongKind(node, path, spec.object);
    const out: Record<string, unknown> = {};
    const fields: Record<string, SourcePos> = {};
    for (const e of this.entries(node, "struct", path)) {
      const named = Object.hasOwn(spec.fields, e.key) ? spec.fields[e.key] : undefined;
      const fieldSpec = named ?? (spec.open ? "any" : undefined);
      if (fieldSpec === undefined) {
        this.fail(posOf(this.tree, e.keyNode), path, `field ${e.key} not found in ${spec.object}`);
        continue;
      }
      fields[e.key] = posOf(this.tree, e.value ?? e.keyNode);
      const value = this.decode(e.value, fieldSpec, [...path, e.key]);
      if (value !== undefined) out[e.key] = value;
    }
    PLACES.set(out, { at: posOf(this.tree, node), fields, path: formatPath(path) });
    return out;
  }

  /** A mapping's entries as yaml.v2 reads them, its merge problems recorded. */
  private entries(node: Node, target: Target, path: PropertyKey[]): readonly Entry[] {
    const read = entriesV2(this.tree, node, target);
    for (const p of read.problems) this.fail(p.at, path, p.reason);
    return read.entries;
  }

  private list(
    node: Node,
    spec: { list: Spec; nulls?: "zero" | "refuse" },
    path: PropertyKey[],
  ): unknown[] | undefined {
    if (kindOf(node) !== "!!seq") return this.wrongKind(node, path, "list");
    const out: unknown[] = [];
    const fields: Record<string, SourcePos> = {};
    items(this.tree, node).forEach((item, i) => {
      const pos = item === null ? posOf(this.tree, node) : posOf(this.tree, item);
      fields[String(i)] = pos;
      if (isNull(item) && spec.nulls === "refuse") {
        this.fail(pos, [...path, i], EMPTY_ENTRY);
      } else if (isNull(item) && spec.nulls === "zero") {
        out.push(this.zero(spec.list, pos, [...path, i]));
      } else {
        const value = this.decode(item, spec.list, [...path, i]);
        if (value !== undefined) out.push(value);
      }
    });
    PLACES.set(out, { at: posOf(this.tree, node), fields, path: formatPath(path) });
    return out;
  }

  /** Go's zero value of a spec: "" or an object without fields, placed where the null was. */
  private zero(spec: Spec, at: SourcePos, path: PropertyKey[]): unknown {
    if (typeof spec === "string") return "";
    const out = {};
    PLACES.set(out, { at, fields: {}, path: formatPath(path) });
    return out;
  }

  private map(node: Node, of: Spec, path: PropertyKey[]): Record<string, unknown> | undefined {
    if (kindOf(node) !== "!!map") return this.wrongKind(node, path, "map");
    const out: Record<string, unknown> = {};
    const fields: Record<string, SourcePos> = {};
    for (const e of this.entries(node, "map", path)) {
      fields[e.key] = posOf(this.tree, e.keyNode);
      const value = this.decode(e.value, of, [...path, e.key]);
      out[e.key] = value ?? "";
    }
    PLACES.set(out, { at: posOf(this.tree, node), fields, path: formatPath(path) });
    return out;
  }

  private scalar(node: Node, kind: ScalarKind, path: PropertyKey[]): unknown {
    if (kind === "any") return nodeToJs(node);
    if (kind === "matchers") return this.matchers(node, path);
    if (!isScalar(node)) return this.wrongKind(node, path, kind === "bool" ? "bool" : "string");
    try {
      return readScalar(node, kind);
    } catch (error) {
      this.fail(posOf(this.tree, node), path, (error as Error).message);
      return undefined;
    }
  }

  private matchers(node: Node, path: PropertyKey[]): unknown {
    if (kindOf(node) !== "!!seq") return this.wrongKind(node, path, "matchers");
    const out = [];
    for (const item of items(this.tree, node)) {
      if (item !== null && !isScalar(item)) {
        this.wrongKind(item, path, "string");
        continue;
      }
      try {
        out.push(...parseMatchers(item === null ? "" : scalarText(item)));
      } catch (error) {
        this.fail(posOf(this.tree, item), path, (error as Error).message);
      }
    }
    PLACES.set(out, { at: posOf(this.tree, node), fields: {}, path: formatPath(path) });
    return out;
  }

  private wrongKind(node: Node, path: PropertyKey[], into: string): undefined {
    const shown = isScalar(node) ? `${kindOf(node)} \`${scalarText(node)}\`` : kindOf(node);
    this.fail(posOf(this.tree, node), path, `cannot unmarshal ${shown} into ${into}`);
    return undefined;
  }
}

function nodeToJs(node: Node): unknown {
  return (node as { toJSON?: () => unknown }).toJSON?.() ?? null;
}
