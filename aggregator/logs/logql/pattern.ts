/**
 * Loki's pattern expressions (`<ip> - - [<_>] "<method> <path> <_>"`): literals and
 * `<name>` captures (`<_>` captures nothing), matched left to right by finding each literal
 * after the previous one. Used by `| pattern` and the `|>`/`!>` line filters.
 */

type Node = { readonly literal: string } | { readonly capture: string };

/** A compiled pattern. */
export interface Pattern {
  /** Names of the named captures, in order. */
  readonly names: readonly string[];
  /** Captured values of a line, in order of `names`; fewer when the line ends early. */
  matches(line: string): string[];
  /** Whether the whole line fits the pattern. */
  test(line: string): boolean;
}

const CAPTURE = /<([a-zA-Z_][a-zA-Z0-9_]*)>/g;

function parseNodes(pattern: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const m of pattern.matchAll(CAPTURE)) {
    if (m.index > last) nodes.push({ literal: pattern.slice(last, m.index) });
    const previous = nodes.at(-1);
    if (previous !== undefined && "capture" in previous) {
      throw new SyntaxError(`found consecutive capture '${m[0]}': invalid expression`);
    }
    nodes.push({ capture: m[1] });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) nodes.push({ literal: pattern.slice(last) });
  return nodes;
}

/** Compiles a pattern; `needCapture` demands a named capture (the `| pattern` stage). */
export function compilePattern(pattern: string, needCapture: boolean): Pattern {
  const nodes = parseNodes(pattern);
  const names = nodes.flatMap((n) => ("capture" in n && n.capture !== "_" ? [n.capture] : []));
  if (new Set(names).size !== names.length) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    throw new SyntaxError(`duplicate capture name (${dup}): invalid expression`);
  }
  if (needCapture && names.length === 0) throw new SyntaxError("at least one capture is required");
  if (nodes.length === 0) throw new SyntaxError("invalid expression");
  return {
    names,
    matches: (line) => match(nodes, line, false) ?? [],
    test: (line) => match(nodes, line, true) !== undefined,
  };
}

/** Runs the pattern; with `whole`, undefined unless the line is consumed exactly. */
function match(nodes: readonly Node[], line: string, whole: boolean): string[] | undefined {
  const out: string[] = [];
  if (line === "") return undefined;
  let rest = line;
  let i = 0;
  const first = nodes[0];
  if ("literal" in first) {
    if (!rest.startsWith(first.literal)) return whole ? undefined : out;
    rest = rest.slice(first.literal.length);
    i = 1;
  }
  for (; i < nodes.length; i += 2) {
    const capture = (nodes[i] as { capture: string }).capture;
    const next = nodes[i + 1] as { literal: string } | undefined;
    if (next === undefined) {
      if (capture !== "_") out.push(rest);
      return out;
    }
    const at =
      whole && i + 2 >= nodes.length ? rest.lastIndexOf(next.literal) : rest.indexOf(next.literal);
    if (at < 0) {
      if (whole) return undefined;
      if (capture !== "_") out.push(rest);
      return out;
    }
    if (capture !== "_") out.push(rest.slice(0, at));
    rest = rest.slice(at + next.literal.length);
  }
  return whole && rest !== "" ? undefined : out;
}
