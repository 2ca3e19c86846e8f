/**
 * Explain: the parsed expression tree with each node's result size, for a query-tree view
 * (as Prometheus 3's tree view shows). Each node is evaluated on its own, as its one-line text,
 * through the same instant and range queries as everything else, under one shared timeout.
 */
import { codeOf } from "../../../shared/errors/errors.ts";
import { children } from "../../promql/engine/plan.ts";
import type { Expr, ValueType } from "../../promql/parser/ast.ts";
import { exprType } from "../../promql/parser/check.ts";
import { exprToString } from "../../promql/parser/format.ts";
import { parseExpr } from "../../promql/parser/parse.ts";
import type { QueryResult } from "../../promql/value.ts";
import { invalidParam, messageOf, param } from "./errors.ts";
import { instantQuery, type QueryAnswer, type QueryDeps, rangeQuery } from "./run.ts";

/** Explain evaluates at most this many nodes: each is a query of its own. */
export const MAX_EXPLAIN_NODES = 200;

/** Where to evaluate: one time, or a range with a step (ms). */
export type ExplainAt =
  | { readonly timeMs: number }
  | { readonly startMs: number; readonly endMs: number; readonly stepMs: number };

/** One node of the tree and the size of what it evaluated to. */
export interface ExplainedNode {
  readonly kind: Expr["type"];
  readonly valueType: ValueType;
  /** The node as Prometheus prints it on one line. */
  readonly text: string;
  /** Where it is in the query, UTF-16 code units, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly series: number;
  readonly samples: number;
  /** Why the node could not be evaluated on its own ("" when it was). */
  readonly error: string;
  readonly children: ExplainedNode[];
}

/** What explain needs besides the query: where, a timeout for all nodes, the caller's signal. */
export interface ExplainRequest {
  readonly query: string;
  readonly at: ExplainAt;
  readonly timeoutMs?: number;
  readonly signal: AbortSignal;
}

/**
 * Parses the query and evaluates every node. A query that does not parse, a timeout and a
 * cancellation fail the whole call; any other failure of a node is reported on the node.
 */
export async function explain(deps: QueryDeps, req: ExplainRequest): Promise<ExplainedNode> {
  const root = param("query", () => parseExpr(req.query, { experimentalFunctions: true }));
  const count = countNodes(root);
  if (count > MAX_EXPLAIN_NODES) {
    const reason = `${count} nodes are more than explain evaluates (${MAX_EXPLAIN_NODES})`;
    throw invalidParam("query", new RangeError(reason));
  }
  const until = req.timeoutMs ? performance.now() + req.timeoutMs : undefined;
  const visit = async (e: Expr): Promise<ExplainedNode> => {
    const children: ExplainedNode[] = [];
    for (const child of childrenOf(e)) children.push(await visit(child));
    const timeoutMs = until === undefined ? undefined : Math.max(0, until - performance.now());
    return { ...(await measure(deps, e, req, timeoutMs)), children };
  };
  return visit(root);
}

async function measure(
  deps: QueryDeps,
  e: Expr,
  req: ExplainRequest,
  timeoutMs: number | undefined,
): Promise<Omit<ExplainedNode, "children">> {
  const valueType = exprType(e);
  const text = exprToString(e);
  const node = { kind: e.type, valueType, text, start: e.span.start, end: e.span.end };
  const settings = { query: text, limit: 0, timeoutMs, signal: req.signal };
  let answer: QueryAnswer;
  try {
    // A range query takes only vectors and scalars: other nodes are measured at its end.
    const at = req.at;
    if ("timeMs" in at) answer = await instantQuery(deps, { ...settings, timeMs: at.timeMs });
    else if (valueType === "matrix" || valueType === "string")
      answer = await instantQuery(deps, { ...settings, timeMs: at.endMs });
    else answer = await rangeQuery(deps, { ...settings, ...at });
  } catch (err) {
    const code = codeOf(err);
    if (code === "timeout" || code === "canceled") throw err;
    return { ...node, series: 0, samples: 0, error: messageOf(err) };
  }
  return { ...node, ...sizeOf(answer.result), error: "" };
}

/** Series and points in a result. */
function sizeOf(r: QueryResult): { series: number; samples: number } {
  switch (r.type) {
    case "scalar":
    case "string":
      return { series: 0, samples: 1 };
    case "vector":
      return { series: r.samples.length, samples: r.samples.length };
    case "matrix": {
      let samples = 0;
      for (const s of r.series) samples += s.timestamps.length;
      return { series: r.series.length, samples };
    }
  }
}

/** A node's operands in the order they are written; a range selector is a leaf. */
function childrenOf(e: Expr): Expr[] {
  return e.type === "MatrixSelector" ? [] : children(e);
}

function countNodes(root: Expr): number {
  let n = 0;
  const stack = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    n++;
    stack.push(...childrenOf(e));
  }
  return n;
}
