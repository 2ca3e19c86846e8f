import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/** A 1-based position in a YAML source. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Where a document path ended up in the YAML tree. */
export interface Located {
  /** The node the path names, or the deepest ancestor that exists when it does not. */
  node: Node | null;
  /** The key node of the last map entry walked, when there was one. */
  key: Node | null;
  /** True when every segment of the path was found. */
  complete: boolean;
}

/**
 * Walks a parsed YAML document along a document path (as zod reports it). A path that
 * leaves the tree stops at the deepest node that exists, which is what a "missing field"
 * message should point at.
 */
export function locate(doc: Document, path: readonly PropertyKey[]): Located {
  let node = resolve(doc, doc.contents as Node | null);
  let key: Node | null = null;
  for (const segment of path) {
    const next = child(doc, node, segment);
    if (next === undefined) return { node, key, complete: false };
    node = next.value ?? next.key;
    key = next.key;
  }
  return { node, key, complete: true };
}

/** Returns the 1-based line and column where a node starts (1:1 for the document itself). */
export function positionOf(node: Node | null, lineCounter: LineCounter): SourcePosition {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function child(
  doc: Document,
  node: Node | null,
  segment: PropertyKey,
): { key: Node | null; value: Node | null } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (pair === undefined) return undefined;
    return { key: pair.key as Node, value: resolve(doc, pair.value as Node | null) };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment] as Node | undefined;
    return item === undefined ? undefined : { key: null, value: resolve(doc, item) };
  }
  return undefined;
}

function resolve(doc: Document, node: Node | null): Node | null {
  // An alias points elsewhere in the file; problems are reported where the data is written.
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? node;
  return node;
}
