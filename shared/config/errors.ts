/** One thing wrong with a config file, located well enough for an editor to jump to it. */
export interface ConfigProblem {
  /** The file as the user named it. */
  file: string;
  /** 1-based line; 0 when the problem concerns the whole file (for example it cannot be read). */
  line: number;
  /** 1-based column; 0 together with `line`. */
  column: number;
  /** Where in the document, as `scrape_configs[0].scrape_interval`; "" for the document itself. */
  path: string;
  /** What is wrong, in a sentence the user can act on. */
  reason: string;
}

/**
 * Thrown when a config file cannot be loaded. It is the one config error a caller catches:
 * it carries every problem found, and its message lists them one per line as
 * `file:line:column: path: reason`, the format editors and CI annotate.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Every problem, ordered by position in the file. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    super(sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
}

/** Renders one problem as `file:line:column: path: reason` (position and path left out when unknown). */
export function formatProblem(problem: ConfigProblem): string {
  const where =
    problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return problem.path === ""
    ? `${where}: ${problem.reason}`
    : `${where}: ${problem.path}: ${problem.reason}`;
}

/** Renders a document path as `a.b[0]["odd.key"]`, the notation used in problem messages. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(segment))) {
      out += out === "" ? String(segment) : `.${String(segment)}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/**
 * The errors of a YAML document worth reporting: one broken construct makes the parser trip
 * several times on a line, and the first says it best; every duplicate key is kept. `lineOf`
 * gives the line of an offset.
 */
export function reportedYamlErrors<E extends { code: string; pos: [number, number] }>(
  errors: readonly E[],
  lineOf: (offset: number) => number,
): E[] {
  const lines = new Set<number>();
  return errors.filter((error) => {
    const line = lineOf(error.pos[0]);
    const first = !lines.has(line);
    lines.add(line);
    return first || error.code === "DUPLICATE_KEY";
  });
}
