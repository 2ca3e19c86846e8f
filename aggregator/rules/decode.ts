/**
 * The first pass over a rule file: its shape. Like Prometheus's strict YAML decoding
 * (`KnownFields`), an unknown field or a value of the wrong kind is refused here, before any
 * rule is checked; unlike it, every message carries the line of the node it concerns.
 */
import { isScalar, type Node } from "yaml";
import { goYamlInt } from "../../shared/config/go_yaml.ts";
import { parseDuration } from "../../shared/time/duration.ts";
import type { SourcePos } from "./model.ts";
import {
  type Entry,
  entries,
  isNull,
  items,
  kindOf,
  posOf,
  scalarText,
  type Tree,
} from "./yaml_tree.ts";

/** A string read from the file, with where its value was written. */
export interface Text {
  readonly value: string;
  readonly pos: SourcePos;
}

/** A label or annotation: its key's position, and its value. */
export interface Pair extends Text {
  readonly keyPos: SourcePos;
}

/** A rule as written, before its fields are checked against each other. */
export interface DraftRule {
  readonly index: number;
  readonly pos: SourcePos;
  readonly fields: Record<string, SourcePos>;
  record?: Text;
  alert?: Text;
  expr?: Text;
  for: number;
  keepFiringFor: number;
  readonly labels: Map<string, Pair>;
  readonly annotations: Map<string, Pair>;
}

/** A group as written. */
export interface DraftGroup {
  readonly index: number;
  readonly pos: SourcePos;
  readonly fields: Record<string, SourcePos>;
  name?: Text;
  interval?: number;
  queryOffset?: number;
  limit: number;
  readonly labels: Map<string, Pair>;
  readonly rules: DraftRule[];
}

/** A problem found while decoding or checking: where, in which group and rule, and what. */
export interface Finding {
  readonly pos: SourcePos;
  /** `group "g", rule 2, "X"` as promtool names the place; "" for the file itself. */
  readonly context: string;
  /** Index of the group concerned in the file, or -1 for the file as a whole. */
  readonly group: number;
  readonly reason: string;
}

/** Decodes a rule file's tree into draft groups, recording every shape problem in `out`. */
export function decodeRuleFile(tree: Tree, root: Node | null, out: Finding[]): DraftGroup[] {
  if (isNull(root)) return [];
  const d = new Decoder(tree, out);
  const groups: DraftGroup[] = [];
  d.fields(root!, "rule file", "", -1, {
    groups: (e) => {
      d.list(e, "", -1).forEach((node, i) => {
        if (!isNull(node)) groups.push(d.group(node!, i));
      });
    },
  });
  return groups;
}

/**
 * Decodes one rule group written alone (the body of a ruler API upload, as Mimir takes it)
 * into a draft group, recording every shape problem in `out`; none when `root` is empty.
 */
export function decodeRuleGroup(tree: Tree, root: Node | null, out: Finding[]): DraftGroup[] {
  if (isNull(root)) return [];
  return [new Decoder(tree, out).group(root!, 0)];
}

type Handlers = Record<string, (entry: Entry) => void>;

class Decoder {
  constructor(
    private readonly tree: Tree,
    private readonly out: Finding[],
  ) {}

  group(node: Node, index: number): DraftGroup {
    const name = entries(this.tree, node).find((e) => e.key === "name");
    const where = `group ${JSON.stringify(name?.value ? scalarText(name.value) : "")}`;
    const g: DraftGroup = {
      index,
      pos: posOf(this.tree, node),
      fields: {},
      limit: 0,
      labels: new Map(),
      rules: [],
    };
    this.fields(
      node,
      "rule group",
      where,
      index,
      {
        name: (e) => (g.name = this.text(e, where, index)),
        interval: (e) => (g.interval = this.duration(e, where, index)),
        query_offset: (e) => (g.queryOffset = this.duration(e, where, index)),
        limit: (e) => (g.limit = this.int(e, where, index)),
        labels: (e) => this.map(e, where, index, g.labels, g.fields, "labels"),
        rules: (e) => {
          // An empty item (`-` alone) is dropped and not counted, as Go's decoder drops it.
          this.list(e, where, index)
            .filter((r) => !isNull(r))
            .forEach((r, i) => {
              g.rules.push(this.rule(r, i + 1, where, index));
            });
        },
      },
      g.fields,
    );
    return g;
  }

