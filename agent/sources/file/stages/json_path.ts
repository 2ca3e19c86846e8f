/**
 * The paths a `json` stage extracts, compiled into one tree so that a single pass over the
 * line serves all of them. Paths are the simple JMESPath subset people write in Promtail:
 * `a.b`, `a[0]`, `a.b[2].c`, and quoted keys for names with dots (`"x.y".z`, `a["x.y"]`).
 */

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** A node of the path tree: the names that take the value here, and the steps below it. */
export interface PathNode {
  readonly targets: string[];
  keys: Map<string, PathNode> | null;
  indexes: Map<number, PathNode> | null;
}

/** Parses a path expression; throws a SyntaxError saying what is wrong. */
export function parseJsonPath(expr: string): PathSegment[] {
  const fail = (why: string) => new SyntaxError(`Cannot parse JSON path "${expr}": ${why}`);
  const out: PathSegment[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (out.length > 0 && c !== "." && c !== "[") throw fail(`unexpected "${c}" at ${i}`);
    if (c === "[") {
      if (out.length === 0) throw fail("a path starts with a key, not an index");
      const end = expr.indexOf("]", i);
      if (end < 0) throw fail('missing "]"');
      out.push(bracket(expr.slice(i + 1, end), fail));
      i = end + 1;
      continue;
    }
    if (c === ".") {
      if (out.length === 0) throw fail("a path starts with a key");
      i++;
    }
    const read = readKey(expr, i, fail);
    out.push(read.key);
    i = read.end;
  }
  if (out.length === 0) throw fail("empty path");
  return out;
}

function readKey(expr: string, i: number, fail: (why: string) => Error) {
  if (expr[i] === '"') {
    const end = closingQuote(expr, i);
    if (end < 0) throw fail("unterminated quoted key");
    return { key: JSON.parse(expr.slice(i, end + 1)) as string, end: end + 1 };
  }
  let end = i;
  while (end < expr.length && !'.[]"'.includes(expr[end])) end++;
  if (end === i) throw fail(`empty key at ${i}`);
  return { key: expr.slice(i, end), end };
}

function bracket(inner: string, fail: (why: string) => Error): PathSegment {
  if (/^\d+$/.test(inner)) return Number(inner);
  if (inner.length >= 2 && inner[0] === '"' && closingQuote(inner, 0) === inner.length - 1) {
    return JSON.parse(inner) as string;
  }
  if (inner.length >= 2 && inner[0] === "'" && inner.at(-1) === "'") return inner.slice(1, -1);
  throw fail(`"[${inner}]" is neither an index nor a quoted key`);
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** A fresh, empty tree node. */
export function pathNode(): PathNode {
  return { targets: [], keys: null, indexes: null };
}

/** Adds `path` to the tree rooted at `root`; its value goes to extracted name `target`. */
export function addPath(root: PathNode, path: readonly PathSegment[], target: string): void {
  let node = root;
  for (const seg of path) {
    if (typeof seg === "number") {
      node.indexes ??= new Map();
      node = getOrAdd(node.indexes, seg);
    } else {
      node.keys ??= new Map();
      node = getOrAdd(node.keys, seg);
    }
  }
  node.targets.push(target);
}

function getOrAdd<K>(map: Map<K, PathNode>, key: K): PathNode {
  let child = map.get(key);
  if (child === undefined) {
    child = pathNode();
    map.set(key, child);
  }
  return child;
}
