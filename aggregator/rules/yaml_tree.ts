/**
 * Reading a parsed YAML tree the way Go's yaml.v3 decodes into Prometheus's rule structs:
 * aliases followed, `<<` merge keys expanded, scalars read as their source text. Kept apart
 * from the rule checks so that decode.ts reads as the rule file's schema.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
} from "yaml";
import type { SourcePos } from "./model.ts";

/** One `key: value` of a map, with both nodes (the value null when written as nothing). */
export interface Entry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node | null;
}

/** A parsed document and what turns its offsets into lines. */
export interface Tree {
  readonly doc: Document;
  readonly lines: LineCounter;
}

/**
 * Calls `fn` on every alias under `node`, in document order. The YAML library's `visit` freezes
 * a path array at every node, a second of a 50,000-group file; this walk allocates nothing.
 */
export function eachAlias(node: unknown, fn: (alias: Alias) => void): void {
  if (isAlias(node)) fn(node);
  else if (isMap(node) || isSeq(node)) for (const item of node.items) eachAlias(item, fn);
  else if (isPair(node)) {
    eachAlias(node.key, fn);
    eachAlias(node.value, fn);
  }
}

/** Follows an alias to the node it names; other nodes are returned as they are. */
export function deref(tree: Tree, node: Node | null | undefined): Node | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return (node.resolve(tree.doc) as Node | undefined) ?? null;
  return node;
}

/** Where a node starts (1:1 when it has no place, as a value left empty). */
export function posOf(tree: Tree, node: Node | null | undefined): SourcePos {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, column: 1 };
  const { line, col } = tree.lines.linePos(offset);
  return { line, column: col };
}

/** True for a node Go reads as null: nothing written, `~` or `null`. */
export function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/**
 * Each map's entries, worked out once: a map merged again and again (`<<: [*a, *a, …]` at every
 * level of anchors) is not expanded again at each, which grew tenfold a level (a 571-byte upload
 * took 6 s to read).
 */
const expanded = new WeakMap<Node, readonly Entry[]>();

/**
 * The entries of a map in order, `<<: *anchor` merges expanded as yaml.v3 does: keys written
 * in the map win over merged ones, and earlier merged maps win over later ones.
 */
export function entries(tree: Tree, node: Node): readonly Entry[] {
  if (!isMap(node)) return [];
  let known = expanded.get(node);
  if (known === undefined) {
    known = expand(tree, node);
    expanded.set(node, known);
  }
  return known;
}

function expand(tree: Tree, node: Node): Entry[] {
  if (!isMap(node)) return [];
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of node.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? scalarText(keyNode) : "";
    const value = deref(tree, pair.value as Node | null);
    if (key === "<<" && isScalar(keyNode) && keyNode.type === "PLAIN") {
      const sources = isSeq(value) ? value.items.map((i) => deref(tree, i as Node)) : [value];
      for (const source of sources) if (source !== null) merged.push(...entries(tree, source));
    } else own.push({ key, keyNode, value });
  }
  const seen = new Set(own.map((e) => e.key));
  for (const entry of merged) {
    if (seen.has(entry.key)) continue;
    seen.add(entry.key);
    own.push(entry);
  }
  return own;
}

/** The items of a sequence, aliases followed. */
export function items(tree: Tree, node: Node): (Node | null)[] {
  return isSeq(node) ? node.items.map((i) => deref(tree, i as Node | null)) : [];
}

/**
 * A scalar's text as a Go string field receives it: the source of plain scalars (`1.50`
 * stays `1.50`, not `1.5`), the value of quoted ones, "" for null.
 */
export function scalarText(node: Node): string {
  if (!isScalar(node) || node.value === null) return "";
  if (typeof node.value === "string") return node.value;
  return node.type === "PLAIN" && typeof node.source === "string"
    ? node.source
    : String(node.value);
}

/** Names a node's YAML kind as yaml.v3's errors do: `!!seq`, `!!map`, `!!str`, … */
export function kindOf(node: Node | null): string {
  if (isMap(node)) return "!!map";
  if (isSeq(node)) return "!!seq";
  if (isScalar(node)) {
    if (node.value === null) return "!!null";
    if (typeof node.value === "number") return Number.isInteger(node.value) ? "!!int" : "!!float";
    if (typeof node.value === "boolean") return "!!bool";
  }
  return "!!str";
}