  rule(node: Node | null, index: number, groupWhere: string, group: number): DraftRule {
    const r: DraftRule = {
      index,
      pos: posOf(this.tree, node),
      fields: {},
      for: 0,
      keepFiringFor: 0,
      labels: new Map(),
      annotations: new Map(),
    };
    if (node === null) return r;
    const named = entries(this.tree, node).find((e) => e.key === "alert" || e.key === "record");
    const where = `${groupWhere}, rule ${index}, ${JSON.stringify(named?.value ? scalarText(named.value) : "")}`;
    this.fields(
      node,
      "rule",
      where,
      group,
      {
        record: (e) => (r.record = this.text(e, where, group)),
        alert: (e) => (r.alert = this.text(e, where, group)),
        expr: (e) => (r.expr = this.text(e, where, group)),
        for: (e) => (r.for = this.duration(e, where, group) ?? 0),
        keep_firing_for: (e) => (r.keepFiringFor = this.duration(e, where, group) ?? 0),
        labels: (e) => this.map(e, where, group, r.labels, r.fields, "labels"),
        annotations: (e) => this.map(e, where, group, r.annotations, r.fields, "annotations"),
      },
      r.fields,
    );
    return r;
  }

  /** Runs the handler of each known field of a map and refuses the others. */
  fields(
    node: Node,
    what: string,
    where: string,
    group: number,
    handlers: Handlers,
    positions: Record<string, SourcePos> = {},
  ): void {
    if (kindOf(node) !== "!!map") {
      this.fail(node, where, group, `cannot unmarshal ${this.shown(node)} into a ${what}`);
      return;
    }
    for (const entry of entries(this.tree, node)) {
      const handle = Object.hasOwn(handlers, entry.key) ? handlers[entry.key] : undefined;
      if (handle === undefined) {
        this.fail(entry.keyNode, where, group, `unknown field "${entry.key}" in ${what}`);
        continue;
      }
      positions[entry.key] = posOf(this.tree, entry.keyNode);
      handle(entry);
    }
  }

  list(e: Entry, where: string, group: number): (Node | null)[] {
    if (isNull(e.value)) return [];
    if (kindOf(e.value) !== "!!seq") {
      this.fail(
        e.value,
        where,
        group,
        `cannot unmarshal ${this.shown(e.value)} into a list of ${e.key}`,
      );
      return [];
    }
    return items(this.tree, e.value!);
  }

  text(e: Entry, where: string, group: number): Text | undefined {
    if (e.value !== null && !isScalar(e.value)) {
      this.fail(e.value, where, group, `${e.key}: cannot unmarshal ${kindOf(e.value)} into string`);
      return undefined;
    }
    return {
      value: e.value === null ? "" : scalarText(e.value),
      pos: posOf(this.tree, e.value ?? e.keyNode),
    };
  }

  duration(e: Entry, where: string, group: number): number | undefined {
    const text = this.text(e, where, group);
    if (text === undefined || isNull(e.value)) return undefined;
    try {
      return parseDuration(text.value);
    } catch (error) {
      this.fail(e.value, where, group, `${e.key}: ${(error as Error).message}`);
      return undefined;
    }
  }

  int(e: Entry, where: string, group: number): number {
    if (isNull(e.value)) return 0;
    const v = e.value;
    if (isScalar(v) && v.type === "PLAIN") {
      const n = goYamlInt(v.source ?? String(v.value));
      if (n !== null) return n;
    }
    this.fail(v, where, group, `${e.key}: cannot unmarshal ${this.shown(v)} into int`);
    return 0;
  }

  map(
    e: Entry,
    where: string,
    group: number,
    into: Map<string, Pair>,
    positions: Record<string, SourcePos>,
    field: string,
  ): void {
    if (isNull(e.value)) return;
    if (kindOf(e.value) !== "!!map") {
      this.fail(
        e.value,
        where,
        group,
        `${field}: cannot unmarshal ${this.shown(e.value)} into a map`,
      );
      return;
    }
    for (const pair of entries(this.tree, e.value!)) {
      const key = `${field}.${pair.key}`;
      const keyPos = posOf(this.tree, pair.keyNode);
      positions[key] = keyPos;
      const value = this.text({ ...pair, key }, where, group);
      if (value !== undefined) into.set(pair.key, { ...value, keyPos });
    }
  }

  private shown(node: Node | null): string {
    const kind = kindOf(node);
    return isScalar(node) && node.value !== null ? `${kind} \`${scalarText(node)}\`` : kind;
  }

  private fail(node: Node | null, context: string, group: number, reason: string): void {
    this.out.push({ pos: posOf(this.tree, node), context, group, reason });
  }
}
