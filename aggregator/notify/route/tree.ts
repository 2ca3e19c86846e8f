/**
 * The routing tree drawn as `amtool config routes` and `amtool config routes test --tree`
 * draw it (treeprint's layout: `├── `, `└── `, and `│` followed by two no-break spaces).
 */
import { formatMatchers } from "../matchers.ts";
import type { Route } from "./route.ts";

/** A node to draw: its text and children. */
interface Node {
  readonly text: string;
  readonly children: Node[];
}

/** A route's label in the drawing: its matchers, or `default-route` when it has none. */
function label(route: Route): string {
  return route.matchers.length === 0 ? "default-route" : formatMatchers(route.matchers);
}

function draw(nodes: readonly Node[], indent: string): string {
  let out = "";
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    out += `${indent}${last ? "└── " : "├── "}${n.text}\n`;
    out += draw(n.children, indent + (last ? "    " : "│\u00a0\u00a0 "));
  });
  return out;
}

/** The whole tree with each route's `continue` and receiver, as `amtool config routes`. */
export function drawRoutingTree(root: Route): string {
  const node = (r: Route): Node => ({
    text: `${label(r)}${r.continue ? "  continue: true" : ""}  receiver: ${r.opts.receiver}`,
    children: r.routes.map(node),
  });
  return `Routing tree:\n.\n${draw([node(root)], "")}`;
}

/**
 * The matching routes and their ancestors, receivers on the matching ones only, as
 * `amtool config routes test --tree` draws them.
 */
export function drawMatchingRoutes(matched: readonly Route[]): string {
  const nodes = new Map<Route, Node>();
  const top: Node[] = [];
  const hit = new Set(matched);
  for (const route of matched) {
    const chain: Route[] = [];
    for (let r: Route | null = route; r !== null; r = r.parent) chain.unshift(r);
    let siblings = top;
    for (const r of chain) {
      let n = nodes.get(r);
      if (n === undefined) {
        n = { text: label(r) + (hit.has(r) ? `  receiver: ${r.opts.receiver}` : ""), children: [] };
        nodes.set(r, n);
        siblings.push(n);
      }
      siblings = n.children;
    }
  }
  return `Matching routes:\n.\n${draw(top, "")}\n`;
}
