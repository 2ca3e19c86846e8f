import {
  Document,
  isAlias,
  isScalar,
  LineCounter,
  type Node,
  parseAllDocuments,
  visit,
} from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigProblem, formatPath, reportedYamlErrors } from "./errors.ts";
import { complain } from "./issues.ts";
import { locate, positionOf } from "./locate.ts";

export { ConfigError, type ConfigProblem } from "./errors.ts";

/** Options of {@link parseYamlConfig}. */
export interface YamlConfigOptions {
  /** Adjusts the parsed document before it is validated (e.g. keeps a scalar's source text). */
  readonly prepare?: (doc: Document) => void;
}

/** Guards against "billion laughs" documents that expand aliases exponentially. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML text and validates it with a zod schema, returning the schema's output.
 * Every problem (YAML syntax, duplicate key, schema violation) is reported with the line
 * and column of the node it concerns, all at once, in one {@link ConfigError}; a
 * half-valid result is never returned. An empty document validates as `{}`.
 */
export function parseYamlConfig<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  options: YamlConfigOptions = {},
): z.output<S> {
  const lineCounter = new LineCounter();
  // `merge` keeps `<<: *defaults` working, as it does in Prometheus's YAML library, which
  // reads the first document of a file and no more.
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false });
  const doc = Array.isArray(docs) ? (docs[0] ?? new Document(null)) : docs;
  const syntax = syntaxProblems(doc, text, file, lineCounter);
  if (syntax.length > 0) throw new ConfigError(syntax);

  dropNullFields(doc);
  options.prepare?.(doc);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    throw new ConfigError([wholeFile(file, `Cannot read YAML: ${(error as Error).message}`)]);
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(schemaProblems(result.error.issues, data, doc, file, lineCounter));
}

/**
 * Leaves out every mapping entry whose value is null (`global:` with all its lines commented
 * out), as Go's decoder leaves such a field at its default.
 */
function dropNullFields(doc: Document): void {
  visit(doc, {
    Pair(_, pair) {
      const v = pair.value;
      if (v === null || (isScalar(v) && v.value === null)) return visit.REMOVE;
    },
  });
}

/** Reads a YAML config file and validates it; see {@link parseYamlConfig}. */
export async function loadYamlConfig<S extends z.ZodType>(
  path: string,
  schema: S,
  options: YamlConfigOptions = {},
): Promise<z.output<S>> {
  return parseYamlConfig(await readConfigFile(path), path, schema, options);
}

/** Reads a config file as text, turning I/O failures into a {@link ConfigError}. */
export async function readConfigFile(path: string): Promise<string> {
  try {
    return await Bun.file(path).text();
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "no such file"
        : (error as Error).message;
    throw new ConfigError([wholeFile(path, `Cannot read config file: ${reason}`)]);
  }
}

function syntaxProblems(
  doc: Document,
  text: string,
  file: string,
  lineCounter: LineCounter,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const error of reportedYamlErrors(doc.errors, (at) => lineCounter.linePos(at).line)) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const reason =
      error.code === "DUPLICATE_KEY"
        ? `duplicate key "${keyAt(doc, error.pos[0]) ?? text.slice(error.pos[0], error.pos[1])}"`
        : `Cannot parse YAML: ${error.message}`;
    problems.push({ file, line, column: col, path: "", reason });
  }
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return;
      const { line, column } = positionOf(alias as Node, lineCounter);
      problems.push({ file, line, column, path: "", reason: `unknown alias "*${alias.source}"` });
    },
  });
  return problems;
}

/** The text of the map key starting at `offset`; the parser's error spans only its first character. */
function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (isScalar(key) && key.range?.[0] === offset) {
        found = String(key.value);
        return visit.BREAK;
      }
    },
  });
  return found;
}

function schemaProblems(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  doc: Document,
  file: string,
  lineCounter: LineCounter,
): ConfigProblem[] {
  return issues.flatMap((issue) =>
    complain(issue, data).map(({ path, atKey, reason }) => {
      const found = locate(doc, path);
      const node = atKey && found.complete && found.key !== null ? found.key : found.node;
      const { line, column } = positionOf(isAlias(node) ? null : node, lineCounter);
      return { file, line, column, path: formatPath(path), reason };
    }),
  );
}

function wholeFile(file: string, reason: string): ConfigProblem {
  return { file, line: 0, column: 0, path: "", reason };
}
