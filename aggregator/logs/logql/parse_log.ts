/**
 * Log expressions: the stream selector `{a="b", c=~"d"}` and the pipeline stages after it,
 * with the token order and error messages of Loki's grammar (`syntax/expr.y`).
 */
import type { LabelMatcher } from "../../storage/storage.ts";
import type {
  DropKeepStage,
  Extraction,
  LabelFormatItem,
  LineFilterOp,
  LineFilterStage,
  LogExpr,
  Stage,
} from "./ast.ts";
import { parseLabelFilter } from "./parse_filter.ts";
import { compileLabelMatcher } from "./regex.ts";
import { failParse, type TokenStream } from "./token_stream.ts";
import { LINE_FILTER_OPS } from "./tokens.ts";

const MATCH_OPS = ["=", "=~", "!~", "!="] as const;

/** `{matchers} [pipeline]`; `allowUnwrap` stops before `| unwrap` (range aggregations). */
export function parseLogExpr(ts: TokenStream, allowUnwrap: boolean): LogExpr {
  const matchers = parseSelector(ts);
  return { kind: "log", matchers, stages: parsePipeline(ts, allowUnwrap) };
}

/** `{}` or `{a="b", …}`. */
export function parseSelector(ts: TokenStream): LabelMatcher[] {
  ts.expect("{");
  const matchers: LabelMatcher[] = [];
  if (ts.accept("}")) return matchers;
  if (ts.kind !== "IDENTIFIER") ts.unexpected(["IDENTIFIER", "}"]);
  for (;;) {
    matchers.push(parseMatcher(ts));
    if (ts.accept("}")) return matchers;
    if (!ts.accept(",")) ts.unexpected(["}", ","]);
    if (ts.kind !== "IDENTIFIER") ts.unexpected(["IDENTIFIER"]);
  }
}

/** `name op "value"`, the value checked as Loki's `mustNewMatcher` checks it. */
export function parseMatcher(ts: TokenStream): LabelMatcher {
  const name = ts.expect("IDENTIFIER").text;
  const op = ts.kind;
  if (!(MATCH_OPS as readonly string[]).includes(op)) ts.unexpected([...MATCH_OPS]);
  ts.next();
  const value = ts.expect("STRING").text;
  const matcher: LabelMatcher = { name, type: op as LabelMatcher["type"], value };
  try {
    compileLabelMatcher(matcher);
  } catch (error) {
    failParse((error as Error).message);
  }
  return matcher;
}

/** Pipeline stages until a token that cannot continue it. */
export function parsePipeline(ts: TokenStream, allowUnwrap: boolean): Stage[] {
  const stages: Stage[] = [];
  for (;;) {
    if (LINE_FILTER_OPS.has(ts.kind)) {
      stages.push(parseLineFilter(ts));
    } else if (ts.kind === "|" && !(allowUnwrap && ts.peek(1).kind === "unwrap")) {
      ts.next();
      stages.push(parseStage(ts));
    } else {
      return stages;
    }
  }
}

function parseLineFilter(ts: TokenStream): LineFilterStage {
  const op = ts.next().kind as LineFilterOp;
  const values = [lineFilterValue(ts)];
  while (ts.kind === "or") {
    ts.next();
    values.push(lineFilterValue(ts));
  }
  // Loki compiles line filter regexes when it builds the pipeline, not while parsing.
  return { kind: "line_filter", op, values };
}

function lineFilterValue(ts: TokenStream): string {
  if (ts.kind === "ip") failParse("ip() filters are not supported");
  return ts.expect("STRING", ["STRING", "ip"]).text;
}

function parseStage(ts: TokenStream): Stage {
  switch (ts.kind) {
    case "json":
      ts.next();
      return { kind: "json", extractions: parseExtractions(ts) };
    case "logfmt":
      return parseLogfmt(ts);
    case "regexp":
    case "pattern": {
      const kind = ts.next().kind as "regexp" | "pattern";
      return { kind, pattern: ts.expect("STRING").text };
    }
    case "unpack":
    case "decolorize":
      return { kind: ts.next().kind as "unpack" | "decolorize" };
    case "line_format":
      ts.next();
      return { kind: "line_format", template: ts.expect("STRING").text };
    case "label_format":
      ts.next();
      return { kind: "label_format", items: parseLabelFormat(ts) };
    case "drop":
    case "keep":
      return parseDropKeep(ts);
    case "IDENTIFIER":
    case "(":
      return { kind: "label_filter", filter: parseLabelFilter(ts) };
    default:
      return ts.unexpected();
  }
}

function parseLogfmt(ts: TokenStream): Stage {
  ts.next();
  const flags = new Set<string>();
  while (ts.kind === "PARSER_FLAG") flags.add(ts.next().text);
  return {
    kind: "logfmt",
    strict: flags.has("--strict"),
    keepEmpty: flags.has("--keep-empty"),
    extractions: parseExtractions(ts),
  };
}

/** `a="path", b` after `json`/`logfmt`; empty when no identifier follows. */
function parseExtractions(ts: TokenStream): Extraction[] {
  const out: Extraction[] = [];
  if (ts.kind !== "IDENTIFIER") return out;
  for (;;) {
    const name = ts.expect("IDENTIFIER").text;
    const expr = ts.accept("=") ? ts.expect("STRING").text : name;
    out.push({ name, expr });
    if (!ts.accept(",")) return out;
  }
}

function parseLabelFormat(ts: TokenStream): LabelFormatItem[] {
  const items: LabelFormatItem[] = [];
  for (;;) {
    const name = ts.expect("IDENTIFIER").text;
    ts.expect("=");
    if (ts.kind === "IDENTIFIER") items.push({ name, rename: ts.next().text });
    else items.push({ name, template: ts.expect("STRING", ["IDENTIFIER", "STRING"]).text });
    if (!ts.accept(",")) break;
  }
  const seen = new Set<string>();
  for (const { name } of items) {
    if (seen.has(name)) {
      failParse(`multiple label name '${name}' not allowed in a single format operation`);
    }
    seen.add(name);
  }
  return items;
}

function parseDropKeep(ts: TokenStream): DropKeepStage {
  const kind = ts.next().kind as "drop" | "keep";
  const items: { name: string; matcher?: LabelMatcher }[] = [];
  for (;;) {
    const next = ts.peek(1).kind;
    if ((MATCH_OPS as readonly string[]).includes(next)) {
      const matcher = parseMatcher(ts);
      items.push({ name: matcher.name, matcher });
    } else {
      items.push({ name: ts.expect("IDENTIFIER").text });
    }
    if (!ts.accept(",")) return { kind, items };
  }
}
